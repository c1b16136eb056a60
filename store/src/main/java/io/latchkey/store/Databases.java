package io.latchkey.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Opens Latchkey's database: a connection pool and the schema migrated to the latest version. The
 * built-in database is an H2 file under the data folder; PostgreSQL serves several nodes.
 */
public final class Databases {
  /**
   * Options for the built-in H2 file.
   *
   * <ul>
   *   <li>{@code WRITE_DELAY=0}: H2 keeps no redo log and by default writes commits to the file in
   *       the background, up to half a second later; a killed process lost every commit of that
   *       window, which here means a used TOTP step that could be replayed, failed attempts that no
   *       longer count, and missing audit records. Writing at each commit costs well under a
   *       millisecond. (Power loss can still drop writes the operating system has not flushed.)
   *   <li>{@code DEFAULT_LOCK_TIMEOUT=10000}: racing conditional updates of one row (a replayed
   *       code, parallel guesses) wait for each other instead of failing after H2's default of one
   *       second.
   *   <li>{@code DB_CLOSE_ON_EXIT=FALSE}: the application closes the pool in its own shutdown, not
   *       H2's JVM hook, which could close the database under requests still finishing.
   *   <li>No {@code AUTO_SERVER}: one process owns the file; several nodes need PostgreSQL.
   * </ul>
   */
  public static final String H2_OPTIONS =
      ";WRITE_DELAY=0;DEFAULT_LOCK_TIMEOUT=10000;DB_CLOSE_ON_EXIT=FALSE";

  /** Where Flyway finds the migrations, inside this module's jar. */
  public static final String MIGRATIONS = "classpath:db/migration";

  private static final int MAX_POOL_SIZE = 10;

  private Databases() {}

  /**
   * The URL of the built-in database, {@code DATA/db/latchkey}. H2 refuses paths that are
   * implicitly relative to the working directory, so the path is made absolute. The folder is
   * created private (mode 700 where the file system has POSIX modes): the database holds password
   * hashes and the audit log.
   */
  public static String h2FileUrl(Path dataDirectory) {
    Path folder = dataDirectory.resolve("db").toAbsolutePath().normalize();
    try {
      PrivateFiles.createDirectories(folder);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the database folder " + folder, e);
    }
    return "jdbc:h2:file:" + folder.resolve("latchkey") + H2_OPTIONS;
  }

  /**
   * A connection pool for {@code url}, with the schema migrated. If the migration fails the pool is
   * closed and the error propagates: the server must not start on an unknown schema.
   */
  public static HikariDataSource open(String url, String username, String password) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(username);
    config.setPassword(password);
    config.setPoolName("latchkey");
    config.setMaximumPoolSize(MAX_POOL_SIZE);
    HikariDataSource dataSource = new HikariDataSource(config);
    try {
      migrate(dataSource);
      return dataSource;
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
  }

  /**
   * Applies the migrations the database does not have yet.
   *
   * @return how many were applied; 0 when the schema was current
   */
  public static int migrate(DataSource dataSource) {
    return Flyway.configure(Databases.class.getClassLoader())
        .dataSource(dataSource)
        .locations(MIGRATIONS)
        .failOnMissingLocations(true)
        .load()
        .migrate()
        .migrationsExecuted;
  }
}
