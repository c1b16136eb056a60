package io.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * A first start migrates the schema through a pooled connection; once the pool retires that
 * connection (HikariCP's max-lifetime, 30 minutes by default, or after an error) every CHECK
 * constraint must still accept valid rows and refuse invalid ones. H2 2.4.240 bound an {@code IN
 * (...)} check to the session that created it: after that session closed, every write to such a
 * table failed with "Check constraint invalid" (issue 13; H2 issues #4291, #4302, #4308).
 *
 * <p>The pool here lives 30 seconds, the least HikariCP accepts; the test waits until the
 * connections Flyway used are closed for real, then writes to every table that has a CHECK
 * constraint, and checks against the database's catalog that none was left out.
 */
class PoolTurnoverTest {
  private static final Duration POOL_LIFETIME = Duration.ofSeconds(30);
  private static final Duration TURNOVER_DEADLINE = POOL_LIFETIME.multipliedBy(3);

  /** Bound as {@code :bytes}: H2 and PostgreSQL spell binary literals differently. */
  private static final byte[] BYTES = {1, 2};

  private static final OffsetDateTime T0 =
      OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC);

  @TempDir Path data;

  /** The connections Flyway borrowed, unwrapped from the pool's proxies. */
  private final List<Connection> migrationConnections = new CopyOnWriteArrayList<>();

  TestDatabase openDatabase(Path dataDirectory, TestDatabase.Opener opener) {
    return TestDatabase.h2(dataDirectory, opener);
  }

  /**
   * Like {@link Databases#open}, with a short pool lifetime and a record of Flyway's connections.
   */
  private HikariDataSource openShortLivedPool(String url, String username, String password) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(username);
    config.setPassword(password);
    config.setPoolName("latchkey-turnover-test");
    config.setMaximumPoolSize(4);
    config.setMaxLifetime(POOL_LIFETIME.toMillis());
    HikariDataSource pool = new HikariDataSource(config);
    try {
      assertThat(Databases.migrate(new RecordingDataSource(pool))).isPositive();
      return pool;
    } catch (RuntimeException | Error e) {
      pool.close();
      throw e;
    }
  }

  private final class RecordingDataSource extends DelegatingDataSource {
    RecordingDataSource(HikariDataSource pool) {
      super(pool);
    }

    @Override
    public Connection getConnection() throws SQLException {
      Connection connection = super.getConnection();
      migrationConnections.add(connection.unwrap(Connection.class));
      return connection;
    }
  }

  @Test
  void everyCheckConstraintWorksAfterThePoolRetiredTheConnectionsThatMigrated() throws Exception {
    try (TestDatabase database = openDatabase(data, this::openShortLivedPool)) {
      JdbcClient jdbc = database.jdbc;
      assertThat(migrationConnections).isNotEmpty();
      awaitClosed(migrationConnections);

      Map<String, Writes> writes = writesToEveryCheckedTable();
      assertThat(writes.keySet())
          .as("tables with a CHECK constraint in the migrated schema")
          .containsExactlyInAnyOrderElementsOf(tablesWithCheckConstraints(jdbc));
      for (Map.Entry<String, Writes> entry : writes.entrySet()) {
        String table = entry.getKey();
        Writes write = entry.getValue();
        for (String sql : write.valid()) {
          assertThat(jdbc.sql(sql).param("bytes", BYTES).update())
              .as(table + ": " + sql)
              .isEqualTo(1);
        }
        assertThatThrownBy(() -> jdbc.sql(write.violation()).param("bytes", BYTES).update())
            .as(table + " still refuses: " + write.violation())
            .isInstanceOf(DataIntegrityViolationException.class);
      }
      assertThat(jdbc.sql("SELECT status FROM users").query(String.class).list())
          .containsExactly("ACTIVE");
    }
  }

  /** Waits, bounded, until the pool has closed each of {@code connections} (max-lifetime). */
  private static void awaitClosed(List<Connection> connections) throws Exception {
    long deadline = System.nanoTime() + TURNOVER_DEADLINE.toNanos();
    while (true) {
      List<Connection> open = new ArrayList<>();
      for (Connection connection : connections) {
        if (!connection.isClosed()) {
          open.add(connection);
        }
      }
      if (open.isEmpty()) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "the pool kept "
                + open
                + " past "
                + TURNOVER_DEADLINE
                + " (max-lifetime "
                + POOL_LIFETIME
                + ")");
      }
      Thread.sleep(250);
    }
  }

  /**
   * The tables of the current schema that have a CHECK constraint, lower case. PostgreSQL lists its
   * NOT NULL constraints as CHECK constraints named {@code ..._not_null}; those are left out.
   */
  private static List<String> tablesWithCheckConstraints(JdbcClient jdbc) {
    return jdbc.sql(
            """
            SELECT DISTINCT LOWER(table_name) FROM information_schema.table_constraints
            WHERE constraint_type = 'CHECK' AND table_schema = CURRENT_SCHEMA
              AND LOWER(constraint_name) NOT LIKE '%\\_not\\_null' ESCAPE '\\'
            """)
        .query(String.class)
        .list();
  }

  /** Valid writes to a table, then a write one of its CHECK constraints refuses. */
  private record Writes(List<String> valid, String violation) {}

  /** In the order the foreign keys need: the user first, the method before the push device. */
  private static Map<String, Writes> writesToEveryCheckedTable() {
    UUID user = UUID.randomUUID();
    UUID method = UUID.randomUUID();
    UUID device = UUID.randomUUID();
    String now = "TIMESTAMP WITH TIME ZONE '" + T0 + "'";
    String later = "TIMESTAMP WITH TIME ZONE '" + T0.plusMinutes(10) + "'";
    String bytes = ":bytes";
    Map<String, Writes> writes = new LinkedHashMap<>();
    writes.put(
        "users",
        new Writes(
            List.of(
                insert(
                    "users (id, username, display_name, status, is_admin, failed_attempts,"
                        + " created_at)",
                    uuid(user),
                    "'alice'",
                    "'Alice'",
                    "'ACTIVE'",
                    "FALSE",
                    "0",
                    now),
                "UPDATE users SET status = 'BLOCKED' WHERE id = " + uuid(user),
                "UPDATE users SET status = 'ACTIVE', failed_attempts = 1 WHERE id = " + uuid(user)),
            "UPDATE users SET status = 'SUSPENDED' WHERE id = " + uuid(user)));
    writes.put(
        "data_keys",
        new Writes(
            List.of(
                insert("data_keys (id, created_at)", "'k1'", now),
                insert(
                    "data_keys (id, wrapped, wrapping_key_id, created_at)",
                    "'d1'",
                    bytes,
                    "'k1'",
                    now)),
            insert("data_keys (id, wrapped, created_at)", "'d2'", bytes, now)));
    writes.put(
        "sealing_key",
        new Writes(
            List.of(
                insert("sealing_key (id, key_id, changed_at)", "1", "'d1'", now),
                "UPDATE sealing_key SET key_id = 'k1'"),
            insert("sealing_key (id, key_id, changed_at)", "2", "'d1'", now)));
    writes.put(
        "totp_credentials",
        new Writes(
            List.of(
                insert(
                    "methods (id, user_id, kind, label, created_at, registered_ip,"
                        + " registered_user_agent)",
                    uuid(method),
                    uuid(user),
                    "'TOTP'",
                    "'phone'",
                    now,
                    "'192.0.2.1'",
                    "'test'"),
                insert(
                    "totp_credentials (method_id, secret_sealed, key_id, algorithm, digits,"
                        + " period_seconds, last_used_step, drift)",
                    uuid(method),
                    bytes,
                    "'k1'",
                    "'SHA1'",
                    "6",
                    "30",
                    "0",
                    "0")),
            "UPDATE totp_credentials SET digits = 9"));
    writes.put(
        "enrollments",
        new Writes(
            List.of(
                insert(
                    "enrollments (id, flow_id, user_id, kind, state, attempt, secret_sealed,"
                        + " key_id, algorithm, digits, period_seconds, created_at, deadline, ip,"
                        + " user_agent, pending_key)",
                    uuid(UUID.randomUUID()),
                    uuid(UUID.randomUUID()),
                    uuid(user),
                    "'TOTP'",
                    "'STARTED'",
                    "1",
                    bytes,
                    "'k1'",
                    "'SHA1'",
                    "6",
                    "30",
                    now,
                    later,
                    "'192.0.2.1'",
                    "'test'",
                    "'pending-1'"),
                "UPDATE enrollments SET state = 'COMPLETED', pending_key = NULL,"
                    + " secret_sealed = NULL, key_id = NULL, finished_at = "
                    + later),
            "UPDATE enrollments SET state = 'ABANDONED'"));
    writes.put(
        "sign_in_attempts",
        new Writes(
            List.of(
                insert(
                    "sign_in_attempts (scope, username, address, attempts, window_start)",
                    "'name_address'",
                    "'alice'",
                    "'192.0.2.1'",
                    "1",
                    now)),
            "UPDATE sign_in_attempts SET attempts = -1"));
    writes.put(
        "push_devices",
        new Writes(
            List.of(
                insert(
                    "push_devices (id, user_id, flow_id, name, key_algorithm, public_key,"
                        + " app_version, posture_overridden, state, activated_at, activated_ip)",
                    uuid(device),
                    uuid(user),
                    uuid(UUID.randomUUID()),
                    "'phone'",
                    "'EC'",
                    bytes,
                    "'1.0'",
                    "FALSE",
                    "'PENDING'",
                    now,
                    "'192.0.2.1'"),
                "UPDATE push_devices SET state = 'ACTIVE', method_id = " + uuid(method)),
            "UPDATE push_devices SET state = 'LOST'"));
    writes.put(
        "push_enrollments",
        new Writes(
            List.of(
                insert(
                    "push_enrollments (id, flow_id, user_id, state, attempt, code_hash,"
                        + " created_at, deadline, browser_ip, user_agent, pending_key)",
                    uuid(UUID.randomUUID()),
                    uuid(UUID.randomUUID()),
                    uuid(user),
                    "'AWAITING_ACTIVATION'",
                    "1",
                    bytes,
                    now,
                    later,
                    "'192.0.2.1'",
                    "'test'",
                    uuid(UUID.randomUUID()))),
            "UPDATE push_enrollments SET state = 'WAITING'"));
    writes.put(
        "push_challenges",
        new Writes(
            List.of(
                insert(
                    "push_challenges (id, user_id, username, purpose, device_id, application,"
                        + " requester_ip, number, created_at, expires_at, state)",
                    uuid(UUID.randomUUID()),
                    uuid(user),
                    "'alice'",
                    "'SIGN_IN'",
                    uuid(device),
                    "'vpn'",
                    "'192.0.2.1'",
                    "'42'",
                    now,
                    later,
                    "'PENDING'"),
                "UPDATE push_challenges SET state = 'APPROVED', answered_by = "
                    + uuid(device)
                    + ", answered_at = "
                    + now),
            "UPDATE push_challenges SET purpose = 'UNLOCK'"));
    writes.put(
        "policy_versions",
        new Writes(
            List.of(
                insert(
                    "policy_versions (version, changed_at, changed_by, reason, settings,"
                        + " changes)",
                    "1",
                    now,
                    "'admin'",
                    "'first'",
                    "'{}'",
                    "'[]'")),
            "UPDATE policy_versions SET version = 0"));
    writes.put(
        "notices",
        new Writes(
            List.of(
                insert(
                    "notices (id, user_id, kind, occurred_at, ip, user_agent, correlation_id,"
                        + " facts, recipient, status, next_attempt_at)",
                    uuid(UUID.randomUUID()),
                    uuid(user),
                    "'SIGN_IN'",
                    now,
                    "'192.0.2.1'",
                    "'test'",
                    "'7Q2MK-9TDW4-XH3BZ-R0000'",
                    "'{}'",
                    "'alice@example.org'",
                    "'PENDING'",
                    now),
                "UPDATE notices SET status = 'SENT', sent_at = " + now),
            "UPDATE notices SET status = 'LOST'"));
    writes.put(
        "user_api_tokens",
        new Writes(
            List.of(
                insert(
                    "user_api_tokens (id, user_id, token_hash, created_at, expires_at)",
                    uuid(UUID.randomUUID()),
                    uuid(user),
                    bytes,
                    now,
                    later)),
            "UPDATE user_api_tokens SET expires_at = created_at"));
    writes.put(
        "cloud_backups",
        new Writes(
            List.of(
                insert(
                    "cloud_backups (user_id, version, content, updated_at)",
                    uuid(user),
                    "1",
                    bytes,
                    now),
                "UPDATE cloud_backups SET version = 2"),
            "UPDATE cloud_backups SET version = 0"));
    writes.put(
        "key_rotations",
        new Writes(
            List.of(
                insert(
                    "key_rotations (id, new_key_id, old_key_ids, state, running_key, started_at,"
                        + " started_by, correlation_id, batches, resealed, updated_at)",
                    uuid(UUID.randomUUID()),
                    "'d1'",
                    "'k1'",
                    "'RUNNING'",
                    "'RUNNING'",
                    now,
                    "'admin'",
                    "'7Q2MK-9TDW4-XH3BZ-R0000'",
                    "0",
                    "0",
                    now),
                "UPDATE key_rotations SET state = 'FINISHED', running_key = NULL, finished_at = "
                    + later),
            "UPDATE key_rotations SET state = 'RUNNING'"));
    return writes;
  }

  private static String insert(String tableAndColumns, String... values) {
    return "INSERT INTO " + tableAndColumns + " VALUES (" + String.join(", ", values) + ")";
  }

  private static String uuid(UUID id) {
    return "CAST('" + id + "' AS UUID)";
  }
}
