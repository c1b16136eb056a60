package io.latchkey.core.recovery;

import io.latchkey.core.user.UserId;
import java.time.Instant;
import java.util.UUID;

/**
 * A one-time link an administrator issues so that a user registers an authenticator without a
 * password (a new user, or one who lost every factor). Only the SHA-256 of its token is stored.
 *
 * @param createdBy the administrator who issued it
 * @param usedAt when it was redeemed; null while unused
 * @param revokedAt when a newer link replaced it; null otherwise
 */
public record RegistrationLink(
    UUID id,
    UserId userId,
    Instant createdAt,
    Instant expiresAt,
    String createdBy,
    Instant usedAt,
    Instant revokedAt) {

  public boolean usableAt(Instant now) {
    return usedAt == null && revokedAt == null && now.isBefore(expiresAt);
  }
}
