package io.latchkey.store;

import static io.latchkey.store.SqlValues.instant;
import static io.latchkey.store.SqlValues.text;
import static io.latchkey.store.SqlValues.time;
import static io.latchkey.store.SqlValues.uuid;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.AuditQuery;
import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.user.UserId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The audit log in the append-only {@code audit_events} table. Nothing here updates or deletes a
 * row. Event types are stored by their wire names ({@code registration.timed_out}), which are what
 * exports show and stay stable when the Java names change.
 */
public final class JdbcAuditLog implements AuditLog {
  private final JdbcClient jdbc;

  public JdbcAuditLog(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Throws if the row cannot be written: the operation being audited fails with it. */
  @Override
  public void record(AuditEvent event) {
    jdbc.sql(
            "INSERT INTO audit_events (occurred_at, event_type, success, correlation_id, flow_id,"
                + " user_id, username, actor, ip, user_agent, reason, detail) VALUES (:at, :type,"
                + " :success, :correlationId, :flowId, :userId, :username, :actor, :ip,"
                + " :userAgent, :reason, :detail)")
        .param("at", time(event.at()))
        .param("type", event.type().wireName())
        .param("success", event.success())
        .param(
            "correlationId",
            text(event.correlationId() == null ? null : event.correlationId().value()))
        .param("flowId", uuid(event.flowId()))
        .param("userId", uuid(event.userId() == null ? null : event.userId().value()))
        .param("username", event.username())
        .param("actor", event.actor())
        .param("ip", event.ip())
        .param("userAgent", event.userAgent())
        .param("reason", event.reason())
        .param("detail", event.detail())
        .update();
  }

  /**
   * Every filter of the query, combined with AND; {@code from} is inclusive and {@code to}
   * exclusive. A correlation ID matches the events recorded under it plus every event of the flows
   * those events belong to, found by one subquery, so a user's single ID opens the whole
   * registration timeline. Oldest first (ties in time by insertion order), or newest first when the
   * query asks, at most {@code limit}.
   */
  @Override
  public List<AuditEvent> search(AuditQuery query) {
    List<String> conditions = new ArrayList<>();
    Map<String, Object> params = new LinkedHashMap<>();
    if (query.correlationId() != null) {
      conditions.add(
          "(correlation_id = :correlationId OR flow_id IN (SELECT flow_id FROM audit_events"
              + " WHERE correlation_id = :correlationId AND flow_id IS NOT NULL))");
      params.put("correlationId", query.correlationId().value());
    }
    if (query.userId() != null) {
      conditions.add("user_id = :userId");
      params.put("userId", query.userId().value());
    }
    if (query.type() != null) {
      conditions.add("event_type = :type");
      params.put("type", query.type().wireName());
    }
    if (query.success() != null) {
      conditions.add("success = :success");
      params.put("success", query.success());
    }
    if (query.from() != null) {
      conditions.add("occurred_at >= :from");
      params.put("from", time(query.from()));
    }
    if (query.to() != null) {
      conditions.add("occurred_at < :to");
      params.put("to", time(query.to()));
    }
    params.put("limit", query.limit());
    String where = conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    return jdbc.sql(
            "SELECT occurred_at, event_type, success, correlation_id, flow_id, user_id, username,"
                + " actor, ip, user_agent, reason, detail FROM audit_events"
                + where
                + (query.newestFirst()
                    ? " ORDER BY occurred_at DESC, id DESC"
                    : " ORDER BY occurred_at, id")
                + " LIMIT :limit")
        .params(params)
        .query(JdbcAuditLog::event)
        .list();
  }

  private static AuditEvent event(ResultSet rs, int row) throws SQLException {
    String type = rs.getString("event_type");
    String correlationId = rs.getString("correlation_id");
    UUID userId = uuid(rs, "user_id");
    return new AuditEvent(
        instant(rs, "occurred_at"),
        AuditEventType.fromWireName(type)
            .orElseThrow(
                () -> new IllegalStateException("unknown audit event type in the log: " + type)),
        rs.getBoolean("success"),
        correlationId == null ? null : new CorrelationId(correlationId),
        uuid(rs, "flow_id"),
        userId == null ? null : new UserId(userId),
        rs.getString("username"),
        rs.getString("actor"),
        rs.getString("ip"),
        rs.getString("user_agent"),
        rs.getString("reason"),
        rs.getString("detail"));
  }
}
