package io.latchkey.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Importing Aegis vaults (INTEROP.md §3; the fixtures of testdata/interop). */
class AegisImportTest {
  static final String VAULT_PASSWORD = "Latchkey interop vault";
  static final String FIRST_SLOT_PASSWORD = "first slot password";
  static final String BACKUP_PASSWORD = "Bäckup-Paßwort ✓";

  @TempDir Path dir;

  private AppDriver phone() {
    return new AppDriver(dir.resolve("phone"));
  }

  private static String fixture(String name) {
    return Fixtures.file(name).toString();
  }

  @Test
  void aPlainVaultImportsItsTotpAndHotpEntriesWithTheListedCodes() {
    AppDriver app = phone();

    AppDriver.Result result = app.run("import", fixture("aegis-plain.json"));

    assertThat(result.exit()).isZero();
    assertThat(result.out()).contains("8 accounts imported.");
    for (InteropCodes.Totp totp : InteropCodes.AEGIS_TOTP) {
      InteropCodes.assertTotpCodes(app, totp);
    }
    for (InteropCodes.Hotp hotp : InteropCodes.AEGIS_HOTP) {
      InteropCodes.assertHotpCodes(app, hotp);
    }
  }

  @Test
  void importedEntriesKeepTheirAlgorithmDigitsPeriodAndCounter() {
    AppDriver app = phone();
    app.ok("import", fixture("aegis-plain.json"));

    assertThat(app.ok("list"))
        .isEqualTo(
            """
            NAME                           TYPE  ALGORITHM  DIGITS  PERIOD/COUNTER
            Example: alice@example.com     TOTP  SHA1       6       30s
            ACME Co: bob@acme.test         TOTP  SHA256     7       45s
            Big Corporation: carol         TOTP  SHA512     8       90s
            Tiny: dave@tiny.test           TOTP  SHA1       8       15s
            Zürich Bank: erin@example.org  TOTP  SHA256     6       120s
            frank                          TOTP  SHA512     6       60s
            HOTP Co: grace                 HOTP  SHA1       6       counter 0
            Token Inc: heidi               HOTP  SHA256     7       counter 42
            """);
  }

  @Test
  void notesIconsGroupsAndFavouritesAreSaidNotToBeKept() {
    AppDriver.Result result = phone().run("import", fixture("aegis-plain.json"));

    assertThat(result.err())
        .contains("Notice: Aegis notes, icons, groups and favourites are not kept by Latchkey.");
  }

  @Test
  void theEncryptedVaultGivesTheSameAccountsAsThePlainOne() {
    AppDriver plain = new AppDriver(dir.resolve("plain"));
    plain.ok("import", fixture("aegis-plain.json"));
    AppDriver app = phone();
    app.env.put(FilePasswords.IMPORT_VARIABLE, VAULT_PASSWORD);

    app.ok("import", fixture("aegis-encrypted.json"));

    assertThat(app.ok("list")).isEqualTo(plain.ok("list"));
    for (InteropCodes.Totp totp : InteropCodes.AEGIS_TOTP) {
      InteropCodes.assertTotpCodes(app, totp);
    }
    for (InteropCodes.Hotp hotp : InteropCodes.AEGIS_HOTP) {
      InteropCodes.assertHotpCodes(app, hotp);
    }
  }

  @Test
  void aegisOwnScryptSettingIsReadWithAOneLineNotice() {
    AppDriver app = phone();
    app.env.put(FilePasswords.IMPORT_VARIABLE, VAULT_PASSWORD);

    AppDriver.Result result = app.run("import", fixture("aegis-encrypted.json"));

    assertThat(result.exit()).isZero();
    assertThat(result.err().lines().filter(l -> l.contains("N=32768")))
        .containsExactly(
            "Notice: The password slot that opened it uses scrypt N=32768 (Aegis's own setting),"
                + " below the OWASP floor of N=131072 that Latchkey writes; it was read all the"
                + " same.");
  }

  @Test
  void thePasswordIsAskedAtThePromptWhenNotInTheEnvironment() {
    AppDriver app = phone();
    app.prompt =
        question -> question.startsWith("Password of ") ? VAULT_PASSWORD.toCharArray() : null;

    app.ok("import", fixture("aegis-encrypted.json"));

    InteropCodes.assertTotpCodes(app, InteropCodes.AEGIS_TOTP.get(0));
  }

  @ParameterizedTest
  @ValueSource(strings = {FIRST_SLOT_PASSWORD, BACKUP_PASSWORD})
  void theMultiSlotVaultOpensWithEitherPasswordAndSkipsTheBiometricSlot(
      String password, @TempDir Path home) {
    AppDriver plain = new AppDriver(dir.resolve("plain"));
    plain.ok("import", fixture("aegis-plain.json"));
    AppDriver app = new AppDriver(home);
    app.env.put(FilePasswords.IMPORT_VARIABLE, password);

    app.ok("import", fixture("aegis-encrypted-multislot.json"));

    assertThat(app.ok("list")).isEqualTo(plain.ok("list"));
    InteropCodes.assertTotpCodes(app, InteropCodes.AEGIS_TOTP.get(4));
  }

  @Test
  void theNfdSpellingOfTheBackupPasswordIsAWrongPassword() {
    String nfd = Normalizer.normalize(BACKUP_PASSWORD, Normalizer.Form.NFD);
    assertThat(nfd).isNotEqualTo(BACKUP_PASSWORD);
    AppDriver app = phone();
    app.env.put(FilePasswords.IMPORT_VARIABLE, nfd);

    AppDriver.Result result = app.run("import", fixture("aegis-encrypted-multislot.json"));

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo(
            "Could not import "
                + fixture("aegis-encrypted-multislot.json")
                + ": wrong password (no password slot of the vault opens with it); nothing was"
                + " imported.\n");
    assertThat(Files.exists(app.vaultFile())).isFalse();
  }

  @Test
  void theMinimalKnownAnswerVaultGivesItsCodes() {
    AppDriver app = phone();
    app.env.put(FilePasswords.IMPORT_VARIABLE, "correct horse battery staple");

    app.ok("import", fixture("aegis-kat-minimal.json"));

    InteropCodes.assertTotpCodes(app, InteropCodes.AEGIS_TOTP.get(0));
    assertThat(app.ok("code", "ACME Co: bob")).isEqualTo("755224\n");
    assertThat(app.ok("code", "ACME Co: bob")).isEqualTo("287082\n");
    assertThat(app.ok("code", "ACME Co: bob")).isEqualTo("359152\n");
  }

  @Test
  void steamAndMotpEntriesAreNamedAsUnsupportedAndTheTotpEntryIsImported() {
    AppDriver app = phone();
    String file = fixture("aegis-plain-other-types.json");

    AppDriver.Result result = app.run("import", file);

    assertThat(result.exit()).isZero();
    assertThat(result.out())
        .isEqualTo(
            "Imported \"Plain TOTP: ivan@example.com\" (TOTP, SHA1, 6 digits, every 30 s).\n"
                + "1 account imported; 2 entries not imported (named above).\n");
    assertThat(result.err())
        .contains(
            "Not imported: \"Steam: judy\" from " + file + ": Steam codes are not supported.\n",
            "Not imported: \"mOTP Service: mallory\" from "
                + file
                + ": mOTP codes are not supported.\n");
    InteropCodes.assertTotpCodes(app, InteropCodes.PLAIN_TOTP);
  }

  @Test
  void accountsAlreadyInTheAppAreSkippedAndTheVaultIsNotRewritten() throws Exception {
    AppDriver app = phone();
    app.ok("import", fixture("aegis-plain.json"));
    byte[] before = app.vaultBytes();

    AppDriver.Result again = app.run("import", fixture("aegis-plain.json"));

    assertThat(again.exit()).isZero();
    assertThat(again.out()).isEqualTo("0 accounts imported; 8 already in the app.\n");
    assertThat(again.err())
        .contains(
            "Skipped: \"Example: alice@example.com\" is already in the app as \"Example:"
                + " alice@example.com\".\n");
    assertThat(app.vaultBytes()).isEqualTo(before);
  }

  @Test
  void anAccountAddedByHandBeforeIsSkippedAndTheOthersAreImported() {
    AppDriver app = phone();
    app.ok(
        "add",
        "otpauth://totp/Example:alice@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            + "&issuer=Example",
        "--name",
        "work");

    AppDriver.Result result = app.run("import", fixture("aegis-plain.json"));

    assertThat(result.out()).endsWith("7 accounts imported; 1 already in the app.\n");
    assertThat(result.err())
        .contains("Skipped: \"Example: alice@example.com\" is already in the app as \"work\".");
  }

  @Test
  void anImportedEntryWhoseNameIsTakenGetsANumber() {
    AppDriver app = phone();
    app.ok(
        "add", "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example");

    AppDriver.Result result = app.run("import", fixture("aegis-plain.json"));

    assertThat(result.out()).contains("Imported \"Example: alice@example.com (2)\"");
    assertThat(result.err())
        .contains(
            "Notice: \"Example: alice@example.com\" is called \"Example: alice@example.com (2)\""
                + " in the app, since another account has that name.");
    assertThat(app.at(59).ok("code", "Example: alice@example.com (2)")).isEqualTo("287082\n");
  }

  @Test
  void aVaultWithAPinStaysEncryptedAfterAnImport() throws Exception {
    AppDriver app = phone().pin("4711-correct");
    app.ok("add", Fixtures.U01);

    app.ok("import", fixture("aegis-plain.json"));

    assertThat(app.vaultText())
        .contains("\"kdf\" : \"argon2id\"")
        .doesNotContain("GEZDGNBVGY3TQOJQ")
        .doesNotContain("alice");
    InteropCodes.assertTotpCodes(app, InteropCodes.AEGIS_TOTP.get(1));
  }
}
