package io.latchkey.store;

import static io.latchkey.store.SqlValues.correlationId;
import static io.latchkey.store.SqlValues.instant;
import static io.latchkey.store.SqlValues.time;

import io.latchkey.core.policy.Activity;
import io.latchkey.core.policy.ActivityRepository;
import io.latchkey.core.user.UserId;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What the automatic blocks count, read from the rows the events left: each registration attempt (a
 * start or a retry) is a row of {@code enrollments} or {@code push_enrollments}; each refused push
 * is a {@code push_challenges} row answered DENIED or REPORTED. Both reads use the tables' user
 * indexes.
 */
public final class JdbcActivityRepository implements ActivityRepository {
  /** More than any rule counts (the largest maximum is 1000), so a list stays bounded. */
  private static final int MAX_ROWS = 1001;

  private final JdbcClient jdbc;

  public JdbcActivityRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public List<Activity> registrationAttemptsSince(UserId user, Instant since) {
    return jdbc.sql(
            "SELECT created_at, kind, attempt, correlation_id FROM ("
                + " SELECT created_at, kind, attempt, correlation_id FROM enrollments"
                + " WHERE user_id = :userId AND created_at >= :since"
                + " UNION ALL"
                + " SELECT created_at, 'PUSH' AS kind, attempt, correlation_id FROM push_enrollments"
                + " WHERE user_id = :userId AND created_at >= :since"
                + ") attempts ORDER BY created_at LIMIT :limit")
        .param("userId", user.value())
        .param("since", time(since))
        .param("limit", MAX_ROWS)
        .query(
            (rs, row) ->
                new Activity(
                    instant(rs, "created_at"),
                    rs.getString("kind").toLowerCase(Locale.ROOT)
                        + " registration attempt "
                        + rs.getInt("attempt"),
                    correlationId(rs, "correlation_id")))
        .list();
  }

  @Override
  public List<Activity> pushRefusalsSince(UserId user, Instant since) {
    return jdbc.sql(
            "SELECT id, state, answered_at, correlation_id FROM push_challenges"
                + " WHERE user_id = :userId AND state IN ('DENIED', 'REPORTED')"
                + " AND answered_at >= :since ORDER BY answered_at, seq LIMIT :limit")
        .param("userId", user.value())
        .param("since", time(since))
        .param("limit", MAX_ROWS)
        .query(
            (rs, row) ->
                new Activity(
                    instant(rs, "answered_at"),
                    "push request "
                        + rs.getObject("id", java.util.UUID.class)
                        + " "
                        + rs.getString("state").toLowerCase(Locale.ROOT),
                    correlationId(rs, "correlation_id")))
        .list();
  }
}
