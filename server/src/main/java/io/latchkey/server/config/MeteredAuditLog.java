package io.latchkey.server.config;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.AuditQuery;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/**
 * Every audited event is also counted, as {@code latchkey_events_total{type, outcome}}: every
 * registration, verification, sign-in and block is audited, so the metrics cannot miss one that the
 * audit log has. The count is taken after the record is written (a failed write counts nothing).
 */
final class MeteredAuditLog implements AuditLog {
  private final AuditLog delegate;
  private final MeterRegistry meters;

  MeteredAuditLog(AuditLog delegate, MeterRegistry meters) {
    this.delegate = delegate;
    this.meters = meters;
  }

  @Override
  public void record(AuditEvent event) {
    delegate.record(event);
    meters
        .counter(
            "latchkey.events",
            "type",
            event.type().wireName(),
            "outcome",
            event.success() ? "success" : "failure")
        .increment();
  }

  @Override
  public List<AuditEvent> search(AuditQuery query) {
    return delegate.search(query);
  }
}
