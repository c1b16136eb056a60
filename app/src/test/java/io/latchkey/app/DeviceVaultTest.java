package io.latchkey.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.push.KeyAlgorithm;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Push devices live in the same vault as the accounts, so a PIN protects their private keys too; a
 * vault written before there were devices still opens, and writing accounts keeps the devices.
 */
class DeviceVaultTest {
  private static final String PIN = "4711-correct";

  @TempDir Path home;

  private static Device device(KeyAlgorithm algorithm, String id) {
    KeyPair keys = algorithm.generate();
    return new Device(
        id,
        URI.create("https://mfa.example.com/latchkey"),
        "5e3d2c1b-4a59-4867-9f8e-7d6c5b4a3f21",
        "alice",
        "Example Corp",
        "alice@laptop",
        algorithm,
        keys.getPrivate(),
        keys.getPublic(),
        Instant.parse("2026-11-25T09:00:05Z"));
  }

  private static String privateKey(Device device) {
    return Base64.getEncoder().encodeToString(device.privateKey().getEncoded());
  }

  private void save(Map<String, String> env, Device... devices) throws Exception {
    try (Vault vault = Vault.open(home, new PinSource(env, q -> null))) {
      vault.save(new Devices(List.of(devices)));
    }
  }

  private List<Device> load(Map<String, String> env) throws Exception {
    try (Vault vault = Vault.open(home, new PinSource(env, q -> null))) {
      return vault.devices().all();
    }
  }

  private static void assertSameDevice(Device read, Device written) {
    assertThat(read)
        .usingRecursiveComparison()
        .ignoringFields("privateKey", "publicKey")
        .isEqualTo(written);
    assertThat(read.privateKey().getEncoded()).isEqualTo(written.privateKey().getEncoded());
    assertThat(read.publicKey().getEncoded()).isEqualTo(written.publicKey().getEncoded());
  }

  @ParameterizedTest
  @EnumSource(KeyAlgorithm.class)
  void aPlainVaultKeepsEveryFieldOfADeviceAndItsKeysReadable(KeyAlgorithm algorithm)
      throws Exception {
    Device written = device(algorithm, "dev-1");

    save(Map.of(), written);
    List<Device> read = load(Map.of());

    assertThat(read).hasSize(1);
    assertSameDevice(read.get(0), written);
    String file = Files.readString(home.resolve(VaultFile.NAME));
    assertThat(file)
        .contains("\"version\" : 2", "\"keyAlgorithm\" : \"" + algorithm.wireName() + "\"")
        .contains(privateKey(written));
  }

  @Test
  void withAPinTheDevicesAndTheirPrivateKeysAreNotReadableInTheFile() throws Exception {
    Map<String, String> env = Map.of(PinSource.PIN_VARIABLE, PIN);
    Device first = device(KeyAlgorithm.ED25519, "dev-1");
    Device second = device(KeyAlgorithm.EC_P256, "dev-2");

    save(env, first, second);

    String file = Files.readString(home.resolve(VaultFile.NAME));
    assertThat(file)
        .doesNotContain(privateKey(first))
        .doesNotContain(privateKey(second))
        .doesNotContain("dev-1")
        .doesNotContain("alice")
        .doesNotContain("mfa.example.com")
        .contains("\"kdf\" : \"argon2id\"", "\"version\" : 2");
    List<Device> read = load(env);
    assertSameDevice(read.get(0), first);
    assertSameDevice(read.get(1), second);
  }

  @Test
  void aVaultWrittenBeforeDevicesExistedOpensAndStaysVersionOneUntilADeviceIsAdded()
      throws Exception {
    String old =
        """
        {
          "format" : "latchkey-app-vault",
          "version" : 1,
          "accounts" : [ {
            "name" : "ACME Co: john.doe@email.com",
            "issuer" : "ACME Co",
            "account" : "john.doe@email.com",
            "secret" : "HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ",
            "type" : "TOTP",
            "algorithm" : "SHA1",
            "digits" : 6,
            "period" : 30,
            "counter" : 0
          } ]
        }
        """;
    Files.writeString(home.resolve(VaultFile.NAME), old);
    AppDriver app = new AppDriver(home);

    assertThat(app.ok("code", "ACME")).isEqualTo("566657\n");
    assertThat(app.ok("devices"))
        .isEqualTo("No push devices yet; activate one with the activate command.\n");
    app.ok("add", Fixtures.U10);
    assertThat(app.vaultText()).contains("\"version\" : 1").doesNotContain("devices");

    try (Vault vault = Vault.open(home, new PinSource(Map.of(), q -> null))) {
      vault.save(vault.devices().with(device(KeyAlgorithm.ED25519, "dev-1")));
    }
    assertThat(app.vaultText()).contains("\"version\" : 2", "dev-1");
    assertThat(app.ok("code", "ACME")).isEqualTo("566657\n");
  }

  @Test
  void anOldVaultWithAPinWhoseContentHasNoDevicesOpens() throws Exception {
    AppDriver app = new AppDriver(home).pin(PIN);
    app.ok("add", Fixtures.U02);
    PinLock lock;
    VaultCodec.Document document = VaultCodec.parse(app.vaultBytes());
    lock = PinLock.unlock(document.pin(), PIN.toCharArray());
    String content =
        new String(
            lock.open(new PinLock.Sealed(document.nonce(), document.content())),
            StandardCharsets.UTF_8);

    assertThat(content).doesNotContain("devices");
    assertThat(document.version()).isEqualTo(1);
    assertThat(app.ok("devices")).startsWith("No push devices yet");
  }

  @Test
  void writingAccountsOrChangingThePinKeepsTheDevices() throws Exception {
    Device device = device(KeyAlgorithm.ED25519, "dev-1");
    save(Map.of(), device);
    AppDriver app = new AppDriver(home);

    app.ok("add", Fixtures.U10);
    app.ok("code", "grace");
    app.env.put(PinSource.NEW_PIN_VARIABLE, PIN);
    app.ok("pin", "set");
    app.pin(PIN).ok("remove", "HOTP Co: grace");

    List<Device> read = load(Map.of(PinSource.PIN_VARIABLE, PIN));
    assertThat(read).hasSize(1);
    assertSameDevice(read.get(0), device);
    app.ok("pin", "remove");
    assertThat(app.vaultText()).contains(privateKey(device));
  }

  @Test
  void aDamagedDeviceIsReportedWithoutShowingItsKey() throws Exception {
    save(Map.of(), device(KeyAlgorithm.ED25519, "dev-1"));
    Path file = home.resolve(VaultFile.NAME);
    Files.writeString(
        file,
        Files.readString(file)
            .replace("\"keyAlgorithm\" : \"ed25519\"", "\"keyAlgorithm\" : \"ec_p256\""));

    AppDriver.Result result = new AppDriver(home).run("devices");

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo("The vault file is damaged (a push device in it is invalid).\n");
  }

  @Test
  void toStringNeverShowsAKey() {
    Device device = device(KeyAlgorithm.ED25519, "dev-1");

    assertThat(device.toString())
        .contains("dev-1", "alice@laptop")
        .doesNotContain(privateKey(device))
        .doesNotContain(device.publicKeyBase64());
  }
}
