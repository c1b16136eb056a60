package io.latchkey.core.usertoken;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.user.Accounts;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserRepository;
import io.latchkey.core.user.UserStatus;
import io.latchkey.core.verification.VerificationService;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * API tokens of every {@link TokenKind}: issued, found by the SHA-256 that is all the server keeps,
 * revoked. Also the sign-in to the user API: the password (through {@link Accounts}, so it is
 * throttled and its errors are uniform, SECURITY-TESTS A5), then a second factor (through {@link
 * VerificationService}, so a wrong code counts toward the one shared lockout counter, B4, and a
 * used code is consumed, C1); {@link AdminTokens} is the administrators' sign-in on the same path.
 * The result is an opaque random token that lives briefly and is stored only as its SHA-256.
 *
 * <p>A token never outlives its user's standing: {@link #authenticate} reads the user afresh on
 * every request, so blocking or disabling a user stops their tokens at once (and an administrator's
 * tokens stop when the role goes); the unblock, the enable or a reset of MFA revokes them ({@link
 * io.latchkey.core.user.UserSessions}), so an unblock within their lifetime does not bring them
 * back.
 */
public final class UserTokens {
  /**
   * User API tokens look like {@code lku_} + 43 Base64url characters (256 bits): distinct from the
   * {@code lk_} of API keys and from the other {@link TokenKind}s, so the API's filters can tell
   * them apart before any lookup.
   */
  public static final String TOKEN_PREFIX = TokenKind.USER.prefix();

  private static final int MAX_TOKEN_LENGTH = 200;

  private final Accounts accounts;
  private final VerificationService verification;
  private final UserRepository users;
  private final UserTokenRepository tokens;
  private final AuditLog audit;
  private final Clock clock;
  private final SecureRandom random;
  private final Duration lifetime;
  private final io.latchkey.core.user.PasswordChanges passwords;

  public UserTokens(
      Accounts accounts,
      VerificationService verification,
      UserRepository users,
      UserTokenRepository tokens,
      AuditLog audit,
      Clock clock,
      SecureRandom random,
      Duration lifetime,
      io.latchkey.core.user.PasswordChanges passwords) {
    if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("a user API session lasts more than 0 s and at most 1 h");
    }
    this.accounts = accounts;
    this.verification = verification;
    this.users = users;
    this.tokens = tokens;
    this.audit = audit;
    this.clock = clock;
    this.random = random;
    this.lifetime = lifetime;
    this.passwords = passwords;
  }

  /** A new session and its token, which is shown once and never stored. */
  public record Issued(UserToken session, User user, String token) {
    @Override
    public String toString() {
      return "Issued[" + session + "]";
    }
  }

  /** A session that authenticated a request: its user as stored now. */
  public record Authenticated(UserToken session, User user) {}

  /**
   * Checks the password, then the code, then issues a token. A user who must change the password
   * (issue 14) is refused before the code is checked, unless {@code newPassword} carries the new
   * one: it is set once the code is proven, and every earlier session and token ends.
   *
   * @param newPassword the new password of a required change; null for none
   * @throws LatchkeyException before the password is proven: {@code unauthorized} (unknown user and
   *     wrong password alike) or {@code rate_limited}; after it, what {@link
   *     VerificationService#verify} throws ({@code invalid_code}, {@code code_reused}, {@code
   *     user_blocked}, {@code user_disabled}, {@code not_enrolled}, {@code bad_request})
   */
  public Issued signIn(
      String username, String password, String code, String newPassword, RequestContext context) {
    User user = accounts.signIn(username, password, context);
    boolean change = passwords.beforeFactor(user, newPassword, context);
    // The user as the password check just read them: blocked, disabled or locked out is decided
    // there, with the same counter and single use as every other path.
    VerificationService.Verified verified = verification.verify(user, code, context);
    if (change) {
      passwords.completeRequiredChange(user, newPassword, context);
    }
    Issued issued = issue(verified.user(), TokenKind.USER, null, null, lifetime);
    UserToken session = issued.session();
    audit.record(
        AuditEvent.of(AuditEventType.USER_SESSION_CREATED, context, session.createdAt())
            .user(user.id(), user.username().value())
            .detail(
                "user API session "
                    + session.id()
                    + " opened after the password and a code of method "
                    + verified.methodId()
                    + "; valid until "
                    + session.expiresAt())
            .build());
    return issued;
  }

  /**
   * Stores a new token of {@code kind} for {@code user}, valid for {@code lifetime} from now. The
   * caller has proven what the kind needs (the password and a factor for {@link TokenKind#USER} and
   * {@link TokenKind#ADMIN}, an admin token for {@link TokenKind#METRICS}) and audits it.
   */
  public Issued issue(User user, TokenKind kind, String name, UUID challengeId, Duration lifetime) {
    Instant now = clock.instant();
    String token = newToken(kind);
    UserToken session =
        new UserToken(
            UUID.randomUUID(), kind, user.id(), name, challengeId, now, now.plus(lifetime), null);
    tokens.insert(session, hash(token));
    return new Issued(session, user, token);
  }

  /**
   * The session and user a presented token stands for.
   *
   * @return empty for anything that is not a live token (unknown, expired, revoked, malformed)
   * @throws LatchkeyException {@code user_blocked} or {@code user_disabled} for a live token whose
   *     user is no longer active (audited), so the holder learns why; they proved a factor
   */
  public Optional<Authenticated> authenticate(String token, RequestContext context) {
    Optional<TokenKind> kind = TokenKind.ofToken(token);
    // A pending push login's poll secret opens nothing: only collectPending reads it.
    if (kind.isEmpty() || kind.get() == TokenKind.ADMIN_PUSH || !looksLikeAToken(token)) {
      return Optional.empty();
    }
    // Unexpired, revoked or not: the holder of a token whose user is blocked or disabled is told
    // why (below); the unblock or the enable revokes every token of the user, so it opens nothing
    // afterwards.
    Optional<UserToken> found =
        tokens
            .findByHash(hash(token))
            .filter(t -> t.kind() == kind.get())
            .filter(t -> clock.instant().isBefore(t.expiresAt()));
    if (found.isEmpty()) {
      return Optional.empty();
    }
    Optional<User> user = users.findById(found.get().userId());
    // An administrator's tokens stop when the role goes.
    if (user.isEmpty() || (kind.get() != TokenKind.USER && !user.get().admin())) {
      return Optional.empty();
    }
    if (user.get().status() != UserStatus.ACTIVE) {
      ErrorCode code =
          user.get().status() == UserStatus.BLOCKED
              ? ErrorCode.USER_BLOCKED
              : ErrorCode.USER_DISABLED;
      audit.record(
          AuditEvent.of(rejected(kind.get()), context, clock.instant())
              .user(user.get().id(), user.get().username().value())
              .failure(code.code())
              .detail(
                  describe(kind.get())
                      + " "
                      + found.get().id()
                      + " refused: the user is "
                      + user.get().status().name().toLowerCase(java.util.Locale.ROOT))
              .build());
      throw new LatchkeyException(code, "the user is " + user.get().status());
    }
    if (!found.get().usableAt(clock.instant())) {
      return Optional.empty();
    }
    return Optional.of(new Authenticated(found.get(), user.get()));
  }

  /** Ends a session (sign-out); its token stops working at once. */
  public void revoke(Authenticated session, RequestContext context) {
    TokenKind kind = session.session().kind();
    if (tokens.revoke(session.session().id(), clock.instant())) {
      audit.record(
          AuditEvent.of(revoked(kind), context, clock.instant())
              .user(session.user().id(), session.user().username().value())
              .detail(describe(kind) + " " + session.session().id() + " ended by its holder")
              .build());
    }
  }

  /** Live tokens of one kind (the metrics tokens an administrator lists). */
  public java.util.List<UserToken> listLive(TokenKind kind) {
    return tokens.listLive(kind, clock.instant());
  }

  /**
   * Revokes a live token of {@code kind} by its ID (an administrator revoking a metrics token).
   *
   * @return the token revoked; empty if there is no such live token of that kind
   */
  public Optional<UserToken> revoke(UUID id, TokenKind kind) {
    Optional<UserToken> live = listLive(kind).stream().filter(t -> t.id().equals(id)).findFirst();
    return live.filter(t -> tokens.revoke(t.id(), clock.instant()));
  }

  /**
   * The pending push login a poll secret stands for, if it is live; {@link #redeem} then makes it
   * single use.
   */
  public Optional<UserToken> findPending(String pollSecret) {
    if (TokenKind.ofToken(pollSecret).orElse(null) != TokenKind.ADMIN_PUSH
        || !looksLikeAToken(pollSecret)) {
      return Optional.empty();
    }
    return tokens
        .findByHash(hash(pollSecret))
        .filter(t -> t.kind() == TokenKind.ADMIN_PUSH)
        .filter(t -> t.usableAt(clock.instant()));
  }

  /** Uses a pending push login up: true for exactly one caller (a conditional update). */
  public boolean redeem(UserToken pending) {
    return tokens.revoke(pending.id(), clock.instant());
  }

  private static AuditEventType rejected(TokenKind kind) {
    return kind == TokenKind.USER
        ? AuditEventType.USER_SESSION_REJECTED
        : AuditEventType.ADMIN_SESSION_REJECTED;
  }

  private static AuditEventType revoked(TokenKind kind) {
    return switch (kind) {
      case USER -> AuditEventType.USER_SESSION_REVOKED;
      case METRICS -> AuditEventType.METRICS_TOKEN_REVOKED;
      case ADMIN, ADMIN_PUSH -> AuditEventType.ADMIN_SESSION_REVOKED;
    };
  }

  /** How the audit log names a token of {@code kind}. */
  static String describe(TokenKind kind) {
    return switch (kind) {
      case USER -> "user API session";
      case ADMIN -> "admin session";
      case METRICS -> "metrics token";
      case ADMIN_PUSH -> "pending admin push login";
    };
  }

  /** Forgets sessions that expired more than a day ago (the audit log keeps their story). */
  public int sweep() {
    return tokens.deleteExpired(clock.instant().minus(Duration.ofDays(1)));
  }

  private static boolean looksLikeAToken(String token) {
    return token != null
        && token.length() <= MAX_TOKEN_LENGTH
        && token.chars().allMatch(c -> c > 0x20 && c < 0x7f);
  }

  private String newToken(TokenKind kind) {
    byte[] raw = new byte[32];
    random.nextBytes(raw);
    return kind.prefix() + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }

  static byte[] hash(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
