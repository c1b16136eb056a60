package io.latchkey.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.qr.QrCodes;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/**
 * {@code activate}: the app becomes a push device (docs/PUSH-PROTOCOL.md §3) of a server that
 * believes only signatures, and reports a refusal or an unreachable server as one readable block,
 * saving nothing.
 */
class ActivateTest {
  @TempDir Path dir;
  private FakePushServer server;
  private AppDriver app;
  private FakeSystem system;

  @BeforeEach
  void aLaptopWithAnEncryptedHomeAndAServer() throws Exception {
    app = new AppDriver(dir.resolve("phone"));
    server = new FakePushServer(app.clock);
    Path users = Files.createDirectories(dir.resolve("phone")).toRealPath().getParent();
    system =
        new FakeSystem(dir.resolve("system"))
            .hostname("laptop")
            .uids(1000, 1000)
            .device("sda2", "8:2", null, null)
            .device("dm-0", "253:0", "CRYPT-LUKS2-4c1e-luks-4c1e", "luks-4c1e", "sda2")
            .mount("253:0", users.toString(), "ext4", "/dev/mapper/luks-4c1e");
    app.systemRoot = system.root;
    app.env.put("USER", "alice");
    app.env.put(PostureProbe.BUS_VARIABLE, "unix:path=/run/user/1000/bus");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private String link() {
    return server.activationLink(AppDriver.T.plusSeconds(600));
  }

  @Test
  void activationIsSignedWithTheNewKeyAndSavesTheDevice() throws Exception {
    AppDriver.Result result = app.run("activate", link());

    assertThat(result.err()).isEmpty();
    assertThat(result.exit()).isZero();
    assertThat(result.out())
        .isEqualTo(
            "Activated: this app is now \"alice@laptop\", a push device of alice at "
                + server.base()
                + " (Example Corp).\n"
                + "Next: run `latchkey app --home "
                + app.home
                + " listen` to receive sign-in requests.\n");
    // The fake only keeps a key whose signature over the request verified.
    assertThat(server.deviceKey).isNotNull();
    JsonNode sent = server.activation;
    assertThat(sent.get("code").stringValue()).isEqualTo(FakePushServer.CODE);
    assertThat(sent.get("name").stringValue()).isEqualTo("alice@laptop");
    assertThat(sent.get("keyAlgorithm").stringValue()).isEqualTo("ed25519");
    assertThat(Json.text(sent.get("posture")))
        .isEqualTo(
            "{\"storageEncrypted\":true,\"rooted\":false,\"notificationsEnabled\":true,"
                + "\"appVersion\":\"development\",\"deviceClock\":\"2009-02-13T23:31:30Z\","
                + "\"overridden\":false}");
    String vault = app.vaultText();
    assertThat(vault)
        .contains("\"version\" : 2", "\"deviceId\" : \"" + server.deviceId + "\"")
        .contains(sent.get("publicKey").stringValue())
        .contains("\"activatedAt\" : \"2009-02-13T23:31:30Z\"");
    assertThat(app.ok("devices"))
        .contains("alice@laptop", "alice", server.base().toString(), server.deviceId);
  }

  @Test
  void theServersWarningsArePartOfTheConfirmation() {
    server.warnings.add("This device's storage is not encrypted; your administrator allows it");
    server.warnings.add("Your clock is 3 minutes fast.");

    String out = app.ok("activate", link(), "--name", "work laptop");

    assertThat(out.lines())
        .containsExactly(
            "Activated: this app is now \"work laptop\", a push device of alice at "
                + server.base()
                + " (Example Corp).",
            "Warning from the server: This device's storage is not encrypted; your administrator"
                + " allows it.",
            "Warning from the server: Your clock is 3 minutes fast.",
            "Correlation ID of these warnings: "
                + server.lastCorrelationId()
                + " (give it to your administrator if you need help).",
            "Next: run `latchkey app --home " + app.home + " listen` to receive sign-in requests.");
  }

  /** Issue 15: the server's "Warning: ..." is not doubled, and its correlation ID is shown. */
  @Test
  void aWarningIsNotPrefixedTwiceAndCarriesItsCorrelationId() {
    server.warnings.add(
        "Warning: your phone and the browser came from different networks (a VPN on one of"
            + " them?). The registration continued.");

    String out = app.ok("activate", link(), "--name", "work laptop");

    assertThat(out)
        .contains(
            "Warning from the server: Your phone and the browser came from different networks")
        .doesNotContain("Warning from the server: Warning")
        .contains("Correlation ID of this warning: " + server.lastCorrelationId());
  }

  @Test
  void aScannedQrCodeAndStandardInputWorkLikeTheLinkItself() throws Exception {
    Path png = dir.resolve("activation.png");
    Files.write(png, QrCodes.png(link(), 400));
    app.ok("activate", "--qr", png.toString());

    AppDriver second = new AppDriver(dir.resolve("second phone"));
    second.systemRoot = system.root;
    second.stdin = link() + "\n";
    second.ok("activate", "-", "--name", "second");

    assertThat(server.requests)
        .containsExactly("POST /api/v1/device/activate", "POST /api/v1/device/activate");
    assertThat(app.ok("devices")).contains(server.deviceId);
    assertThat(second.ok("devices")).contains("second");
  }

  @Test
  void anExpiredCodeIsRefusedOnTheDeviceWithoutAskingTheServer() {
    String expired = server.activationLink(AppDriver.T.minusSeconds(1));

    AppDriver.Result result = app.run("activate", expired);

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo(
            "This activation code expired at 2009-02-13T23:31:29Z (this device's clock says"
                + " 2009-02-13T23:31:30Z). Select Next on the registration page for a new QR code"
                + " and scan that one; if the code cannot have expired yet, this device's clock is"
                + " wrong.\n");
    assertThat(server.requests).isEmpty();
    assertThat(app.vaultFile()).doesNotExist();
  }

  @Test
  void aRefusalIsShownAsTheServersSentenceWithCodeCorrelationIdAndTimeAndNothingIsSaved() {
    server.activationRefusal =
        new FakePushServer.Refusal(
            403,
            "device_not_compliant",
            "This device's storage is not encrypted, and your organization requires it: turn on"
                + " disk encryption, then select Next and scan the new code.");

    AppDriver.Result result = app.run("activate", link());

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .isEqualTo(
            "Your device was refused: This device's storage is not encrypted, and your"
                + " organization requires it: turn on disk encryption, then select Next and scan"
                + " the new code.\n"
                + "code: device_not_compliant  correlation ID: 7Q2MK-0001  at"
                + " 2009-02-13T23:31:30Z\n");
    assertThat(app.ok("devices"))
        .isEqualTo("No push devices yet; activate one with the activate command.\n");
  }

  @Test
  void anExpiredCodeOnTheServerReadsAsAFailedActivationNotARefusedDevice() {
    server.activationRefusal =
        new FakePushServer.Refusal(
            410,
            "enrollment_timed_out",
            "Authenticator registration timed out. Select Next to try" + " again.");

    AppDriver.Result result = app.run("activate", link());

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err())
        .startsWith(
            "Activation failed: Authenticator registration timed out. Select Next to try"
                + " again.\ncode: enrollment_timed_out  correlation ID: 7Q2MK-");
  }

  @Test
  void anUnreachableServerIsOneSentenceNamingItAndTheNetwork() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String unreachable =
        new io.latchkey.core.push.ActivationUri(
                java.net.URI.create("http://127.0.0.1:" + closedPort),
                FakePushServer.CODE,
                AppDriver.T.plusSeconds(600))
            .toUriString();

    AppDriver.Result result = app.run("activate", unreachable);

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo(
            "Could not reach the Latchkey server at http://127.0.0.1:"
                + closedPort
                + " (could not connect). Check this device's network connection (Wi-Fi, mobile"
                + " data, VPN or proxy) and try again.\n");
    assertThat(app.ok("devices")).startsWith("No push devices yet");
  }

  @Test
  void theOverrideOptionReplacesWhatItNamesAndMarksThePostureOverridden() {
    app.env.put(PostureOverride.VARIABLE, "notifications=no");

    app.ok("activate", link(), "--posture", "storage-encrypted=no,rooted=yes");

    assertThat(Json.text(server.activation.get("posture")))
        .contains(
            "\"storageEncrypted\":false,\"rooted\":true,\"notificationsEnabled\":true",
            "\"overridden\":true");
  }

  @Test
  void theOverrideVariableIsUsedWhenTheOptionIsNotGiven() {
    app.env.put(PostureOverride.VARIABLE, "notifications=no,rooted=no");
    system.root.resolve("proc/self/status").toFile().delete();

    app.ok("activate", link());

    assertThat(Json.text(server.activation.get("posture")))
        .contains(
            "\"storageEncrypted\":true,\"rooted\":false,\"notificationsEnabled\":false",
            "\"overridden\":true");
  }

  @Test
  void aWrongOverrideIsAUsageErrorBeforeAnythingIsSent() {
    AppDriver.Result option = app.run("activate", link(), "--posture", "jailbroken=no");
    app.env.put(PostureOverride.VARIABLE, "rooted=perhaps");
    AppDriver.Result variable = app.run("activate", link());

    assertThat(option.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(option.err())
        .isEqualTo(
            "Invalid --posture: unknown key \"jailbroken\"; the keys are storage-encrypted,"
                + " rooted and notifications (see 'app activate --help').\n");
    assertThat(variable.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(variable.err())
        .isEqualTo(
            "Invalid LATCHKEY_POSTURE: \"rooted\" must be yes or no, not \"perhaps\" (see 'app"
                + " activate --help').\n");
    assertThat(server.requests).isEmpty();
  }

  @Test
  void withAPinTheDeviceKeyIsEncryptedAndAWrongPinStopsActivationBeforeTheCodeIsSpent()
      throws Exception {
    app.pin("4711-correct").ok("add", Fixtures.U02);

    AppDriver.Result wrong = app.pin("4711-wrong").run("activate", link());
    app.pin("4711-correct").ok("activate", link());

    assertThat(wrong.err()).isEqualTo("Could not unlock the vault: wrong PIN.\n");
    assertThat(server.requests).containsExactly("POST /api/v1/device/activate");
    String vault = app.vaultText();
    String publicKey = server.activation.get("publicKey").stringValue();
    assertThat(vault)
        .doesNotContain(server.deviceId)
        .doesNotContain(publicKey)
        .doesNotContain("privateKey")
        .doesNotContain("devices")
        .contains("\"kdf\" : \"argon2id\"");
    assertThat(app.ok("devices")).contains(server.deviceId);
    assertThat(app.ok("code", "ACME")).isEqualTo("566657\n");
  }

  @Test
  void aLinkThatIsNotAnActivationIsRefusedWithoutEchoingIt() {
    AppDriver.Result result = app.run("activate", Fixtures.U01);

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo(
            "Could not activate: this is not a Latchkey activation link (it must start with"
                + " latchkey://activate?).\n");
  }

  @Test
  void anActivationLinkGivenToAddIsSentToActivate() {
    AppDriver.Result result = app.run("add", link());

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo(
            "This is a push activation code, not an account; use the activate command for it.\n");
    assertThat(server.requests).isEmpty();
  }

  @Test
  void aNameOnTwoLinesIsRefused() {
    AppDriver.Result result = app.run("activate", link(), "--name", "a\nb");

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("The --name must be visible text on one line.\n");
    assertThat(server.requests).isEmpty();
  }

  @Test
  void theSavedPrivateKeySignsWhatThePublicKeySentVerifies() throws Exception {
    app.ok("activate", link());
    Device device;
    try (Vault vault = Vault.open(app.home, new PinSource(app.env, q -> null))) {
      device = vault.devices().all().get(0);
    }
    byte[] payload = "any payload".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    assertThat(server.deviceAlgorithm.verify(server.deviceKey, payload, device.sign(payload)))
        .isTrue();
    assertThat(Base64.getEncoder().encodeToString(device.publicKey().getEncoded()))
        .isEqualTo(server.activation.get("publicKey").stringValue());
  }
}
