package io.latchkey.core.alert;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

/**
 * What administrators do with alerts: read them, and acknowledge one, audited with who did it (the
 * REST API and the console both come here).
 */
public final class Alerts {
  public static final int MAX_LIMIT = 1000;

  private final AlertRepository alerts;
  private final AuditLog audit;
  private final Clock clock;

  public Alerts(AlertRepository alerts, AuditLog audit, Clock clock) {
    this.alerts = alerts;
    this.audit = audit;
    this.clock = clock;
  }

  /** The newest first; only those not yet acknowledged if {@code openOnly}. */
  public List<Alert> recent(boolean openOnly, int limit) {
    return alerts.recent(openOnly, Math.min(Math.max(1, limit), MAX_LIMIT));
  }

  /**
   * @throws LatchkeyException {@code not_found} unless the alert exists and is still open
   */
  public Alert acknowledge(UUID id, RequestContext context) {
    Alert alert =
        alerts
            .find(id)
            .filter(a -> a.acknowledgedAt() == null)
            .orElseThrow(() -> new LatchkeyException(ErrorCode.NOT_FOUND, "no open alert " + id));
    if (!alerts.acknowledge(id, clock.instant())) {
      throw new LatchkeyException(ErrorCode.NOT_FOUND, "no open alert " + id);
    }
    audit.record(
        AuditEvent.of(AuditEventType.ALERT_ACKNOWLEDGED, context, clock.instant())
            .user(alert.userId(), alert.username())
            .reason(alert.kind())
            .detail(
                "alert acknowledged by "
                    + context.actor()
                    + " (raised "
                    + alert.raisedAt()
                    + (alert.cause() == null ? "" : " under " + alert.cause().value())
                    + "): "
                    + alert.detail())
            .build());
    return alerts.find(id).orElse(alert);
  }
}
