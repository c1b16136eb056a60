package io.latchkey.core.usertoken;

import io.latchkey.core.user.UserId;
import java.time.Instant;
import java.util.UUID;

/**
 * A user's short-lived API session, issued after the password and a second factor (the user API of
 * {@code /api/v1/user/**}). The server keeps only the SHA-256 of its token.
 *
 * @param id the session's ID (for the audit log; never the token)
 * @param userId whose it is
 * @param createdAt when the factor was proven
 * @param expiresAt when the token stops working
 * @param revokedAt when it was revoked, or null
 */
public record UserToken(
    UUID id, UserId userId, Instant createdAt, Instant expiresAt, Instant revokedAt) {

  /** Not revoked and not expired at {@code now}. */
  public boolean usableAt(Instant now) {
    return revokedAt == null && now.isBefore(expiresAt);
  }
}
