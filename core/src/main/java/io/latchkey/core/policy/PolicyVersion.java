package io.latchkey.core.policy;

import io.latchkey.core.audit.CorrelationId;
import java.time.Instant;
import java.util.List;

/**
 * One version of the policy: what it says, and who made it, when, why and what changed. Version 0
 * is the configuration the server started with; it is never stored.
 *
 * @param changedAt null for version 0
 * @param correlationId the request that made it; null for version 0
 * @param changes what differs from the version before (empty for version 0)
 */
public record PolicyVersion(
    long version,
    Policy policy,
    Instant changedAt,
    String changedBy,
    String reason,
    CorrelationId correlationId,
    List<PolicyChange> changes) {

  /** Who version 0 is attributed to. */
  public static final String CONFIGURATION = "configuration";

  public PolicyVersion {
    changes = List.copyOf(changes);
  }

  public static PolicyVersion initial(Policy policy) {
    return new PolicyVersion(
        0,
        policy,
        null,
        CONFIGURATION,
        "the initial policy, from the configuration",
        null,
        List.of());
  }
}
