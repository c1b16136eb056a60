package io.latchkey.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code doctor} against a fake Latchkey server on loopback: one line per check, OK, WARN or FAIL,
 * with what to fix in plain words, and exit code 1 exactly when something failed.
 */
class DoctorTest {
  private static final String PIN = "4711-correct";
  private static final String COMPLIANT = "storage-encrypted=yes,rooted=no,notifications=yes";

  @TempDir Path dir;
  private FakePushServer server;
  private AppDriver app;

  @BeforeEach
  void anActivatedDeviceWithAPin() throws Exception {
    app = new AppDriver(dir.resolve("phone")).pin(PIN);
    app.env.put(PostureOverride.VARIABLE, COMPLIANT);
    server = new FakePushServer(app.clock);
    app.ok("activate", server.activationLink(AppDriver.T.plusSeconds(600)), "--name", "laptop");
    app.ok("add", Fixtures.U02);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private List<String> lines(AppDriver.Result result) {
    return result.out().lines().toList();
  }

  private static String line(List<String> lines, String check) {
    return lines.stream()
        .filter(l -> l.substring(6).startsWith(check + ": "))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + check + " line in " + lines));
  }

  @Test
  void anActivatedDeviceWithAGoodClockAndPostureIsAllOk() {
    AppDriver.Result result = app.run("doctor");

    assertThat(result.err()).isEmpty();
    assertThat(result.exit()).isZero();
    List<String> lines = lines(result);
    assertThat(lines).hasSize(8);
    assertThat(lines.subList(0, 7)).allMatch(l -> l.startsWith("OK    "), "all OK");
    assertThat(lines.subList(0, 7).stream().map(l -> l.substring(6, l.indexOf(':'))))
        .containsExactly("vault", "server", "clock", "storage", "root", "notifications", "push");
    assertThat(lines.getLast()).isEqualTo("Everything looks right.");
  }

  @Test
  void eachOkLineSaysWhatWasFound() {
    List<String> lines = lines(app.run("doctor"));

    assertThat(line(lines, "vault"))
        .isEqualTo("OK    vault: readable: 1 account, 1 push device; protected by a PIN.");
    assertThat(line(lines, "server"))
        .startsWith("OK    server: " + server.base() + " is a Latchkey server and reachable;")
        .containsPattern("round trip min [0-9.]+ ms, median [0-9.]+ ms \\(5 requests\\)");
    assertThat(line(lines, "clock")).startsWith("OK    clock: this device's clock ");
    assertThat(line(lines, "storage")).contains("is encrypted (as LATCHKEY_POSTURE says)");
    assertThat(line(lines, "push"))
        .isEqualTo(
            "OK    push: device \"laptop\" (alice at "
                + server.base()
                + ") connected and stayed connected for 3 s; sign-in requests reach it while"
                + " 'listen' runs.");
    assertThat(lines.getLast()).isEqualTo("Everything looks right.");
    assertThat(server.requests).contains("GET /api/v1/device/time", "GET /api/v1/device/stream");
  }

  @Test
  void theJsonReportHoldsEveryCheckWithItsMeasurements() {
    AppDriver.Result result = app.run("doctor", "--json");

    assertThat(result.exit()).isZero();
    JsonNode report = Json.read(result.out().getBytes(StandardCharsets.UTF_8)).orElseThrow();
    assertThat(report.path("ok").asBoolean()).isTrue();
    JsonNode checks = report.path("checks");
    assertThat(checks.size()).isEqualTo(7);
    JsonNode serverCheck = checks.path(1);
    assertThat(serverCheck.path("check").asString()).isEqualTo("server");
    assertThat(serverCheck.path("status").asString()).isEqualTo("ok");
    assertThat(serverCheck.path("rttMinMs").asDouble())
        .isLessThanOrEqualTo(serverCheck.path("rttMedianMs").asDouble());
    assertThat(serverCheck.path("samples").asInt()).isEqualTo(5);
    assertThat(checks.path(2).path("offsetMs").isNumber()).isTrue();
    assertThat(checks.path(0).path("accounts").asInt()).isEqualTo(1);
    assertThat(checks.path(0).path("pin").asBoolean()).isTrue();
    assertThat(checks.path(6).path("deviceId").asString()).isEqualTo(server.deviceId);
  }

  @Test
  void aClockFarAheadOfTheServersFailsWithTheOffsetAndTheRemedy() {
    server.timeSkew = Duration.ofSeconds(-45); // the server is 45 s behind this device

    AppDriver.Result result = app.run("doctor");

    assertThat(result.exit()).isEqualTo(1);
    assertThat(line(lines(result), "clock"))
        .matches(
            "FAIL  clock: this device's clock is 45\\.[0-9] s ahead of "
                + server.base()
                + ": codes made on this device will be refused; turn on automatic time \\(network"
                + " time\\) in this device's settings\\.");
    assertThat(lines(result).getLast()).isEqualTo("1 check failed: fix those first.");
  }

  @Test
  void aClockSomewhatBehindIsAWarning() {
    server.timeSkew = Duration.ofSeconds(15);

    AppDriver.Result result = app.run("doctor");

    assertThat(result.exit()).isZero();
    assertThat(line(lines(result), "clock"))
        .startsWith("WARN  clock: this device's clock is 15.0 s behind " + server.base())
        .contains("codes made near the end of their time step may be refused")
        .endsWith("turn on automatic time (network time) in this device's settings.");
  }

  @Test
  void theClockThresholdsAreTenAndThirtySecondsAndFiveMinutesForSignatures() {
    URI base = URI.create("https://mfa.example.com");

    assertThat(DoctorCommand.clockCheck(base, Duration.ofSeconds(10)).status())
        .isEqualTo(Check.Status.OK);
    assertThat(DoctorCommand.clockCheck(base, Duration.ofMillis(-10_001)).status())
        .isEqualTo(Check.Status.WARN);
    assertThat(DoctorCommand.clockCheck(base, Duration.ofSeconds(30)).status())
        .isEqualTo(Check.Status.WARN);
    assertThat(DoctorCommand.clockCheck(base, Duration.ofMillis(30_001)).status())
        .isEqualTo(Check.Status.FAIL);
    assertThat(DoctorCommand.clockCheck(base, Duration.ofSeconds(-31)).message())
        .startsWith("this device's clock is 31.0 s behind https://mfa.example.com")
        .doesNotContain("push connection");
    assertThat(DoctorCommand.clockCheck(base, Duration.ofMinutes(6)).message())
        .contains("the server refuses its push connection and answers too");
    assertThat(DoctorCommand.clockCheck(base, Duration.ofMillis(20)).message())
        .isEqualTo("this device's clock agrees with https://mfa.example.com (within 0.1 s).");
  }

  @Test
  void theOffsetCountsHalfTheRoundTripAndMedianTakesTheMiddle() {
    assertThat(ServerProbe.offset(AppDriver.T, Duration.ofMillis(200), AppDriver.T.plusMillis(100)))
        .isZero();
    assertThat(ServerProbe.offset(AppDriver.T, Duration.ofMillis(200), AppDriver.T))
        .isEqualTo(Duration.ofMillis(100));
    assertThat(
            ServerProbe.median(
                List.of(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(9))))
        .isEqualTo(Duration.ofMillis(2));
    assertThat(ServerProbe.median(List.of(Duration.ofMillis(2), Duration.ofMillis(4))))
        .isEqualTo(Duration.ofMillis(3));
  }

  @Test
  void aServerThatIsNotRunningIsReportedAsUnreachableInPlainWords() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    String address = "http://127.0.0.1:" + closed;

    AppDriver.Result result = app.run("doctor", "--server", address);

    assertThat(result.exit()).isEqualTo(1);
    List<String> lines = lines(result);
    assertThat(line(lines, "server"))
        .isEqualTo(
            "FAIL  server: could not reach "
                + address
                + " (could not connect). Check this device's network connection (Wi-Fi, mobile"
                + " data, VPN or proxy) and that the address is right; if it is, the server may"
                + " be down: tell your administrator.");
    assertThat(lines).noneMatch(l -> l.contains("clock:")).noneMatch(l -> l.contains("push:"));
  }

  @Test
  void theDevicesOfAnUnreachableServerCannotConnectEither() {
    server.close();

    List<String> lines = lines(app.run("doctor"));

    assertThat(line(lines, "server")).startsWith("FAIL  server: could not reach");
    assertThat(line(lines, "push"))
        .isEqualTo(
            "FAIL  push: device \"laptop\" (alice at "
                + server.base()
                + ") could not connect: its server is not reachable (see above).");
  }

  @Test
  void somethingElseAnsweringAtTheAddressIsNotTakenForALatchkeyServer() {
    server.noTimeEndpoint = true;

    AppDriver.Result result = app.run("doctor");

    assertThat(result.exit()).isEqualTo(1);
    assertThat(line(lines(result), "server"))
        .startsWith(
            "FAIL  server: "
                + server.base()
                + " answered, but not as a Latchkey server (HTTP 404 for /api/v1/device/time).");
  }

  @Test
  void aDeviceTheServerNoLongerKnowsMustBeActivatedAgain() {
    server.streamRefusals.add(
        new FakePushServer.Refusal(401, "unauthorized", "This device is not known here."));

    AppDriver.Result result = app.run("doctor");

    assertThat(result.exit()).isEqualTo(1);
    assertThat(line(lines(result), "push"))
        .startsWith("FAIL  push: device \"laptop\" (alice at " + server.base() + ") was refused:")
        .contains("activate again with a new QR code from the registration page")
        .contains("The server said: This device is not known here.")
        .containsPattern("\\(correlation ID 7Q2MK-[0-9]{4}\\)");
  }

  @Test
  void aStreamThatEndsSoonAfterOpeningIsReported() {
    server.streamsToClose.set(1);

    AppDriver.Result result = app.run("doctor");

    assertThat(result.exit()).isEqualTo(1);
    assertThat(line(lines(result), "push"))
        .contains("connected, but the connection ended after")
        .contains("(the server closed the stream)")
        .endsWith("A proxy, firewall or VPN may cut long-lived connections.");
  }

  @Test
  void signInRequestsWaitingForAnAnswerAreMentioned() {
    server.challenge("Payroll", "427", AppDriver.T.plusSeconds(90), "sign_in");

    String push = line(lines(app.run("doctor")), "push");

    assertThat(push)
        .startsWith("OK    push:")
        .endsWith(
            "1 sign-in request is waiting for an answer: see them with 'listen' and answer with"
                + " 'approve' or 'deny'.")
        .as("the number is for the sign-in screen only (a port may hold the digits)")
        .doesNotContainPattern("(?<![0-9])427(?![0-9])");
  }

  @Test
  void aVaultWithoutAPinIsAWarningThatSaysHowToSetOne() {
    AppDriver plain = new AppDriver(dir.resolve("plain"));
    plain.env.put(PostureOverride.VARIABLE, COMPLIANT);
    plain.ok("add", Fixtures.U02);

    AppDriver.Result result = plain.run("doctor", "--server", server.base().toString());

    assertThat(result.exit()).isZero();
    assertThat(line(lines(result), "vault"))
        .isEqualTo(
            "WARN  vault: readable: 1 account, 0 push devices; no PIN: anyone who can read "
                + plain.home
                + " can read the accounts and device keys. Set one with 'pin set'.");
    assertThat(lines(result).getLast()).isEqualTo("Nothing failed; 1 warning is worth fixing.");
  }

  @Test
  void aVaultWhosePinIsNotGivenFailsAndSaysHowToOpenIt() {
    app.env.remove(PinSource.PIN_VARIABLE);

    AppDriver.Result result = app.run("doctor", "--server", server.base().toString());

    assertThat(result.exit()).isEqualTo(1);
    assertThat(line(lines(result), "vault"))
        .startsWith("FAIL  vault: could not be opened: A PIN is needed but there is no terminal")
        .endsWith("with a PIN, give it (LATCHKEY_PIN, or at the prompt) or run 'unlock' first.");
    assertThat(line(lines(result), "server")).startsWith("OK ");
  }

  @Test
  void withNoServerGivenOrKnownDoctorSaysHowToGiveOne() {
    AppDriver fresh = new AppDriver(dir.resolve("fresh"));
    fresh.env.put(PostureOverride.VARIABLE, COMPLIANT);

    AppDriver.Result result = fresh.run("doctor");

    assertThat(result.exit()).isZero();
    assertThat(line(lines(result), "server"))
        .isEqualTo(
            "WARN  server: no server to check: give one with --server URL, or activate this app"
                + " as a push device (activate) so that doctor checks its server.");
    assertThat(line(lines(result), "vault")).startsWith("WARN  vault: there is no vault in");
    assertThat(dir.resolve("fresh")).doesNotExist();
  }

  @Test
  void postureWeakPointsAreWarningsThatSayWhatToFix() throws Exception {
    FakeSystem system =
        new FakeSystem(dir.resolve("system"))
            .uids(0, 0)
            .device("sda1", "8:1", null, null)
            .mount("8:1", "/", "ext4", "/dev/sda1");
    app.systemRoot = system.root;
    app.env.remove(PostureOverride.VARIABLE);
    app.env.remove(PostureProbe.BUS_VARIABLE);

    AppDriver.Result result = app.run("doctor", "--server", server.base().toString());

    List<String> lines = lines(result);
    assertThat(line(lines, "storage"))
        .startsWith("WARN  storage: the disk holding " + app.home + " is not encrypted:")
        .contains("Turn on full-disk encryption");
    assertThat(line(lines, "root"))
        .startsWith("WARN  root: the app runs as root (administrator):")
        .contains("Run it as your own user");
    assertThat(line(lines, "notifications"))
        .startsWith(
            "WARN  notifications: notifications are off: there is no desktop session"
                + " (DBUS_SESSION_BUS_ADDRESS is not set)")
        .contains("keep 'listen' running");
    assertThat(result.exit()).isZero();
  }

  @Test
  void aBadServerAddressIsAUsageError() {
    AppDriver.Result result = app.run("doctor", "--server", "mfa.example.com");

    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.err()).startsWith("--server must be an http:// or https:// address");
  }
}
