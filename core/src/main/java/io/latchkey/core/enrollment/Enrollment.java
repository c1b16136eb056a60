package io.latchkey.core.enrollment;

import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.method.MethodKind;
import io.latchkey.core.otp.OtpParameters;
import io.latchkey.core.otp.Secret;
import io.latchkey.core.user.UserId;
import java.time.Instant;
import java.util.UUID;

/**
 * One attempt at registering a method. Attempts of one registration share a {@code flowId}: Next
 * after a time-out makes a new attempt in the same flow, so the admin sees one timeline.
 *
 * @param secret the pending secret while {@code STARTED}; null once final (wiped from storage)
 * @param deadline when the current step times out
 * @param correlationId the request that started this attempt
 */
public record Enrollment(
    UUID id,
    UUID flowId,
    UserId userId,
    MethodKind kind,
    EnrollmentState state,
    int attempt,
    Secret secret,
    OtpParameters parameters,
    Instant createdAt,
    Instant deadline,
    CorrelationId correlationId,
    String ip,
    String userAgent) {

  public boolean expiredAt(Instant now) {
    return state.pending() && !now.isBefore(deadline);
  }
}
