package io.latchkey.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real server in a child JVM ({@link ChildServer}), on a data folder the test gives, so that a
 * test can kill it with SIGKILL ({@link #kill()}: {@link Process#destroyForcibly()} on Linux) and
 * start another on the same folder. Its output goes to a log file next to nothing the server reads.
 * {@link #close()} kills it if it still runs.
 */
public final class ServerProcess implements AutoCloseable {
  /** A cold JVM on a busy 2-core machine may take this long to be ready. */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final int port;
  private final Path log;

  private ServerProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts a server on {@code data} (with the clock of {@code clock} if not null); no wait. */
  public static ServerProcess launch(Path data, FileClock clock, List<String> settings) {
    return launch(data, clock, settings, freePort());
  }

  /** As {@link #launch(Path, FileClock, List)}, on {@code port} (a restart on the same address). */
  public static ServerProcess launch(Path data, FileClock clock, List<String> settings, int port) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // A small, quickly started JVM: these tests want the server's behaviour, not its speed.
    command.add("-Xmx384m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    if (clock != null) {
      command.add("-Dlatchkey.test.clock-file=" + clock.file());
    }
    command.add(ChildServer.class.getName());
    command.add("--server.port=" + port);
    command.add("--server.address=127.0.0.1");
    command.add("--latchkey.data=" + data.toAbsolutePath());
    command.addAll(settings);
    try {
      Path log = Files.createTempFile("latchkey-child-server-", ".log");
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      // The child is a server of its own: the suite's database choice is not its business.
      builder.environment().remove("LATCHKEY_IT_DATABASE");
      return new ServerProcess(builder.start(), port, log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts a server and waits until it is ready; fails with its output if it is not. */
  public static ServerProcess start(Path data, FileClock clock, List<String> settings) {
    return start(data, clock, settings, freePort());
  }

  /** As {@link #start(Path, FileClock, List)}, on {@code port}. */
  public static ServerProcess start(Path data, FileClock clock, List<String> settings, int port) {
    ServerProcess server = launch(data, clock, settings, port);
    server.awaitReady(START_TIMEOUT);
    return server;
  }

  public int port() {
    return port;
  }

  public String base() {
    return "http://127.0.0.1:" + port;
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** What the server printed so far. */
  public String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  /** Polls readiness until 200; fails if the process ends or the time runs out. */
  public void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError(
            "the server exited with " + process.exitValue() + " before it was ready:\n" + tail());
      }
      if (readiness() == 200) {
        return;
      }
      sleep(Duration.ofMillis(200));
    }
    throw new AssertionError("the server was not ready within " + timeout + ":\n" + tail());
  }

  /** The status of {@code /actuator/health/readiness}, or -1 if nothing answered. */
  public int readiness() {
    try {
      HttpResponse<Void> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(base() + "/actuator/health/readiness"))
                  .timeout(Duration.ofSeconds(15))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return response.statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** kill -9: no shutdown hook, no flush, no close. Returns once the process is gone. */
  public void kill() {
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(30));
  }

  /** Waits for the process to end and returns its exit status; fails if it does not end. */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("the server did not exit within " + timeout + ":\n" + tail());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The last lines of the output, for a failure message. */
  public String tail() {
    String all = output();
    return all.length() <= 8000 ? all : "..." + all.substring(all.length() - 8000);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      Files.deleteIfExists(log);
    } catch (IOException ignored) {
      // a temporary log file
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
