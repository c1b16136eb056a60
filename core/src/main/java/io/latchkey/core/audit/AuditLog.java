package io.latchkey.core.audit;

import java.util.List;

/**
 * The append-only audit log. {@link #record} fails loudly: an operation whose audit record cannot
 * be written fails with it (fail closed, SECURITY-TESTS G4).
 */
public interface AuditLog {
  void record(AuditEvent event);

  /** Oldest first. */
  List<AuditEvent> search(AuditQuery query);
}
