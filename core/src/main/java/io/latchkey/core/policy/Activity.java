package io.latchkey.core.policy;

import io.latchkey.core.audit.CorrelationId;
import java.time.Instant;

/**
 * One thing an automatic block counts: when, what (e.g. {@code registration totp attempt 2} or
 * {@code push request <id> denied}), under which correlation ID.
 */
public record Activity(Instant at, String what, CorrelationId correlationId) {}
