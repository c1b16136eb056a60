package io.latchkey.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The soak's short version in the suite (issue 13): {@link SoakLoad} drives a freshly started
 * server, the embedded default in a JVM of its own, for a minute of the same mixed load as the hour
 * in docs/BENCHMARKS.md (registrations by code and push, right, wrong and replayed codes, pushes
 * approved and left to expire, admin actions, a policy change, backups), with real mail to the
 * tool's SMTP sink, and then runs the same consistency checks: no code accepted twice, every
 * accepted code audited once, no half-registered method, every notice delivered once, and no 5xx.
 */
class SoakShortIT {
  private Process server;
  private Path log;

  @AfterEach
  void stopServer() throws InterruptedException {
    if (server != null) {
      server.destroy();
      if (!server.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  @Test
  void aMinuteOfMixedLoadLeavesTheServerConsistent() throws Exception {
    Path data = Files.createTempDirectory("latchkey-soak-");
    int port = freePort();
    int smtp = freePort();
    server = start(data, port, smtp);
    String base = "http://127.0.0.1:" + port;
    awaitReady(base);

    ByteArrayOutputStream report = new ByteArrayOutputStream();
    Path out = Files.createTempDirectory("latchkey-soak-report-").resolve("soak");
    int status;
    try (PrintStream printer = new PrintStream(report, true, StandardCharsets.UTF_8)) {
      status =
          SoakLoad.run(
              new String[] {
                "--server", base,
                "--data", data.toString(),
                "--pid", Long.toString(server.pid()),
                "--seconds", "60",
                "--vus", "4",
                "--rate", "10",
                "--users-per-minute", "12",
                "--max-users", "12",
                "--smtp-port", Integer.toString(smtp),
                "--report-seconds", "20",
                "--out", out.toString()
              },
              printer,
              printer);
    }
    String text = report.toString(StandardCharsets.UTF_8);
    assertThat(status).as("%s%n--- server log ---%n%s", text, tail(log)).isZero();
    assertThat(text).contains("SoakLoad: PASSED").doesNotContain("FAILED");
    // The report the hour-long run is read from: one row per interval, none with a 5xx.
    List<String> rows = Files.readAllLines(Path.of(out + ".csv"));
    assertThat(rows).hasSizeGreaterThanOrEqualTo(3);
    List<String> json = Files.readAllLines(Path.of(out + ".jsonl"));
    List<String> intervals = json.stream().filter(l -> l.startsWith("{\"at\"")).toList();
    assertThat(intervals)
        .hasSize(rows.size() - 1)
        .allSatisfy(line -> assertThat(line).contains("\"serverErrors\":{}"));
    // The checks' figures: something was really checked.
    assertThat(json.getLast())
        .startsWith("{\"final\"")
        .contains("\"codesAcceptedTwice\":0")
        .contains("\"acceptancesWithoutAuditRow\":0")
        .contains("\"usersWithUnexpectedMethods\":0")
        .contains("\"passed\":true")
        .doesNotContain("\"codesAccepted\":0,");
    assertThat(tail(log)).doesNotContain(" ERROR ");
  }

  private Process start(Path data, int port, int smtp) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("io.latchkey.server.LatchkeyServerApplication");
    command.add("--server.port=" + port);
    command.add("--server.address=127.0.0.1");
    command.add("--latchkey.data=" + data.toAbsolutePath());
    command.add("--latchkey.mail.host=127.0.0.1");
    command.add("--latchkey.mail.port=" + smtp);
    command.add("--latchkey.mail.from=soak@latchkey.test");
    // Pushes left alone expire within the minute, so the check at the end sees them expired.
    command.add("--latchkey.push.challenge-ttl=20s");
    log = Files.createTempFile("latchkey-soak-server-", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    return builder.start();
  }

  private void awaitReady(String base) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    Instant until = Instant.now().plus(Duration.ofSeconds(120));
    while (Instant.now().isBefore(until)) {
      if (!server.isAlive()) {
        throw new AssertionError("the server did not start:\n" + tail(log));
      }
      try {
        HttpResponse<String> ready =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/actuator/health/readiness")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (ready.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError("the server was not ready within 120 s:\n" + tail(log));
  }

  private static String tail(Path file) throws IOException {
    if (file == null || !Files.exists(file)) {
      return "";
    }
    List<String> lines = Files.readAllLines(file);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
