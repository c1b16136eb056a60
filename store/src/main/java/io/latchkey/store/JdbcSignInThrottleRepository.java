package io.latchkey.store;

import static io.latchkey.store.SqlValues.instant;
import static io.latchkey.store.SqlValues.time;

import io.latchkey.core.user.SignInThrottleRepository;
import io.latchkey.core.user.Username;
import java.time.Instant;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Failed sign-ins in the {@code sign_in_throttle} table. A failure is one {@code UPDATE ... SET
 * failures = failures + 1} judged by its row count, or the {@code INSERT} of the first one; the
 * primary key decides between racing first failures, and the loser updates the winner's row. No
 * read comes before a write, so no failure is lost with any number of requests and nodes racing.
 * Call these outside a transaction: on PostgreSQL a refused insert would abort it.
 */
public final class JdbcSignInThrottleRepository implements SignInThrottleRepository {
  private final JdbcClient jdbc;

  public JdbcSignInThrottleRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public Optional<Failures> find(Username username) {
    return jdbc.sql("SELECT failures, last_failure_at FROM sign_in_throttle WHERE username = :name")
        .param("name", username.value())
        .query((rs, row) -> new Failures(rs.getInt("failures"), instant(rs, "last_failure_at")))
        .optional();
  }

  @Override
  public void recordFailure(Username username, Instant at) {
    if (incrementFailures(username, at)) {
      return;
    }
    try {
      jdbc.sql(
              "INSERT INTO sign_in_throttle (username, failures, last_failure_at)"
                  + " VALUES (:name, 1, :at)")
          .param("name", username.value())
          .param("at", time(at))
          .update();
    } catch (DuplicateKeyException racedFirstFailure) {
      // Another request inserted the first failure meanwhile: count this one on its row. Should a
      // success have deleted that row since, this failure counts as having come before it.
      incrementFailures(username, at);
    }
  }

  @Override
  public void reset(Username username) {
    jdbc.sql("DELETE FROM sign_in_throttle WHERE username = :name")
        .param("name", username.value())
        .update();
  }

  /**
   * One more failure on an existing row; GREATEST keeps the latest moment when nodes' clocks race.
   */
  private boolean incrementFailures(Username username, Instant at) {
    return jdbc.sql(
                "UPDATE sign_in_throttle SET failures = failures + 1,"
                    + " last_failure_at = GREATEST(last_failure_at, :at) WHERE username = :name")
            .param("at", time(at))
            .param("name", username.value())
            .update()
        == 1;
  }
}
