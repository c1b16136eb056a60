package io.latchkey.core.push;

import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.user.UserId;
import java.time.Instant;

/** Pushes to a user are paused (MFA fatigue protection) until an administrator lifts it. */
public record PushBlock(UserId userId, String reason, Instant blockedAt, CorrelationId cause) {}
