package io.latchkey.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The app lock: a vault with a PIN is encrypted (Argon2id, AES-256-GCM) and opens only with it. */
class PinTest {
  private static final String PIN = "4711-correct";

  @TempDir Path home;

  @Test
  void aVaultCreatedWithAPinShowsNeitherTheKeyNorTheAccountName() throws Exception {
    AppDriver app = new AppDriver(home).pin(PIN);

    app.ok("add", Fixtures.U01);

    String file = app.vaultText();
    assertThat(file)
        .doesNotContain(Fixtures.U01_SECRET)
        .doesNotContain("alice")
        .doesNotContain("Example")
        .contains("\"kdf\" : \"argon2id\"");
    assertThat(app.ok("code", "alice")).isEqualTo("742275\n");
  }

  @Test
  void aWrongPinIsRefusedAndTheVaultBytesStayTheSame() throws Exception {
    AppDriver app = new AppDriver(home).pin(PIN);
    app.ok("add", Fixtures.U10);
    byte[] before = app.vaultBytes();

    AppDriver.Result result = app.pin("4711-wrong").run("code", "grace");

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).isEqualTo("Could not unlock the vault: wrong PIN.\n");
    assertThat(app.vaultBytes()).isEqualTo(before);
    // The HOTP counter did not move either.
    assertThat(app.pin(PIN).ok("code", "grace")).isEqualTo("755224\n");
  }

  @Test
  void withoutAPinOrATerminalTheUserIsToldToSetLatchkeyPin() throws Exception {
    AppDriver app = new AppDriver(home).pin(PIN);
    app.ok("add", Fixtures.U02);
    app.env.clear();

    AppDriver.Result result = app.run("codes");

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo("A PIN is needed but there is no terminal to ask for it; set LATCHKEY_PIN.\n");
  }

  @Test
  void thePinIsAskedForAtTheTerminalWhenTheVariableIsUnset() {
    AppDriver app = new AppDriver(home).pin(PIN);
    app.ok("add", Fixtures.U02);
    app.env.clear();
    Deque<String> questions = new ArrayDeque<>();
    app.prompt =
        question -> {
          questions.add(question);
          return PIN.toCharArray();
        };

    assertThat(app.ok("code", "ACME")).isEqualTo("566657\n");
    assertThat(questions).containsExactly("PIN: ");
  }

  @Test
  void pinSetEncryptsAPlainVaultAndPinRemoveDecryptsIt() throws Exception {
    AppDriver app = new AppDriver(home);
    app.ok("add", Fixtures.U02);
    app.env.put(PinSource.NEW_PIN_VARIABLE, PIN);

    assertThat(app.ok("pin", "set")).isEqualTo("PIN set; the vault is now encrypted.\n");
    assertThat(app.vaultText()).doesNotContain("ACME", "HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ");
    assertThat(app.run("code", "ACME").exit()).isEqualTo(1);

    app.pin(PIN);
    assertThat(app.ok("pin", "remove"))
        .isEqualTo("PIN removed; the vault is now stored unencrypted.\n");
    app.env.clear();
    assertThat(app.vaultText()).contains("ACME", "HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ");
    assertThat(app.ok("code", "ACME")).isEqualTo("566657\n");
  }

  @Test
  void changingThePinRetiresTheOldOne() {
    AppDriver app = new AppDriver(home).pin(PIN);
    app.ok("add", Fixtures.U02);
    app.env.put(PinSource.NEW_PIN_VARIABLE, "new-pin-2");

    assertThat(app.ok("pin", "set")).isEqualTo("PIN changed.\n");

    app.env.remove(PinSource.NEW_PIN_VARIABLE);
    assertThat(app.run("code", "ACME").err()).contains("wrong PIN");
    assertThat(app.pin("new-pin-2").ok("code", "ACME")).isEqualTo("566657\n");
  }

  @Test
  void aNewPinTypedAtTheTerminalMustBeTypedTwiceTheSame() throws Exception {
    AppDriver app = new AppDriver(home);
    app.ok("add", Fixtures.U02);
    byte[] before = app.vaultBytes();
    Deque<String> answers = new ArrayDeque<>(List.of("first-pin", "other-pin"));
    app.prompt = question -> answers.remove().toCharArray();

    AppDriver.Result result = app.run("pin", "set");

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("The two PINs differ; the PIN was not changed.\n");
    assertThat(app.vaultBytes()).isEqualTo(before);
  }

  @Test
  void aTooShortPinIsRefused() {
    AppDriver app = new AppDriver(home);
    app.env.put(PinSource.NEW_PIN_VARIABLE, "123");

    AppDriver.Result result = app.run("pin", "set");

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).startsWith("A PIN needs at least 4 characters");
  }

  @Test
  void removingAPinThatIsNotThereIsAnError() {
    AppDriver app = new AppDriver(home);
    app.ok("add", Fixtures.U02);

    AppDriver.Result result = app.run("pin", "remove");

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("This vault has no PIN.\n");
  }

  @Test
  void everyWriteUsesAFreshNonceAndTheVaultStaysEncrypted() throws Exception {
    AppDriver app = new AppDriver(home).pin(PIN);
    app.ok("add", Fixtures.U10);
    String first = app.vaultText();

    app.ok("code", "grace"); // a HOTP code rewrites the vault with the next counter

    String second = app.vaultText();
    assertThat(field(second, "nonce")).isNotEqualTo(field(first, "nonce"));
    assertThat(field(second, "salt")).isEqualTo(field(first, "salt"));
    assertThat(second).doesNotContain("grace", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  }

  @Test
  void aDamagedCiphertextIsReportedAsDamageNotAsAWrongPin() throws Exception {
    AppDriver app = new AppDriver(home).pin(PIN);
    app.ok("add", Fixtures.U02);
    String content = field(app.vaultText(), "content");
    char flipped = content.charAt(10) == 'A' ? 'B' : 'A';
    String tampered = content.substring(0, 10) + flipped + content.substring(11);
    Files.writeString(app.vaultFile(), app.vaultText().replace(content, tampered));
    byte[] before = app.vaultBytes();

    AppDriver.Result result = app.run("code", "ACME");

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).startsWith("The vault file is damaged").doesNotContain("wrong PIN");
    assertThat(app.vaultBytes()).isEqualTo(before);
  }

  @Test
  void weakenedKeyDerivationSettingsAreRefused() throws Exception {
    AppDriver app = new AppDriver(home).pin(PIN);
    app.ok("add", Fixtures.U02);
    Files.writeString(
        app.vaultFile(),
        app.vaultText().replace("\"memoryKib\" : 19456", "\"memoryKib\" : 8"),
        StandardCharsets.UTF_8);

    AppDriver.Result result = app.run("code", "ACME");

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).startsWith("The vault file's PIN settings are");
  }

  @Test
  void aPinInTheEnvironmentOfAPlainVaultIsReportedNotSilentlyIgnored() {
    AppDriver app = new AppDriver(home);
    app.ok("add", Fixtures.U02);

    AppDriver.Result result = app.pin(PIN).run("code", "ACME");

    assertThat(result.exit()).isZero();
    assertThat(result.out()).isEqualTo("566657\n");
    assertThat(result.err())
        .isEqualTo("Warning: LATCHKEY_PIN is set, but this vault has no PIN.\n");
  }

  /** The value of a string field in the (indented) vault JSON. */
  private static String field(String json, String name) {
    String marker = "\"" + name + "\" : \"";
    int start = json.indexOf(marker) + marker.length();
    return json.substring(start, json.indexOf('"', start));
  }
}
