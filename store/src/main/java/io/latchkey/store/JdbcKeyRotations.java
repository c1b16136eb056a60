package io.latchkey.store;

import static io.latchkey.store.SqlValues.instant;
import static io.latchkey.store.SqlValues.time;
import static io.latchkey.store.SqlValues.uuid;

import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.crypto.Sealed;
import io.latchkey.core.tx.Transactions;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Rotations of the data key (issue 14), kept in {@code key_rotations} so that the job resumes after
 * a restart and runs on one node at a time (a lease in the row). A rotation creates a data key,
 * makes it the sealing key, re-seals every sealed value in batches (a compare-and-set per row, so a
 * concurrent write is never lost), and retires the old keys by deleting them, which the database
 * refuses while a row still names one (foreign keys from the sealed columns).
 *
 * <p>The sealed columns: {@code totp_credentials.secret_sealed} and {@code
 * enrollments.secret_sealed} (each with {@code key_id}).
 */
public final class JdbcKeyRotations {
  private static final int MAX_ERROR = 500;

  /** A rotation as stored. */
  public record Rotation(
      UUID id,
      String newKeyId,
      List<String> oldKeyIds,
      boolean running,
      Instant startedAt,
      String startedBy,
      CorrelationId correlationId,
      int batches,
      long resealed,
      List<String> retiredKeyIds,
      Instant updatedAt,
      Instant finishedAt,
      String lastError) {}

  /** What one batch did: rows looked at, and rows re-sealed (the others changed meanwhile). */
  public record Batch(int seen, int resealed) {}

  private static final String COLUMNS =
      "id, new_key_id, old_key_ids, state, started_at, started_by, correlation_id, batches,"
          + " resealed, retired_key_ids, updated_at, finished_at, last_error";

  private final JdbcClient jdbc;
  private final DataKeys keys;
  private final Transactions transactions;

  public JdbcKeyRotations(JdbcClient jdbc, DataKeys keys, Transactions transactions) {
    this.jdbc = jdbc;
    this.keys = keys;
    this.transactions = transactions;
  }

  /**
   * Starts a rotation: a new data key, made the sealing key on every node, and the rotation row.
   * Empty when a rotation is already running (here or on another node).
   */
  public Optional<Rotation> start(String startedBy, CorrelationId correlationId, Instant now) {
    UUID id = UUID.randomUUID();
    try {
      boolean started =
          transactions.inTransaction(
              () -> {
                if (running().isPresent()) {
                  return false;
                }
                List<String> old = keys.keyIds();
                String next = keys.createKey();
                keys.switchTo(next);
                jdbc.sql(
                        "INSERT INTO key_rotations (id, new_key_id, old_key_ids, state,"
                            + " running_key, started_at, started_by, correlation_id, batches,"
                            + " resealed, updated_at) VALUES (:id, :newKey, :oldKeys, 'RUNNING',"
                            + " 'RUNNING', :now, :by, :correlationId, 0, 0, :now)")
                    .param("id", id)
                    .param("newKey", next)
                    .param("oldKeys", String.join(",", old))
                    .param("now", time(now))
                    .param("by", SqlValues.clip(startedBy, 200))
                    .param("correlationId", correlationId.value())
                    .update();
                return true;
              });
      return started ? find(id) : Optional.empty();
    } catch (DataIntegrityViolationException anotherNodeStartedOne) {
      return Optional.empty();
    }
  }

  public Optional<Rotation> running() {
    return jdbc.sql("SELECT " + COLUMNS + " FROM key_rotations WHERE running_key = 'RUNNING'")
        .query(this::rotation)
        .optional();
  }

  public Optional<Rotation> find(UUID id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM key_rotations WHERE id = :id")
        .param("id", id)
        .query(this::rotation)
        .optional();
  }

  /** The newest rotations first. */
  public List<Rotation> recent(int limit) {
    return jdbc.sql(
            "SELECT " + COLUMNS + " FROM key_rotations ORDER BY started_at DESC, id LIMIT :limit")
        .param("limit", limit)
        .query(this::rotation)
        .list();
  }

  /**
   * Takes or renews the lease of running rotation {@code id} for {@code owner}: granted when nobody
   * holds it, the owner holds it, or the holder's lease expired (a node that died).
   */
  public boolean claim(UUID id, String owner, Instant now, Duration lease) {
    return jdbc.sql(
                "UPDATE key_rotations SET lease_owner = :owner, lease_until = :until"
                    + " WHERE id = :id AND state = 'RUNNING' AND (lease_owner IS NULL"
                    + " OR lease_owner = :owner OR lease_until < :now)")
            .param("owner", owner)
            .param("until", time(now.plus(lease)))
            .param("id", id)
            .param("now", time(now))
            .update()
        == 1;
  }

  /** Gives the lease back (a node shutting down), so another node need not wait for it. */
  public void release(UUID id, String owner) {
    jdbc.sql(
            "UPDATE key_rotations SET lease_owner = NULL, lease_until = NULL"
                + " WHERE id = :id AND lease_owner = :owner")
        .param("id", id)
        .param("owner", owner)
        .update();
  }

  /**
   * Re-seals up to {@code size} values that another key than {@code newKeyId} sealed, in one
   * transaction. Each row is updated only if it still holds the value read ({@code WHERE ... AND
   * key_id = old AND secret_sealed = old}): a row changed meanwhile is left for the next batch.
   */
  public Batch resealBatch(String newKeyId, int size) {
    return transactions.inTransaction(
        () -> {
          List<Row> rows = new ArrayList<>();
          rows.addAll(
              jdbc.sql(
                      "SELECT method_id AS id, key_id, secret_sealed FROM totp_credentials"
                          + " WHERE key_id <> :newKey ORDER BY method_id LIMIT :limit")
                  .param("newKey", newKeyId)
                  .param("limit", size)
                  .query((rs, n) -> row(rs, "totp"))
                  .list());
          if (rows.size() < size) {
            rows.addAll(
                jdbc.sql(
                        "SELECT id, key_id, secret_sealed FROM enrollments WHERE key_id IS NOT"
                            + " NULL AND key_id <> :newKey ORDER BY id LIMIT :limit")
                    .param("newKey", newKeyId)
                    .param("limit", size - rows.size())
                    .query((rs, n) -> row(rs, "enrollment"))
                    .list());
          }
          int resealed = 0;
          for (Row row : rows) {
            resealed += reseal(row, newKeyId);
          }
          return new Batch(rows.size(), resealed);
        });
  }

  /** How many sealed values name another key than {@code keyId}. */
  public long countNotSealedWith(String keyId) {
    return jdbc.sql("SELECT COUNT(*) FROM totp_credentials WHERE key_id <> :keyId")
            .param("keyId", keyId)
            .query(Long.class)
            .single()
        + jdbc.sql("SELECT COUNT(*) FROM enrollments WHERE key_id IS NOT NULL AND key_id <> :keyId")
            .param("keyId", keyId)
            .query(Long.class)
            .single();
  }

  /** The data keys other than {@code keyId} still in the database. */
  public List<String> otherKeys(String keyId) {
    return keys.keyIds().stream().filter(id -> !id.equals(keyId)).toList();
  }

  /** Counts a batch done and renews the lease; false if {@code owner} lost the lease. */
  public boolean recordBatch(UUID id, String owner, int resealed, Instant now, Duration lease) {
    return jdbc.sql(
                "UPDATE key_rotations SET batches = batches + 1, resealed = resealed + :resealed,"
                    + " updated_at = :now, last_error = NULL, lease_until = :until"
                    + " WHERE id = :id AND state = 'RUNNING' AND lease_owner = :owner")
            .param("resealed", resealed)
            .param("now", time(now))
            .param("until", time(now.plus(lease)))
            .param("id", id)
            .param("owner", owner)
            .update()
        == 1;
  }

  /**
   * Retires every data key but {@code newKeyId}: each is deleted in a transaction of its own, which
   * the database refuses while a row names it (then it stays, for the next pass).
   *
   * @return the keys retired now
   */
  public List<String> retireAllBut(String newKeyId) {
    List<String> retired = new ArrayList<>();
    for (String keyId : keys.keyIds()) {
      if (keyId.equals(newKeyId)) {
        continue;
      }
      try {
        int deleted =
            transactions.inTransaction(
                () -> jdbc.sql("DELETE FROM data_keys WHERE id = :id").param("id", keyId).update());
        if (deleted == 1) {
          retired.add(keyId);
          keys.forget(keyId);
        }
      } catch (DataIntegrityViolationException stillInUse) {
        // a row sealed with it after the last pass: the job makes another pass
      }
    }
    return retired;
  }

  /** Marks the rotation finished, naming the keys it retired; false if the lease was lost. */
  public boolean finish(UUID id, String owner, List<String> retired, Instant now) {
    return jdbc.sql(
                "UPDATE key_rotations SET state = 'FINISHED', running_key = NULL,"
                    + " retired_key_ids = :retired, finished_at = :now, updated_at = :now,"
                    + " last_error = NULL, lease_owner = NULL, lease_until = NULL"
                    + " WHERE id = :id AND state = 'RUNNING' AND lease_owner = :owner")
            .param("retired", SqlValues.clip(String.join(",", retired), 1000))
            .param("now", time(now))
            .param("id", id)
            .param("owner", owner)
            .update()
        == 1;
  }

  /** Keeps the keys retired so far (a pass may retire some before others). */
  public void addRetired(UUID id, List<String> retired) {
    if (retired.isEmpty()) {
      return;
    }
    Rotation rotation = find(id).orElseThrow();
    List<String> all = new ArrayList<>(rotation.retiredKeyIds());
    all.addAll(retired);
    jdbc.sql("UPDATE key_rotations SET retired_key_ids = :retired WHERE id = :id")
        .param("retired", SqlValues.clip(String.join(",", all), 1000))
        .param("id", id)
        .update();
  }

  /** Records why the job stopped (it tries again on its next run). */
  public void recordError(UUID id, String error, Instant now) {
    jdbc.sql("UPDATE key_rotations SET last_error = :error, updated_at = :now WHERE id = :id")
        .param("error", SqlValues.clip(error, MAX_ERROR))
        .param("now", time(now))
        .param("id", id)
        .update();
  }

  private record Row(String table, Object id, String keyId, byte[] sealed) {}

  private static Row row(ResultSet rs, String table) throws SQLException {
    return new Row(table, uuid(rs, "id"), rs.getString("key_id"), rs.getBytes("secret_sealed"));
  }

  private int reseal(Row row, String newKeyId) {
    UUID id = (UUID) row.id();
    boolean totp = row.table().equals("totp");
    String associatedData =
        totp
            ? JdbcTotpCredentialRepository.associatedData(new io.latchkey.core.method.MethodId(id))
            : JdbcEnrollmentRepository.associatedData(id);
    byte[] plain = keys.open(new Sealed(row.keyId(), row.sealed()), associatedData);
    Sealed resealed;
    try {
      resealed = keys.sealWith(newKeyId, plain, associatedData);
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
    String table = totp ? "totp_credentials" : "enrollments";
    String idColumn = totp ? "method_id" : "id";
    return jdbc.sql(
            "UPDATE "
                + table
                + " SET secret_sealed = :sealed, key_id = :newKey WHERE "
                + idColumn
                + " = :id AND key_id = :oldKey AND secret_sealed = :oldSealed")
        .param("sealed", resealed.blob())
        .param("newKey", newKeyId)
        .param("id", id)
        .param("oldKey", row.keyId())
        .param("oldSealed", row.sealed())
        .update();
  }

  private Rotation rotation(ResultSet rs, int n) throws SQLException {
    return new Rotation(
        uuid(rs, "id"),
        rs.getString("new_key_id"),
        split(rs.getString("old_key_ids")),
        "RUNNING".equals(rs.getString("state")),
        instant(rs, "started_at"),
        rs.getString("started_by"),
        new CorrelationId(rs.getString("correlation_id")),
        rs.getInt("batches"),
        rs.getLong("resealed"),
        split(rs.getString("retired_key_ids")),
        instant(rs, "updated_at"),
        instant(rs, "finished_at"),
        rs.getString("last_error"));
  }

  private static List<String> split(String list) {
    return list == null || list.isEmpty() ? List.of() : List.of(list.split(","));
  }
}
