package io.latchkey.store;

import static io.latchkey.store.SqlValues.instant;
import static io.latchkey.store.SqlValues.time;
import static io.latchkey.store.SqlValues.uuid;

import io.latchkey.core.cloudbackup.CloudBackup;
import io.latchkey.core.cloudbackup.CloudBackupRepository;
import io.latchkey.core.user.UserId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Backups in {@code cloud_backups}, one row per user. A replacement is one {@code UPDATE ... WHERE
 * version = :expected} judged by its row count: under READ COMMITTED a second, racing update waits
 * for the first and then re-evaluates its condition on the new row (PostgreSQL; H2 likewise), so it
 * finds the version moved on and changes nothing. The first backup is an {@code INSERT} whose
 * primary key refuses a second one.
 */
public final class JdbcCloudBackupRepository implements CloudBackupRepository {
  private final JdbcClient jdbc;

  public JdbcCloudBackupRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public Optional<CloudBackup> find(UserId userId) {
    return jdbc.sql(
            "SELECT user_id, version, content, updated_at FROM cloud_backups WHERE user_id = :u")
        .param("u", userId.value())
        .query(JdbcCloudBackupRepository::backup)
        .optional();
  }

  /**
   * A duplicate key is the answer "one exists", not an error. On PostgreSQL it also aborts the
   * surrounding transaction, so the caller must end it (it does: a stale upload rolls back).
   */
  @Override
  public boolean insertFirst(UserId userId, byte[] content, Instant at) {
    try {
      return jdbc.sql(
                  "INSERT INTO cloud_backups (user_id, version, content, updated_at)"
                      + " VALUES (:u, 1, :content, :at)")
              .param("u", userId.value())
              .param("content", content)
              .param("at", time(at))
              .update()
          == 1;
    } catch (DuplicateKeyException e) {
      return false;
    }
  }

  @Override
  public boolean replaceVersion(UserId userId, long expected, byte[] content, Instant at) {
    return jdbc.sql(
                "UPDATE cloud_backups SET version = :next, content = :content, updated_at = :at"
                    + " WHERE user_id = :u AND version = :expected")
            .param("next", expected + 1)
            .param("content", content)
            .param("at", time(at))
            .param("u", userId.value())
            .param("expected", expected)
            .update()
        == 1;
  }

  /** The update holds the row's lock until commit, so the version read after it is this one's. */
  @Override
  public Optional<Long> replaceAny(UserId userId, byte[] content, Instant at) {
    int changed =
        jdbc.sql(
                "UPDATE cloud_backups SET version = version + 1, content = :content,"
                    + " updated_at = :at WHERE user_id = :u")
            .param("content", content)
            .param("at", time(at))
            .param("u", userId.value())
            .update();
    return changed == 1 ? version(userId) : Optional.empty();
  }

  @Override
  public Optional<Long> version(UserId userId) {
    return jdbc.sql("SELECT version FROM cloud_backups WHERE user_id = :u")
        .param("u", userId.value())
        .query(Long.class)
        .optional();
  }

  private static CloudBackup backup(ResultSet rs, int row) throws SQLException {
    return new CloudBackup(
        new UserId(uuid(rs, "user_id")),
        rs.getLong("version"),
        rs.getBytes("content"),
        instant(rs, "updated_at"));
  }
}
