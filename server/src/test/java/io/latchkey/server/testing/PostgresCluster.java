package io.latchkey.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL cluster of a test's own (Debian's packages, through {@code scripts/pg-cluster}), on
 * a random loopback port in a temporary folder, that the test may stop and start again without
 * touching the cluster the rest of the suite shares. {@link #close()} stops it and removes the
 * folder.
 *
 * <pre>
 * try (PostgresCluster cluster = PostgresCluster.start()) {
 *   String url = cluster.createDatabase("latchkey");
 *   cluster.stop("immediate");   // the outage
 *   cluster.restart();           // the same port and data
 * }
 * </pre>
 */
public final class PostgresCluster implements AutoCloseable {
  private static final long COMMAND_TIMEOUT_SECONDS = 120;

  private final Path script;
  private final Path directory;
  private final int port;

  private PostgresCluster(Path script, Path directory, int port) {
    this.script = script;
    this.directory = directory;
    this.port = port;
  }

  /** Creates a fresh cluster and starts it; fails (never skips) when PostgreSQL is missing. */
  public static PostgresCluster start() {
    Path script = findScript();
    Path directory;
    try {
      // A child of the system temporary folder (/tmp), which the 'postgres' user can traverse.
      directory = Files.createTempDirectory("latchkey-pg-own-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    PostgresCluster cluster = new PostgresCluster(script, directory, freePort());
    try {
      cluster.start0();
    } catch (RuntimeException | AssertionError e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  public int port() {
    return port;
  }

  /** Creates database {@code name} and returns its JDBC URL. */
  public String createDatabase(String name) {
    try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"));
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new AssertionError("cannot create database " + name + ": " + e.getMessage(), e);
    }
    return jdbcUrl(name);
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres";
  }

  /** Starts the cluster again, on the same port and data folder, and waits until it is ready. */
  public void restart() {
    start0();
  }

  /** {@code pg_ctl stop -m mode}: {@code fast}, or {@code immediate} (a crash). */
  public void stop(String mode) {
    run("stop", directory.toString(), mode);
  }

  /** Whether the cluster's postmaster runs. */
  public boolean running() {
    return exec("status", directory.toString()) == 0;
  }

  /** Stops the cluster if it runs and removes its folder; never throws. */
  @Override
  public void close() {
    try {
      run("destroy", directory.toString());
    } catch (RuntimeException | AssertionError e) {
      System.err.println("could not remove the test's PostgreSQL cluster: " + e.getMessage());
    }
  }

  private void start0() {
    run("start", directory.toString(), Integer.toString(port));
  }

  private void run(String... arguments) {
    int status = exec(arguments);
    if (status != 0) {
      throw new AssertionError(
          "scripts/pg-cluster " + String.join(" ", arguments) + " exited with " + status);
    }
  }

  private int exec(String... arguments) {
    List<String> command = new ArrayList<>();
    command.add(script.toString());
    command.addAll(List.of(arguments));
    Path output;
    try {
      output = Files.createTempFile("latchkey-pg-cluster-", ".log");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("scripts/pg-cluster " + String.join(" ", arguments) + " hung");
      }
      String said = Files.readString(output, StandardCharsets.UTF_8).strip();
      if (!said.isEmpty()) {
        System.err.println("scripts/pg-cluster " + arguments[0] + ": " + said);
      }
      return process.exitValue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      try {
        Files.deleteIfExists(output);
      } catch (IOException ignored) {
        // a temporary log file; nothing to do
      }
    }
  }

  /** scripts/pg-cluster of this checkout: failsafe runs in the module folder (server/). */
  private static Path findScript() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("scripts/pg-cluster");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError("scripts/pg-cluster not found above " + Path.of("").toAbsolutePath());
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
