package io.latchkey.core.diagnosis;

import io.latchkey.core.audit.AuditEvent;
import java.util.List;

/**
 * One explanation of what went wrong, for the administrator: the cause in plain words, what to do
 * about it, and the audit events that show it.
 *
 * @param code a stable word, e.g. {@code network_mismatch}
 */
public record Finding(String code, String cause, String remedy, List<AuditEvent> evidence) {
  public Finding {
    evidence = List.copyOf(evidence);
  }
}
