package io.latchkey.store;

import static io.latchkey.store.SqlValues.clip;
import static io.latchkey.store.SqlValues.correlationId;
import static io.latchkey.store.SqlValues.instant;
import static io.latchkey.store.SqlValues.text;
import static io.latchkey.store.SqlValues.time;
import static io.latchkey.store.SqlValues.uuid;

import io.latchkey.core.alert.Alert;
import io.latchkey.core.alert.AlertRepository;
import io.latchkey.core.user.UserId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Alerts for administrators in {@code alerts}. An alert outlives the user it names (no foreign
 * key), as the audit log does; acknowledging it is one conditional update.
 */
public final class JdbcAlertRepository implements AlertRepository {
  private static final String COLUMNS =
      "id, raised_at, kind, user_id, username, detail, cause_correlation_id, acknowledged_at";
  private static final int MAX_USERNAME = 400;
  private static final int MAX_DETAIL = 2000;

  private final JdbcClient jdbc;

  public JdbcAlertRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void raise(Alert alert) {
    jdbc.sql(
            "INSERT INTO alerts (id, raised_at, kind, user_id, username, detail,"
                + " cause_correlation_id, acknowledged_at) VALUES (:id, :raisedAt, :kind, :userId,"
                + " :username, :detail, :cause, :acknowledgedAt)")
        .param("id", alert.id())
        .param("raisedAt", time(alert.raisedAt()))
        .param("kind", alert.kind())
        .param("userId", uuid(alert.userId() == null ? null : alert.userId().value()))
        .param("username", text(clip(alert.username(), MAX_USERNAME)))
        .param("detail", text(clip(alert.detail(), MAX_DETAIL)))
        .param("cause", correlationId(alert.cause()))
        .param("acknowledgedAt", time(alert.acknowledgedAt()))
        .update();
  }

  /** Newest first; alerts raised in the same instant newest-inserted first. */
  @Override
  public List<Alert> recent(boolean openOnly, int limit) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM alerts"
                + (openOnly ? " WHERE acknowledged_at IS NULL" : "")
                + " ORDER BY raised_at DESC, seq DESC LIMIT :limit")
        .param("limit", limit)
        .query(JdbcAlertRepository::alert)
        .list();
  }

  @Override
  public Optional<Alert> find(UUID id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM alerts WHERE id = :id")
        .param("id", id)
        .query(JdbcAlertRepository::alert)
        .optional();
  }

  @Override
  public boolean acknowledge(UUID id, Instant at) {
    return jdbc.sql(
                "UPDATE alerts SET acknowledged_at = :at WHERE id = :id"
                    + " AND acknowledged_at IS NULL")
            .param("at", time(at))
            .param("id", id)
            .update()
        == 1;
  }

  private static Alert alert(ResultSet rs, int row) throws SQLException {
    UUID userId = uuid(rs, "user_id");
    return new Alert(
        uuid(rs, "id"),
        instant(rs, "raised_at"),
        rs.getString("kind"),
        userId == null ? null : new UserId(userId),
        rs.getString("username"),
        rs.getString("detail"),
        correlationId(rs, "cause_correlation_id"),
        instant(rs, "acknowledged_at"));
  }
}
