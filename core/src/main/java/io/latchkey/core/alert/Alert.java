package io.latchkey.core.alert;

import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.user.UserId;
import java.time.Instant;
import java.util.UUID;

/**
 * Something an administrator must look at (a fraud report, pushes paused): shown until
 * acknowledged.
 *
 * @param kind a stable word, e.g. {@code push_fraud_reported}
 * @param cause the request that raised it, to look up its timeline
 */
public record Alert(
    UUID id,
    Instant raisedAt,
    String kind,
    UserId userId,
    String username,
    String detail,
    CorrelationId cause,
    Instant acknowledgedAt) {}
