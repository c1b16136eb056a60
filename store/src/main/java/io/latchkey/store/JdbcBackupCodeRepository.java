package io.latchkey.store;

import static io.latchkey.store.SqlValues.instant;
import static io.latchkey.store.SqlValues.time;
import static io.latchkey.store.SqlValues.uuid;

import io.latchkey.core.backupcode.BackupCode;
import io.latchkey.core.backupcode.BackupCodeRepository;
import io.latchkey.core.user.UserId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Backup-code hashes in the {@code backup_codes} table. */
public final class JdbcBackupCodeRepository implements BackupCodeRepository {
  private static final String COLUMNS = "id, user_id, set_id, code_hash, created_at, used_at";

  private final JdbcClient jdbc;

  public JdbcBackupCodeRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public List<BackupCode> listByUser(UserId userId) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM backup_codes WHERE user_id = :userId ORDER BY id")
        .param("userId", userId.value())
        .query(JdbcBackupCodeRepository::code)
        .list();
  }

  @Override
  public void replaceAll(UserId userId, List<BackupCode> codes) {
    deleteAllForUser(userId);
    for (BackupCode code : codes) {
      if (!code.userId().equals(userId)) {
        throw new IllegalArgumentException("a backup code of another user");
      }
      jdbc.sql(
              "INSERT INTO backup_codes (id, user_id, set_id, code_hash, created_at, used_at)"
                  + " VALUES (:id, :userId, :setId, :hash, :createdAt, :usedAt)")
          .param("id", code.id())
          .param("userId", userId.value())
          .param("setId", code.setId())
          .param("hash", code.hash())
          .param("createdAt", time(code.createdAt()))
          .param("usedAt", time(code.usedAt()))
          .update();
    }
  }

  @Override
  public boolean markUsedIfUnused(UUID codeId, Instant at) {
    return jdbc.sql("UPDATE backup_codes SET used_at = :at WHERE id = :id AND used_at IS NULL")
            .param("at", time(at))
            .param("id", codeId)
            .update()
        == 1;
  }

  @Override
  public int deleteAllForUser(UserId userId) {
    return jdbc.sql("DELETE FROM backup_codes WHERE user_id = :userId")
        .param("userId", userId.value())
        .update();
  }

  private static BackupCode code(ResultSet rs, int row) throws SQLException {
    return new BackupCode(
        uuid(rs, "id"),
        new UserId(uuid(rs, "user_id")),
        uuid(rs, "set_id"),
        rs.getString("code_hash"),
        instant(rs, "created_at"),
        instant(rs, "used_at"));
  }
}
