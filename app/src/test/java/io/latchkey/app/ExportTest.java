package io.latchkey.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Exporting to Aegis (plain and encrypted) and to otpauth:// lists, and importing it back. */
class ExportTest {
  static final String EXPORT_PASSWORD = "export password for the test";
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  @TempDir Path dir;

  /** A phone with every kind of account the fixtures have, one HOTP counter moved on. */
  private AppDriver source() {
    AppDriver app = new AppDriver(dir.resolve("old-phone"));
    app.ok("import", Fixtures.file("aegis-plain.json").toString());
    app.ok("import", Fixtures.file("google-migration.txt").toString());
    app.ok("code", "Token Inc: heidi"); // counter 42 -> 43
    return app;
  }

  /** The vault's accounts as stored: name, issuer, account, secret, type, algorithm, ... */
  private static JsonNode storedAccounts(AppDriver app) throws Exception {
    return MAPPER.readTree(app.vaultBytes()).get("accounts");
  }

  private static Path file(AppDriver app, String name) {
    return app.home.getParent().resolve(name);
  }

  @Test
  void anAegisExportImportedIntoAFreshHomeRoundTripsEveryField() throws Exception {
    AppDriver old = source();
    Path export = file(old, "export.json");
    old.ok("export", "--format", "aegis", "--output", export.toString());
    AppDriver fresh = new AppDriver(dir.resolve("new-phone"));

    fresh.ok("import", export.toString());

    JsonNode before = storedAccounts(old);
    assertThat(before.size()).isEqualTo(13);
    assertThat(storedAccounts(fresh)).isEqualTo(before);
    assertThat(fresh.ok("code", "Token Inc: heidi")).isEqualTo("0837306\n");
  }

  @Test
  void anEncryptedAegisExportRoundTripsEveryFieldWithItsPassword() throws Exception {
    AppDriver old = source();
    old.env.put(FilePasswords.EXPORT_VARIABLE, EXPORT_PASSWORD);
    Path export = file(old, "export.json");
    old.ok("export", "--format", "aegis", "--encrypt", "--output", export.toString());
    AppDriver fresh = new AppDriver(dir.resolve("new-phone"));
    fresh.env.put(FilePasswords.IMPORT_VARIABLE, EXPORT_PASSWORD);

    AppDriver.Result result = fresh.run("import", export.toString());

    assertThat(result.exit()).isZero();
    assertThat(result.err()).doesNotContain("Notice: The password slot"); // at the floor
    assertThat(storedAccounts(fresh)).isEqualTo(storedAccounts(old));
  }

  @Test
  void anEncryptedExportUsesScryptAtTheOwaspFloorAndShowsNoNameOrKey() throws Exception {
    AppDriver old = source();
    old.env.put(FilePasswords.EXPORT_VARIABLE, EXPORT_PASSWORD);

    String export = old.ok("export", "--format", "aegis", "--encrypt");

    JsonNode slot = MAPPER.readTree(export).get("header").get("slots").get(0);
    assertThat(slot.get("type").intValue()).isEqualTo(1);
    assertThat(slot.get("n").intValue()).isEqualTo(1 << 17);
    assertThat(slot.get("r").intValue()).isEqualTo(8);
    assertThat(slot.get("p").intValue()).isEqualTo(1);
    assertThat(slot.get("salt").stringValue()).hasSize(64);
    assertThat(export)
        .doesNotContain("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        .doesNotContain("alice")
        .doesNotContain("Example");
  }

  @Test
  void twoEncryptedExportsOfOneVaultShareNoSaltNonceOrKey() throws Exception {
    AppDriver old = source();
    old.env.put(FilePasswords.EXPORT_VARIABLE, EXPORT_PASSWORD);

    JsonNode first = MAPPER.readTree(old.ok("export", "--format", "aegis", "--encrypt"));
    JsonNode second = MAPPER.readTree(old.ok("export", "--format", "aegis", "--encrypt"));

    for (String path :
        List.of(
            "/header/slots/0/salt",
            "/header/slots/0/key",
            "/header/slots/0/key_params/nonce",
            "/header/slots/0/uuid",
            "/header/params/nonce",
            "/db")) {
      assertThat(second.at(path).stringValue()).as(path).isNotEqualTo(first.at(path).stringValue());
    }
  }

  @Test
  void anOtpauthListExportImportedIntoAFreshHomeRoundTripsEveryField() throws Exception {
    AppDriver old = source();
    Path export = file(old, "export.txt");
    old.ok("export", "--format", "otpauth", "--output", export.toString());
    AppDriver fresh = new AppDriver(dir.resolve("new-phone"));

    fresh.ok("import", export.toString());

    assertThat(Files.readAllLines(export)).hasSize(13).allMatch(l -> l.startsWith("otpauth://"));
    assertThat(storedAccounts(fresh)).isEqualTo(storedAccounts(old));
  }

  @Test
  void anOtpauthListFollowsTheProducerRules() {
    AppDriver app = new AppDriver(dir.resolve("phone"));
    app.ok("add", Fixtures.U10);
    app.ok("add", Fixtures.U11);

    assertThat(app.ok("export", "--format", "otpauth"))
        .isEqualTo(
            "otpauth://hotp/HOTP%20Co:grace?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                + "&issuer=HOTP%20Co&algorithm=SHA1&digits=6&counter=0\n"
                + "otpauth://totp/Seven:s7?secret=DGW4ORI3D23NFFOJAXIBWO2ZALX7F36B&issuer=Seven"
                + "&algorithm=SHA512&digits=7&period=45\n");
  }

  @Test
  void anAccountNamedByHandKeepsItsNameInBothFormats() throws Exception {
    AppDriver app = new AppDriver(dir.resolve("phone")).at(1234567890);
    app.ok("add", "otpauth://totp/?secret=JBSWY3DPEHPK3PXP", "--name", "my bank");

    for (String format : List.of("aegis", "otpauth")) {
      AppDriver fresh = new AppDriver(dir.resolve("new-" + format)).at(1234567890);
      Path export = file(app, "export-" + format);
      app.ok("export", "--format", format, "--output", export.toString());
      fresh.ok("import", export.toString());
      assertThat(fresh.ok("code", "my bank")).as(format).isEqualTo("742275\n");
    }
  }

  @Test
  void anEntryNoOtpauthLabelCanCarryIsNamedAndStaysInTheAegisExport() throws Exception {
    Path vault = dir.resolve("colon.json");
    Files.writeString(
        vault,
        """
        {"version": 1, "header": {"slots": null, "params": null}, "db": {"version": 3,
          "entries": [{"type": "totp", "name": "team:ops", "issuer": "Cloud",
            "info": {"secret": "JBSWY3DPEHPK3PXP", "algo": "SHA1", "digits": 6, "period": 30}}]}}
        """);
    AppDriver app = new AppDriver(dir.resolve("phone"));
    app.ok("import", vault.toString());

    AppDriver.Result list = app.run("export", "--format", "otpauth");
    String aegis = app.ok("export", "--format", "aegis");

    assertThat(list.out()).isEmpty();
    assertThat(list.err())
        .contains(
            "Not exported: \"Cloud: team:ops\": its issuer or account contains ':', which an"
                + " otpauth:// label cannot hold.")
        .contains("Exported 0 accounts.");
    assertThat(aegis).contains("\"name\" : \"team:ops\"");
  }

  @Test
  void anExportFileIsReadableByItsOwnerOnlyAndNeverReplacesAFile() throws Exception {
    AppDriver app = new AppDriver(dir.resolve("phone"));
    app.ok("add", Fixtures.U02);
    Path export = file(app, "export.json");

    AppDriver.Result first = app.run("export", "--format", "aegis", "--output", export.toString());
    byte[] written = Files.readAllBytes(export);
    AppDriver.Result second =
        app.run("export", "--format", "otpauth", "--output", export.toString());

    assertThat(first.out()).isEqualTo("Exported 1 account to " + export + ".\n");
    assertThat(first.err())
        .isEqualTo(
            "Notice: the export holds the keys in the clear; keep it safe and delete it when"
                + " done.\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(export)))
        .isEqualTo("rw-------");
    assertThat(second.exit()).isEqualTo(1);
    assertThat(second.err())
        .isEqualTo("The file " + export + " already exists; an export never replaces a file.\n");
    assertThat(Files.readAllBytes(export)).isEqualTo(written);
  }

  @Test
  void withoutTheVariableThePasswordIsAskedTwice() throws Exception {
    AppDriver app = new AppDriver(dir.resolve("phone"));
    app.ok("add", Fixtures.U02);
    Deque<String> typed = new ArrayDeque<>(List.of(EXPORT_PASSWORD, EXPORT_PASSWORD));
    List<String> asked = new java.util.ArrayList<>();
    app.prompt =
        question -> {
          asked.add(question);
          return typed.isEmpty() ? null : typed.pop().toCharArray();
        };

    String export = app.ok("export", "--format", "aegis", "--encrypt");

    assertThat(asked).containsExactly("Password for the export: ", "Repeat the password: ");
    AppDriver fresh = new AppDriver(dir.resolve("new-phone"));
    fresh.stdin = export;
    fresh.env.put(FilePasswords.IMPORT_VARIABLE, EXPORT_PASSWORD);
    fresh.ok("import", "-");
    assertThat(fresh.ok("code", "ACME")).isEqualTo("566657\n");
  }

  @Test
  void twoDifferentPasswordsAtThePromptExportNothing() {
    AppDriver app = new AppDriver(dir.resolve("phone"));
    app.ok("add", Fixtures.U02);
    Deque<String> typed = new ArrayDeque<>(List.of(EXPORT_PASSWORD, "something else entirely"));
    app.prompt = question -> typed.pop().toCharArray();

    AppDriver.Result result = app.run("export", "--format", "aegis", "--encrypt");

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).isEqualTo("The two passwords differ; nothing was exported.\n");
  }

  @Test
  void aShortExportPasswordIsRefused() {
    AppDriver app = new AppDriver(dir.resolve("phone"));
    app.ok("add", Fixtures.U02);
    app.env.put(FilePasswords.EXPORT_VARIABLE, "short");

    AppDriver.Result result = app.run("export", "--format", "aegis", "--encrypt");

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .isEqualTo("An export password needs at least 8 characters; nothing was exported.\n");
  }

  @Test
  void encryptingAnOtpauthListOrAnUnknownFormatIsRefused() {
    AppDriver app = new AppDriver(dir.resolve("phone"));

    AppDriver.Result encrypt = app.run("export", "--format", "otpauth", "--encrypt");
    AppDriver.Result unknown = app.run("export", "--format", "csv");

    assertThat(encrypt.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(encrypt.err())
        .isEqualTo("--encrypt works with --format aegis only (see 'app export --help').\n");
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.err())
        .isEqualTo("Unknown export format \"csv\"; expected aegis or otpauth.\n");
  }

  @Test
  void aVaultWithAPinIsExportedOnlyWithThePin() throws Exception {
    AppDriver app = new AppDriver(dir.resolve("phone")).pin("4711-correct");
    app.ok("add", Fixtures.U02);

    AppDriver.Result wrong = app.pin("4711-wrong").run("export", "--format", "otpauth");
    String right = app.pin("4711-correct").ok("export", "--format", "otpauth");

    assertThat(wrong.exit()).isEqualTo(1);
    assertThat(wrong.out()).isEmpty();
    assertThat(right).startsWith("otpauth://totp/ACME%20Co:john.doe@email.com?secret=");
    assertThat(new String(app.vaultBytes(), StandardCharsets.UTF_8)).doesNotContain("ACME");
  }
}
