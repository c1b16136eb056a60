package io.latchkey.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/**
 * {@code listen}: the signed event stream (docs/PUSH-PROTOCOL.md §3), each request printed once,
 * reconnection with back-off, a refused device stopping, and a prompt stop when interrupted.
 */
class ListenTest {
  private static final Duration LIMIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private FakePushServer server;
  private AppDriver app;

  @BeforeEach
  void anActivatedDevice() throws Exception {
    app = new AppDriver(dir.resolve("phone"));
    app.env.put(PostureOverride.VARIABLE, "storage-encrypted=yes,rooted=no,notifications=yes");
    server = new FakePushServer(app.clock);
    app.ok("activate", server.activationLink(AppDriver.T.plusSeconds(600)), "--name", "laptop");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static JsonNode json(String line) {
    return Json.read(line.getBytes(java.nio.charset.StandardCharsets.UTF_8)).orElseThrow();
  }

  private String connected() {
    return "{\"event\":\"connected\",\"deviceId\":\"" + server.deviceId + "\"}";
  }

  @Test
  void eachRequestIsOneJsonLineWithTheProtocolsFields() throws Exception {
    AppDriver.Running listen = app.start("listen", "--json", "--count", "1");
    server.awaitStreams(1);
    listen.awaitLines(1, LIMIT);

    Challenge challenge =
        server.challenge("Payroll", "427", AppDriver.T.plusSeconds(90), "sign_in");
    AppDriver.Result result = listen.await(LIMIT);

    assertThat(result.err()).isEmpty();
    assertThat(result.exit()).isZero();
    assertThat(result.out().lines())
        .containsExactly(
            connected(),
            "{\"event\":\"challenge\",\"deviceId\":\""
                + server.deviceId
                + "\",\"challengeId\":\""
                + challenge.id()
                + "\",\"userId\":\""
                + server.userId
                + "\",\"username\":\"alice\",\"application\":\"Payroll\",\"ip\":\"203.0.113.7\","
                + "\"createdAt\":\"2009-02-13T23:31:30Z\",\"expiresAt\":\"2009-02-13T23:33:00Z\","
                + "\"purpose\":\"sign_in\"}");
    assertThat(server.refusedSignatures).isEmpty();
    assertThat(server.requests).contains("GET /api/v1/device/stream");
  }

  @Test
  void aPersonSeesWhoAsksForWhomFromWhereAndTheCommandThatAnswers() throws Exception {
    Challenge waiting = server.challenge("Payroll", "427", AppDriver.T.plusSeconds(90), "sign_in");

    AppDriver.Result result = app.start("listen", "--count", "1").await(LIMIT);

    assertThat(result.exit()).isZero();
    String id = waiting.id().toString();
    assertThat(result.out())
        .isEqualTo(
            "Connected to "
                + server.base()
                + " as \"laptop\" for alice; waiting for sign-in requests.\n"
                + "Sign-in request from Payroll for alice\n"
                + "  from 203.0.113.7, sent 2009-02-13T23:31:30Z, expires 2009-02-13T23:33:00Z"
                + " (in 90 s)\n"
                + "  To approve, type the number the sign-in screen shows:\n"
                + "    latchkey app --home "
                + app.home
                + " approve "
                + id
                + "\n"
                + "  Not you? Deny it and report it:\n"
                + "    latchkey app --home "
                + app.home
                + " deny "
                + id
                + " --report\n\n")
        .doesNotContainPattern("(?<![0-9])427(?![0-9])");
  }

  @Test
  void theRegistrationsTestRequestPointsAtTheRegistrationPage() throws Exception {
    server.challenge("", "12", AppDriver.T.plusSeconds(60), "registration_test");

    AppDriver.Result result = app.start("listen", "--count", "1").await(LIMIT);

    assertThat(result.out())
        .contains("Test request of your registration, for alice at " + server.base())
        .contains("type the number your registration page shows");
  }

  @Test
  void aClosedStreamIsOpenedAgainAfterAJitteredSecondAndTheWaitResetsAfterEachConnection()
      throws Exception {
    server.streamsToClose.set(2);
    AppDriver.Running listen = app.start("listen", "--json", "--count", "1");
    server.awaitStreams(3);
    listen.awaitLines(5, LIMIT);

    server.challenge("Payroll", "427", AppDriver.T.plusSeconds(90), "sign_in");
    AppDriver.Result result = listen.await(LIMIT);

    List<String> lines = result.out().lines().toList();
    assertThat(lines).hasSize(6);
    assertThat(lines.get(0)).isEqualTo(connected());
    assertThat(lines.get(2)).isEqualTo(connected());
    assertThat(lines.get(4)).isEqualTo(connected());
    assertThat(json(lines.get(5)).get("event").stringValue()).isEqualTo("challenge");
    for (String disconnected : List.of(lines.get(1), lines.get(3))) {
      JsonNode event = json(disconnected);
      assertThat(event.get("event").stringValue()).isEqualTo("disconnected");
      assertThat(event.get("deviceId").stringValue()).isEqualTo(server.deviceId);
      assertThat(event.get("reason").stringValue()).isEqualTo("the server closed the stream");
      // Back to 1 s after each successful connection: half to all of it, never 2 s.
      assertThat(event.get("retryInSeconds").asDouble()).isBetween(0.5, 0.999);
    }
    for (int i = 0; i < 2; i++) {
      long gap = server.streamOpenedNanos.get(i + 1) - server.streamClosedNanos.get(i);
      assertThat(Duration.ofNanos(gap)).isGreaterThanOrEqualTo(Duration.ofMillis(450));
    }
  }

  @Test
  void failedConnectionsWaitTwiceAsLongEachTime() throws Exception {
    FakePushServer.Refusal down =
        new FakePushServer.Refusal(503, "service_unavailable", "The server is starting.");
    server.streamRefusals.add(down);
    server.streamRefusals.add(down);
    AppDriver.Running listen = app.start("listen", "--json", "--count", "1");
    server.awaitStreams(3);
    listen.awaitLines(3, LIMIT);

    server.challenge("Payroll", "427", AppDriver.T.plusSeconds(90), "sign_in");
    List<String> lines = listen.await(LIMIT).out().lines().toList();

    assertThat(lines).hasSize(4);
    JsonNode first = json(lines.get(0));
    JsonNode second = json(lines.get(1));
    assertThat(first.get("reason").stringValue())
        .isEqualTo("the server answered service_unavailable");
    assertThat(first.get("retryInSeconds").asDouble()).isBetween(0.5, 0.999);
    assertThat(second.get("retryInSeconds").asDouble()).isBetween(1.0, 1.999);
    assertThat(lines.get(2)).isEqualTo(connected());
  }

  @Test
  void aRequestSentAgainAfterAReconnectionIsPrintedOnce() throws Exception {
    Challenge first = server.challenge("Payroll", "427", AppDriver.T.plusSeconds(90), "sign_in");
    server.streamsToClose.set(1);
    AppDriver.Running listen = app.start("listen", "--json", "--count", "2");
    server.awaitStreams(2);
    listen.awaitLines(4, LIMIT);

    Challenge second = server.challenge("Mail", "55", AppDriver.T.plusSeconds(90), "sign_in");
    List<String> challenges =
        listen.await(LIMIT).out().lines().filter(l -> l.contains("\"challenge\"")).toList();

    assertThat(challenges).hasSize(2);
    assertThat(challenges.get(0)).contains(first.id().toString());
    assertThat(challenges.get(1)).contains(second.id().toString());
  }

  @Test
  void anUnreadableRequestIsSkippedWithAWarningAndTheNextOneStillArrives() throws Exception {
    AppDriver.Running listen = app.start("listen", "--json", "--count", "1");
    server.awaitStreams(1);
    listen.awaitLines(1, LIMIT);

    server.sendRaw("event: challenge\ndata: {\"challengeId\":\"not-a-uuid\"}\n\n");
    server.sendRaw("event: something-newer\ndata: {}\n\n");
    Challenge challenge = server.challenge("Mail", "55", AppDriver.T.plusSeconds(90), "sign_in");
    AppDriver.Result result = listen.await(LIMIT);

    assertThat(result.exit()).isZero();
    assertThat(result.err())
        .isEqualTo(
            "Warning: the server at "
                + server.base()
                + " sent a sign-in request this app cannot read; it was skipped.\n");
    assertThat(result.out().lines().toList()).hasSize(2);
    assertThat(result.out()).contains(challenge.id().toString());
  }

  @Test
  void aRefusedDeviceStopsListeningWithTheServersReasonAndANonZeroExit() throws Exception {
    server.streamRefusals.add(
        new FakePushServer.Refusal(
            401, "unauthorized", "This device was removed by your administrator."));

    AppDriver.Result result = app.start("listen", "--json").await(LIMIT);

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.out())
        .isEqualTo(
            "{\"event\":\"disconnected\",\"deviceId\":\""
                + server.deviceId
                + "\",\"reason\":\"unauthorized\",\"retryInSeconds\":null}\n");
    assertThat(result.err())
        .isEqualTo(
            "The server refused the device \"laptop\" (alice at "
                + server.base()
                + "): This device was removed by your administrator.\n"
                + "code: unauthorized  correlation ID: 7Q2MK-0002  at 2009-02-13T23:31:30Z\n"
                + "If it was removed, activate this app again with a new QR code.\n");
  }

  @Test
  void anInterruptStopsListeningPromptly() throws Exception {
    AppDriver.Running listen = app.start("listen");
    server.awaitStreams(1);
    listen.awaitLines(1, LIMIT);

    long start = System.nanoTime();
    listen.thread.interrupt();
    listen.thread.join(Duration.ofSeconds(5));

    assertThat(listen.thread.isAlive()).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    assertThat(listen.exit.get()).isZero();
  }

  @Test
  void aTimeoutEndsListeningSuccessfully() throws Exception {
    long start = System.nanoTime();

    AppDriver.Result result = app.start("listen", "--timeout", "1").await(LIMIT);

    assertThat(result.exit()).isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(result.out()).startsWith("Connected to ");
  }

  @Test
  void anUnreachableServerIsRetriedAndReported() throws Exception {
    server.close();

    AppDriver.Result result = app.start("listen", "--json", "--timeout", "2").await(LIMIT);

    assertThat(result.exit()).isZero();
    List<String> lines = result.out().lines().toList();
    assertThat(lines).isNotEmpty();
    assertThat(lines)
        .allSatisfy(
            line ->
                assertThat(json(line).get("reason").stringValue()).isEqualTo("could not connect"));
  }

  @Test
  void withoutADeviceThereIsNothingToListenFor() {
    AppDriver fresh = new AppDriver(dir.resolve("fresh"));

    AppDriver.Result result = fresh.run("listen", "--timeout", "1");

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo("This app has no push device yet; activate one with the activate command.\n");
  }

  @Test
  void aCountOrTimeoutBelowOneIsAUsageError() {
    AppDriver.Result count = app.run("listen", "--count", "0");
    AppDriver.Result timeout = app.run("listen", "--timeout", "0");

    assertThat(count.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(count.err()).isEqualTo("--count must be at least 1 (see 'app listen --help').\n");
    assertThat(timeout.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(server.requests).doesNotContain("GET /api/v1/device/stream");
  }

  @Test
  void listeningDoesNotKeepTheVaultFromOtherCommands() throws Exception {
    AppDriver.Running listen = app.start("listen");
    server.awaitStreams(1);

    app.ok("add", Fixtures.U02);

    listen.thread.interrupt();
    listen.thread.join(Duration.ofSeconds(5));
    assertThat(app.ok("code", "ACME")).isEqualTo("566657\n");
  }
}
