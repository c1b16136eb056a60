package io.latchkey.core.audit;

import io.latchkey.core.user.UserId;
import java.time.Instant;

/**
 * A search of the audit log; null fields do not filter. A correlation ID matches the events of that
 * request and every event of the flows (registrations) those events belong to, so one ID shows the
 * whole timeline.
 *
 * @param newestFirst the {@code limit} newest matching events, newest first (what a person browsing
 *     the log wants); otherwise the oldest, oldest first (a timeline, an export)
 */
public record AuditQuery(
    CorrelationId correlationId,
    UserId userId,
    AuditEventType type,
    Boolean success,
    Instant from,
    Instant to,
    int limit,
    boolean newestFirst) {

  public static final int MAX_LIMIT = 1000;

  public AuditQuery {
    if (limit <= 0 || limit > MAX_LIMIT) {
      limit = MAX_LIMIT;
    }
  }

  /** Oldest first. */
  public AuditQuery(
      CorrelationId correlationId,
      UserId userId,
      AuditEventType type,
      Boolean success,
      Instant from,
      Instant to,
      int limit) {
    this(correlationId, userId, type, success, from, to, limit, false);
  }

  /** The same filters, answered with the newest events first. */
  public AuditQuery newestFirstQuery() {
    return new AuditQuery(correlationId, userId, type, success, from, to, limit, true);
  }

  public static AuditQuery byCorrelationId(CorrelationId id) {
    return new AuditQuery(id, null, null, null, null, null, MAX_LIMIT);
  }
}
