package io.latchkey.core.push;

import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.user.UserId;
import java.time.Instant;
import java.util.UUID;

/**
 * One attempt at registering a push device. Attempts of one registration share {@code flowId}.
 *
 * @param codeHash SHA-256 of the one-time activation code while awaiting activation; null after
 * @param deadline when the current step (activation, or the test approval) times out
 * @param correlationId the request that started this attempt
 * @param browserIp where the browser was when the attempt started
 * @param deviceId the activated device, once there is one
 * @param deviceIp where the device came from when it activated
 * @param testChallengeId the registration's test challenge, once sent
 * @param failureCode why the attempt ended badly ({@code device_not_compliant}, ...), or null
 * @param failureReasons message keys naming exactly what failed (which posture rule, the network
 *     rule), comma-separated; null unless refused
 * @param failureCorrelationId the request in which it failed (the page shows it)
 * @param finishedAt when it reached a final state
 */
public record PushEnrollment(
    UUID id,
    UUID flowId,
    UserId userId,
    PushEnrollmentState state,
    int attempt,
    byte[] codeHash,
    Instant createdAt,
    Instant deadline,
    CorrelationId correlationId,
    String browserIp,
    String userAgent,
    UUID deviceId,
    String deviceIp,
    UUID testChallengeId,
    String failureCode,
    String failureReasons,
    CorrelationId failureCorrelationId,
    Instant finishedAt) {

  public boolean expiredAt(Instant now) {
    return state.pending() && !now.isBefore(deadline);
  }
}
