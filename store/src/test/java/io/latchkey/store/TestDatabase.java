package io.latchkey.store;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A fresh, migrated database for one test: an H2 file in the test's temporary folder, or a
 * PostgreSQL schema of its own (dropped afterwards) when {@value #POSTGRES_URL} names a server.
 */
final class TestDatabase implements AutoCloseable {
  /** For example {@code jdbc:postgresql://127.0.0.1:5432/latchkey?user=postgres}. */
  static final String POSTGRES_URL = "LATCHKEY_TEST_POSTGRES_URL";

  final HikariDataSource dataSource;
  final JdbcClient jdbc;
  private final Runnable dropSchema;

  private TestDatabase(HikariDataSource dataSource, Runnable dropSchema) {
    this.dataSource = dataSource;
    this.jdbc = JdbcClient.create(dataSource);
    this.dropSchema = dropSchema;
  }

  /** How a test opens its pool: {@link Databases#open} unless a test needs its own settings. */
  @FunctionalInterface
  interface Opener {
    HikariDataSource open(String url, String username, String password);
  }

  static TestDatabase h2(Path dataDirectory) {
    return h2(dataDirectory, Databases::open);
  }

  static TestDatabase h2(Path dataDirectory, Opener opener) {
    return new TestDatabase(opener.open(Databases.h2FileUrl(dataDirectory), "sa", ""), () -> {});
  }

  /**
   * A fresh schema on the PostgreSQL that {@code ./run-tests} starts. Fails, never skips, when none
   * is configured: the PostgreSQL guarantees are part of the suite.
   */
  static TestDatabase postgres() {
    return postgres(Databases::open);
  }

  static TestDatabase postgres(Opener opener) {
    String url = System.getenv(POSTGRES_URL);
    if (url == null || url.isBlank()) {
      throw new AssertionError(
          POSTGRES_URL
              + " is not set: run the tests with ./run-tests, which starts a throwaway"
              + " PostgreSQL on loopback (or set it to a jdbc:postgresql:// URL)");
    }
    byte[] suffix = new byte[6];
    new SecureRandom().nextBytes(suffix);
    String schema = "lk_test_" + HexFormat.of().formatHex(suffix);
    execute(url, "CREATE SCHEMA " + schema);
    String schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    Runnable dropSchema = () -> execute(url, "DROP SCHEMA " + schema + " CASCADE");
    HikariDataSource dataSource;
    try {
      dataSource = opener.open(schemaUrl, null, null);
    } catch (RuntimeException | Error e) {
      dropSchema.run();
      throw e;
    }
    return new TestDatabase(dataSource, dropSchema);
  }

  private static void execute(String url, String sql) {
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  @Override
  public void close() {
    dataSource.close();
    dropSchema.run();
  }
}
