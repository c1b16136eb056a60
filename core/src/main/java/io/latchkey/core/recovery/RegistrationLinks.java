package io.latchkey.core.recovery;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.tx.Transactions;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserRepository;
import io.latchkey.core.verification.Lockout;
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
 * One-time registration links (PRODUCT 6). An administrator issues one for a user; whoever opens it
 * before it expires may register an authenticator for that user without a password, once. The token
 * (256 bits) is shown once; only its SHA-256 is stored, so the database cannot be used to make a
 * working link. Issuing a new link revokes the user's earlier unused ones.
 */
public final class RegistrationLinks {
  /** Tokens look like {@code lkr_} + 43 Base64url characters. */
  public static final String TOKEN_PREFIX = "lkr_";

  public static final Duration DEFAULT_LIFETIME = Duration.ofHours(24);
  public static final Duration MAX_LIFETIME = Duration.ofDays(7);

  private final RegistrationLinkRepository links;
  private final UserRepository users;
  private final Transactions transactions;
  private final AuditLog audit;
  private final Clock clock;
  private final SecureRandom random;

  public RegistrationLinks(
      RegistrationLinkRepository links,
      UserRepository users,
      Transactions transactions,
      AuditLog audit,
      Clock clock,
      SecureRandom random) {
    this.links = links;
    this.users = users;
    this.transactions = transactions;
    this.audit = audit;
    this.clock = clock;
    this.random = random;
  }

  /** A new link's token, shown once to the administrator. */
  public record Issued(RegistrationLink link, String token) {
    @Override
    public String toString() {
      return "Issued[" + link.id() + ", expires " + link.expiresAt() + "]";
    }
  }

  /**
   * @param lifetime how long the link works: more than a minute and at most {@link #MAX_LIFETIME}
   * @throws LatchkeyException {@code bad_request} for a lifetime out of range, {@code user_blocked}
   *     or {@code user_disabled} for a user who may not register
   */
  public Issued issue(User user, Duration lifetime, RequestContext context) {
    if (lifetime.compareTo(Duration.ofMinutes(1)) < 0 || lifetime.compareTo(MAX_LIFETIME) > 0) {
      throw new LatchkeyException(
          ErrorCode.BAD_REQUEST, "a registration link lasts from 1 minute to 7 days");
    }
    Lockout.requireActive(user);
    byte[] raw = new byte[32];
    random.nextBytes(raw);
    String token = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    Instant now = clock.instant();
    RegistrationLink link =
        new RegistrationLink(
            UUID.randomUUID(), user.id(), now, now.plus(lifetime), context.actor(), null, null);
    int revoked =
        transactions.inTransaction(
            () -> {
              int count = links.revokeUnused(user.id(), now);
              links.insert(link, hash(token));
              return count;
            });
    audit.record(
        AuditEvent.of(AuditEventType.REGISTRATION_LINK_ISSUED, context, now)
            .user(user.id(), user.username().value())
            .flow(link.id())
            .reason("admin")
            .detail(
                "registration link issued by "
                    + context.actor()
                    + ", valid until "
                    + link.expiresAt()
                    + (revoked > 0 ? "; " + revoked + " earlier unused link(s) revoked" : ""))
            .build());
    return new Issued(link, token);
  }

  /**
   * The user a token would sign in, without redeeming it (the page that asks to continue). A link
   * that cannot be used is refused as {@link #redeem} refuses it, audited under the request's
   * correlation ID, so the administrator can look up the page the user saw.
   */
  public User peek(String token, RequestContext context) {
    return check(token, false, context);
  }

  /**
   * Redeems a link: at most once, before it expires, for an active user.
   *
   * @throws LatchkeyException {@code link_expired} for an unknown, used, revoked or expired link
   *     (one answer for all, the audit has the reason), {@code user_blocked}, {@code user_disabled}
   */
  public User redeem(String token, RequestContext context) {
    return check(token, true, context);
  }

  private User check(String token, boolean redeem, RequestContext context) {
    Instant now = clock.instant();
    Optional<RegistrationLink> found = find(token);
    if (found.isEmpty()) {
      throw rejected(null, null, "unknown", "no such registration link", context);
    }
    RegistrationLink link = found.get();
    User user =
        users
            .findById(link.userId())
            .orElseThrow(
                () -> rejected(link, null, "unknown", "the link's user no longer exists", context));
    if (!link.usableAt(now)) {
      String why =
          link.usedAt() != null ? "used" : link.revokedAt() != null ? "revoked" : "expired";
      throw rejected(
          link, user, why, "the registration link was " + why + " (" + link.id() + ")", context);
    }
    try {
      Lockout.requireActive(user);
    } catch (LatchkeyException e) {
      audit.record(
          AuditEvent.of(AuditEventType.REGISTRATION_LINK_REJECTED, context, now)
              .user(user.id(), user.username().value())
              .flow(link.id())
              .failure(e.code().code())
              .detail("registration link refused: " + e.detail())
              .build());
      throw e;
    }
    if (!redeem) {
      return user;
    }
    if (!links.markUsedIfUsable(link.id(), now)) {
      throw rejected(link, user, "used", "the registration link was just used", context);
    }
    audit.record(
        AuditEvent.of(AuditEventType.REGISTRATION_LINK_USED, context, now)
            .user(user.id(), user.username().value())
            .flow(link.id())
            .detail(
                "registration link issued by "
                    + link.createdBy()
                    + " at "
                    + link.createdAt()
                    + " opened; the user may register without a password")
            .build());
    return user;
  }

  private Optional<RegistrationLink> find(String token) {
    if (token == null || !token.startsWith(TOKEN_PREFIX) || token.length() > 100) {
      return Optional.empty();
    }
    return links.findByTokenHash(hash(token));
  }

  private LatchkeyException rejected(
      RegistrationLink link, User user, String reason, String detail, RequestContext context) {
    audit.record(
        AuditEvent.of(AuditEventType.REGISTRATION_LINK_REJECTED, context, clock.instant())
            .user(user == null ? null : user.id(), user == null ? "" : user.username().value())
            .flow(link == null ? null : link.id())
            .failure("link_" + reason)
            .detail(detail)
            .build());
    return new LatchkeyException(ErrorCode.LINK_EXPIRED, detail);
  }

  static byte[] hash(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
