package io.latchkey.core.usertoken;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.push.Challenge;
import io.latchkey.core.push.ChallengeService;
import io.latchkey.core.user.Accounts;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserRepository;
import io.latchkey.core.verification.Lockout;
import io.latchkey.core.verification.VerificationService;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * An administrator's login to the admin API (issue 12): the password and a second factor, never the
 * password alone. The factor is a code (TOTP or backup code, through {@link VerificationService}:
 * one shared lockout counter, single use) or a push approved on the phone with number matching
 * ({@link ChallengeService}, purpose sign-in). The result is an {@link TokenKind#ADMIN} token whose
 * issue time is when the factor was proven, the reference of the step-up window. Also makes the
 * read-only {@link TokenKind#METRICS} tokens a Prometheus scraper uses.
 *
 * <p>Someone who is not an administrator gets the same {@code unauthorized} as a wrong password:
 * the answer tells nothing about the role (the audit log records the truth).
 */
public final class AdminTokens {
  /** A bound that keeps a forgotten token from opening the admin API for days. */
  public static final Duration MAX_LIFETIME = Duration.ofHours(12);

  /** A metrics token works until it is revoked (ten years stand in for that). */
  public static final Duration METRICS_LIFETIME = Duration.ofDays(3650);

  /** What the phone shows as the requester of an admin login. */
  public static final String PUSH_APPLICATION = "Latchkey admin login";

  /** How long after its push was created a pending push login may still be collected. */
  private static final Duration PUSH_COLLECT_GRACE = Duration.ofMinutes(2);

  private final Accounts accounts;
  private final VerificationService verification;
  private final ChallengeService challenges;
  private final UserTokens tokens;
  private final UserRepository users;
  private final AuditLog audit;
  private final java.time.Clock clock;
  private final Duration lifetime;
  private final io.latchkey.core.user.PasswordChanges passwords;

  public AdminTokens(
      Accounts accounts,
      VerificationService verification,
      ChallengeService challenges,
      UserTokens tokens,
      UserRepository users,
      AuditLog audit,
      java.time.Clock clock,
      Duration lifetime,
      io.latchkey.core.user.PasswordChanges passwords) {
    if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_LIFETIME) > 0) {
      throw new IllegalArgumentException("an admin token lasts more than 0 s and at most 12 h");
    }
    this.accounts = accounts;
    this.verification = verification;
    this.challenges = challenges;
    this.tokens = tokens;
    this.users = users;
    this.audit = audit;
    this.clock = clock;
    this.lifetime = lifetime;
    this.passwords = passwords;
  }

  /** A push login under way: the number the admin types in the app, and the poll secret. */
  public record PushStarted(Challenge challenge, String pollSecret) {
    @Override
    public String toString() {
      return "PushStarted[" + challenge + "]";
    }
  }

  /**
   * The password, then a code, then an admin token. An administrator who must change the password
   * (set by another administrator, or the first start's) is refused before the code is checked
   * unless {@code newPassword} carries the new one, set once the code is proven (issue 14).
   *
   * @param newPassword the new password of a required change; null for none
   * @throws LatchkeyException {@code unauthorized} (unknown user, wrong password, or not an
   *     administrator), {@code rate_limited}; then what {@link VerificationService#verify} throws
   */
  public UserTokens.Issued signIn(
      String username, String password, String code, String newPassword, RequestContext context) {
    User admin = administrator(username, password, context);
    boolean change = passwords.beforeFactor(admin, newPassword, context);
    VerificationService.Verified verified = verification.verify(admin, code, context);
    if (change) {
      passwords.completeRequiredChange(admin, newPassword, context);
    }
    return issueAfterFactor(verified.user(), "a code of method " + verified.methodId(), context);
  }

  /**
   * The password, then a push sign-in request to the administrator's phone.
   *
   * @throws LatchkeyException as {@link #signIn} before the password is proven; {@code
   *     password_change_required} while the password must be changed (a push login carries no new
   *     one: sign in with a code, or in the browser); then what {@link ChallengeService#create}
   *     throws ({@code not_enrolled} without a push device, ...)
   */
  public PushStarted startPush(String username, String password, RequestContext context) {
    User admin = administrator(username, password, context);
    passwords.beforeFactor(admin, null, context);
    Challenge challenge = challenges.create(admin, PUSH_APPLICATION, context.ip(), context);
    UserTokens.Issued pending =
        tokens.issue(
            admin,
            TokenKind.ADMIN_PUSH,
            null,
            challenge.id(),
            Duration.between(clock.instant(), challenge.expiresAt()).plus(PUSH_COLLECT_GRACE));
    return new PushStarted(challenge, pending.token());
  }

  /**
   * Collects the admin token of a push login once the phone approved it; once only.
   *
   * @return empty while the request waits for an answer
   * @throws LatchkeyException {@code unauthorized} for an unknown, used or expired poll secret or
   *     one of another request; {@code challenge_denied}, {@code challenge_expired}
   */
  public Optional<UserTokens.Issued> collectPush(
      UUID challengeId, String pollSecret, RequestContext context) {
    UserToken pending =
        tokens
            .findPending(pollSecret)
            .filter(p -> challengeId.equals(p.challengeId()))
            .orElseThrow(() -> new LatchkeyException(ErrorCode.UNAUTHORIZED, "no such login"));
    Challenge challenge = challenges.status(challengeId, context);
    if (!challenge.userId().equals(pending.userId())
        || challenge.purpose() != Challenge.Purpose.SIGN_IN) {
      throw new LatchkeyException(ErrorCode.UNAUTHORIZED, "no such login");
    }
    return switch (challenge.state()) {
      case PENDING -> Optional.empty();
      case APPROVED -> {
        if (!tokens.redeem(pending)) {
          throw new LatchkeyException(ErrorCode.UNAUTHORIZED, "the login was collected already");
        }
        User admin =
            users
                .findById(pending.userId())
                .orElseThrow(() -> new LatchkeyException(ErrorCode.UNAUTHORIZED, "no such user"));
        Lockout.requireActive(admin);
        if (!admin.admin()) {
          throw new LatchkeyException(ErrorCode.UNAUTHORIZED, "not an administrator");
        }
        yield Optional.of(
            issueAfterFactor(admin, "a push approved (request " + challenge.id() + ")", context));
      }
      case NUMBER_MISMATCH ->
          throw new LatchkeyException(ErrorCode.NUMBER_MISMATCH, "the wrong number was chosen");
      case DENIED, REPORTED ->
          throw new LatchkeyException(ErrorCode.CHALLENGE_DENIED, "the push was denied");
      default -> throw new LatchkeyException(ErrorCode.CHALLENGE_EXPIRED, "the push expired");
    };
  }

  /**
   * The one place an admin token is made, after its holder proved the password and a second factor
   * just now ({@code how}, for the audit record): its issue time is the factor's time.
   */
  public UserTokens.Issued issueAfterFactor(User admin, String how, RequestContext context) {
    UserTokens.Issued issued = tokens.issue(admin, TokenKind.ADMIN, null, null, lifetime);
    audit.record(
        AuditEvent.of(AuditEventType.ADMIN_SESSION_CREATED, context, clock.instant())
            .user(admin.id(), admin.username().value())
            .detail(
                "admin session "
                    + issued.session().id()
                    + " opened after the password and "
                    + how
                    + "; valid until "
                    + issued.session().expiresAt())
            .build());
    return issued;
  }

  /**
   * A read-only metrics token, made by an administrator with an admin token; it belongs to them
   * (blocking or removing them ends it too).
   */
  public UserTokens.Issued createMetricsToken(User admin, String name, RequestContext context) {
    String clean = name == null ? "" : name.strip();
    if (clean.isEmpty() || clean.length() > 100) {
      throw new LatchkeyException(ErrorCode.BAD_REQUEST, "a name of 1 to 100 characters");
    }
    UserTokens.Issued issued =
        tokens.issue(admin, TokenKind.METRICS, clean, null, METRICS_LIFETIME);
    audit.record(
        AuditEvent.of(AuditEventType.METRICS_TOKEN_CREATED, context, clock.instant())
            .user(admin.id(), admin.username().value())
            .detail("metrics token \"" + clean + "\" (" + issued.session().id() + ") created")
            .build());
    return issued;
  }

  /** Revokes a metrics token. @throws LatchkeyException {@code not_found} */
  public UserToken revokeMetricsToken(UUID id, RequestContext context) {
    UserToken revoked =
        tokens
            .revoke(id, TokenKind.METRICS)
            .orElseThrow(() -> new LatchkeyException(ErrorCode.NOT_FOUND, "no such token"));
    audit.record(
        AuditEvent.of(AuditEventType.METRICS_TOKEN_REVOKED, context, clock.instant())
            .detail("metrics token \"" + revoked.name() + "\" (" + id + ") revoked")
            .build());
    return revoked;
  }

  private User administrator(String username, String password, RequestContext context) {
    User user = accounts.signIn(username, password, context);
    if (!user.admin()) {
      audit.record(
          AuditEvent.of(AuditEventType.ADMIN_SESSION_REJECTED, context, clock.instant())
              .user(user.id(), user.username().value())
              .failure("not_admin")
              .detail("admin login refused: the user is not an administrator")
              .build());
      // The same answer as a wrong password: no oracle for the role.
      throw new LatchkeyException(ErrorCode.UNAUTHORIZED, "wrong username or password");
    }
    return user;
  }
}
