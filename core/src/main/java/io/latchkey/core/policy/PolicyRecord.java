package io.latchkey.core.policy;

import io.latchkey.core.audit.CorrelationId;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A policy version as stored: its settings as canonical text by key name, so that a stored version
 * stays readable when a later release adds a key (missing keys take the initial value).
 */
public record PolicyRecord(
    long version,
    Map<String, String> settings,
    Instant changedAt,
    String changedBy,
    String reason,
    CorrelationId correlationId,
    List<PolicyChange> changes) {
  public PolicyRecord {
    settings = Map.copyOf(settings);
    changes = List.copyOf(changes);
  }
}
