package io.latchkey.core.usertoken;

import io.latchkey.core.user.UserId;
import java.time.Instant;
import java.util.UUID;

/**
 * An API session or token of a user (see {@link TokenKind}): the user API's short-lived session, an
 * administrator's admin login, a metrics token, a pending push login. The server keeps only the
 * SHA-256 of its token.
 *
 * @param id the session's ID (for the audit log; never the token)
 * @param kind what it opens
 * @param userId whose it is (for a metrics token: the administrator who made it)
 * @param name a metrics token's name; null for the others
 * @param challengeId the push sign-in a pending push login waits for; null for the others
 * @param createdAt when it was issued: when the factor was proven (the step-up's reference)
 * @param expiresAt when the token stops working
 * @param revokedAt when it was revoked, or null
 */
public record UserToken(
    UUID id,
    TokenKind kind,
    UserId userId,
    String name,
    UUID challengeId,
    Instant createdAt,
    Instant expiresAt,
    Instant revokedAt) {

  /** Not revoked and not expired at {@code now}. */
  public boolean usableAt(Instant now) {
    return revokedAt == null && now.isBefore(expiresAt);
  }
}
