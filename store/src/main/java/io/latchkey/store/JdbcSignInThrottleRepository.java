package io.latchkey.store;

import static io.latchkey.store.SqlValues.instant;
import static io.latchkey.store.SqlValues.time;

import io.latchkey.core.user.SignInThrottleRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Sign-in attempts in the {@code sign_in_attempts} table (issue 14). A claim is one {@code UPDATE}
 * whose {@code WHERE} admits it only while the window has room (or is over, when it starts again),
 * judged by its row count: both databases re-check that condition on the row an UPDATE waited for
 * (PostgreSQL's READ COMMITTED re-evaluates it; H2 locks the row and reads it again), so racing
 * claims on any number of nodes admit exactly the limit. The first claim of a bucket is an {@code
 * INSERT}; the primary key decides between racing first claims, and the losers claim on the
 * winner's row. Call these outside a transaction: on PostgreSQL a refused insert would abort it.
 */
public final class JdbcSignInThrottleRepository implements SignInThrottleRepository {
  private final JdbcClient jdbc;

  public JdbcSignInThrottleRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public boolean claim(Bucket bucket, int limit, Instant now, Duration window) {
    Instant over = now.minus(window);
    if (claimOnRow(bucket, limit, now, over)) {
      return true;
    }
    try {
      return jdbc.sql(
                  "INSERT INTO sign_in_attempts (scope, username, address, attempts, window_start)"
                      + " VALUES (:scope, :name, :address, 1, :now)")
              .param("scope", bucket.scope().code())
              .param("name", bucket.username())
              .param("address", bucket.address())
              .param("now", time(now))
              .update()
          == 1;
    } catch (DuplicateKeyException rowExists) {
      // The row was there (full), or another request opened it meanwhile: its row decides.
      return claimOnRow(bucket, limit, now, over);
    }
  }

  /**
   * One more attempt on an existing row if its window has room; a window that opened at or before
   * {@code over} is finished, and starts again at {@code now} with this attempt.
   */
  private boolean claimOnRow(Bucket bucket, int limit, Instant now, Instant over) {
    return jdbc.sql(
                "UPDATE sign_in_attempts SET"
                    + " attempts = CASE WHEN window_start <= :over THEN 1 ELSE attempts + 1 END,"
                    + " window_start = CASE WHEN window_start <= :over THEN :now"
                    + " ELSE window_start END"
                    + " WHERE scope = :scope AND username = :name AND address = :address"
                    + " AND (window_start <= :over OR attempts < :limit)")
            .param("over", time(over))
            .param("now", time(now))
            .param("scope", bucket.scope().code())
            .param("name", bucket.username())
            .param("address", bucket.address())
            .param("limit", limit)
            .update()
        == 1;
  }

  @Override
  public void refund(Bucket bucket) {
    jdbc.sql(
            "UPDATE sign_in_attempts SET attempts = attempts - 1"
                + " WHERE scope = :scope AND username = :name AND address = :address"
                + " AND attempts > 0")
        .param("scope", bucket.scope().code())
        .param("name", bucket.username())
        .param("address", bucket.address())
        .update();
  }

  @Override
  public void forget(Bucket bucket) {
    jdbc.sql(
            "DELETE FROM sign_in_attempts"
                + " WHERE scope = :scope AND username = :name AND address = :address")
        .param("scope", bucket.scope().code())
        .param("name", bucket.username())
        .param("address", bucket.address())
        .update();
  }

  @Override
  public Optional<Window> find(Bucket bucket) {
    return jdbc.sql(
            "SELECT attempts, window_start FROM sign_in_attempts"
                + " WHERE scope = :scope AND username = :name AND address = :address")
        .param("scope", bucket.scope().code())
        .param("name", bucket.username())
        .param("address", bucket.address())
        .query((rs, row) -> new Window(rs.getInt("attempts"), instant(rs, "window_start")))
        .optional();
  }

  @Override
  public int purgeOpenedBefore(Instant before) {
    return jdbc.sql("DELETE FROM sign_in_attempts WHERE window_start < :before")
        .param("before", time(before))
        .update();
  }
}
