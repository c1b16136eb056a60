package io.latchkey.core.push;

import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.user.UserId;
import java.time.Instant;
import java.util.UUID;

/**
 * A push challenge. The {@code number} is shown on the sign-in screen only, never sent to the
 * device (SECURITY-TESTS F1).
 *
 * @param purpose a registration's test or an application's sign-in
 * @param deviceId for a registration test, the one (pending) device that may answer; null for a
 *     sign-in, which any active device of the user may answer
 * @param application what the device shows as the requester
 * @param requesterIp the end user's address as the requester saw it
 * @param answeredBy the device that answered, once answered
 * @param correlationId the request that created it
 */
public record Challenge(
    UUID id,
    UserId userId,
    String username,
    Purpose purpose,
    UUID deviceId,
    String application,
    String requesterIp,
    String number,
    Instant createdAt,
    Instant expiresAt,
    ChallengeState state,
    UUID answeredBy,
    Instant answeredAt,
    CorrelationId correlationId) {

  public enum Purpose {
    REGISTRATION_TEST,
    SIGN_IN;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public boolean expiredAt(Instant now) {
    return !now.isBefore(expiresAt);
  }

  /** Hides the number: for logs. */
  @Override
  public String toString() {
    return "Challenge[" + id + ", " + purpose + ", " + state + ", expires " + expiresAt + "]";
  }
}
