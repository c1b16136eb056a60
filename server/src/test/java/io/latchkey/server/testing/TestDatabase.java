package io.latchkey.server.testing;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which database the integration suite runs on. Failsafe runs the suite twice: on the embedded H2
 * file database (the default), and with {@code LATCHKEY_IT_DATABASE=postgres} on a fresh database
 * of the PostgreSQL server that {@code ./run-tests} starts ({@code LATCHKEY_TEST_POSTGRES_URL}).
 */
public final class TestDatabase {
  private static final Pattern POSTGRES_URL =
      Pattern.compile("(jdbc:postgresql://[^/?]+/)([^?]*)(\\??.*)");

  private TestDatabase() {}

  public static boolean postgres() {
    return "postgres".equals(System.getenv("LATCHKEY_IT_DATABASE"));
  }

  /** A fresh PostgreSQL database for this JVM's server, or null for the embedded default. */
  public static String jdbcUrl() {
    if (!postgres()) {
      return null;
    }
    String server = requireEnv("LATCHKEY_TEST_POSTGRES_URL");
    Matcher url = POSTGRES_URL.matcher(server);
    if (!url.matches()) {
      throw new AssertionError("LATCHKEY_TEST_POSTGRES_URL is not a jdbc:postgresql:// URL");
    }
    byte[] suffix = new byte[6];
    new SecureRandom().nextBytes(suffix);
    String name = "latchkey_it_" + HexFormat.of().formatHex(suffix);
    try (Connection connection = DriverManager.getConnection(server);
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new AssertionError("cannot create a test database: " + e.getMessage(), e);
    }
    return url.group(1) + name + url.group(3);
  }

  /** The PostgreSQL cluster's data folder, whose files the at-rest test reads. */
  public static Path postgresDataDirectory() {
    return Path.of(requireEnv("LATCHKEY_TEST_POSTGRES_DATA"));
  }

  private static String requireEnv(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      throw new AssertionError(
          name
              + " is not set: run the tests with ./run-tests, which starts a throwaway PostgreSQL");
    }
    return value;
  }
}
