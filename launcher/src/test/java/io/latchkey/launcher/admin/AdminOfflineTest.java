package io.latchkey.launcher.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.launcher.CliRun;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the admin commands decide before any request reaches a server. */
class AdminOfflineTest {

  @Test
  void pathSegmentsArePercentEncodedAsUtf8WithSpacesAsPercent20() {
    assertThat(AdminClient.segment("ユーザー")).isEqualTo("%E3%83%A6%E3%83%BC%E3%82%B6%E3%83%BC");
    assertThat(AdminClient.segment("a b/c?d#e+f")).isEqualTo("a%20b%2Fc%3Fd%23e%2Bf");
  }

  @Test
  void queriesLeaveOutAbsentValuesAndEncodeTheRest() {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("username", "zoë & co");
    query.put("type", null);
    query.put("limit", "5");

    assertThat(AdminClient.query(query)).isEqualTo("?username=zo%C3%AB%20%26%20co&limit=5");
    assertThat(AdminClient.query(Map.of())).isEmpty();
  }

  @Test
  void aDateAloneIsTheWholeDayInUtc() {
    assertThat(AuditCommand.time("2026-11-25", false)).isEqualTo("2026-11-25T00:00:00Z");
    assertThat(AuditCommand.time("2026-11-25", true)).isEqualTo("2026-11-26T00:00:00Z");
    assertThat(AuditCommand.time("2026-11-25T10:00:00Z", true)).isEqualTo("2026-11-25T10:00:00Z");
    assertThat(AuditCommand.time(null, true)).isNull();
  }

  @Test
  void generatedPasswordsAreTwentyUnambiguousCharactersAndDiffer() {
    String one = CreateUserCommand.generatePassword();
    String two = CreateUserCommand.generatePassword();

    assertThat(one).hasSize(20).matches("[a-km-zA-HJ-NP-Z2-9]+").isNotEqualTo(two);
  }

  @Test
  void withoutPasswordOrTerminalTheLoginSaysToSetTheVariable() {
    CliRun run = CliRun.run(Map.of(), "admin", "login", "--code", "123456");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("LATCHKEY_ADMIN_PASSWORD").contains("--password-file");
  }

  @Test
  void importUsersNamesAMissingFileBeforeAnyRequest(@TempDir Path dir) throws Exception {
    Path password = Files.writeString(dir.resolve("pw"), "secret\n");
    Path missing = dir.resolve("users.csv");

    CliRun run =
        CliRun.run(
            Map.of("LATCHKEY_SERVER", "http://127.0.0.1:1"),
            "admin",
            "--password-file",
            password.toString(),
            "import-users",
            missing.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err().strip()).isEqualTo("The file " + missing + " does not exist.");
  }

  @Test
  void importResultsArePrintedWithoutControlCharacters() {
    assertThat(ImportUsersCommand.visible("evil\u001b[31m\u202ename")).isEqualTo("evil [31m name");
  }

  @Test
  void aMissingPasswordFileIsNamed(@TempDir Path dir) {
    Path missing = dir.resolve("initial-admin-password");

    CliRun run =
        CliRun.run(
            Map.of(), "admin", "--password-file", missing.toString(), "login", "--code", "123456");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err().strip()).isEqualTo("The password file " + missing + " does not exist.");
  }

  @Test
  void aServerUrlThatIsNotHttpIsRefusedBeforeAnyRequest(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("pw"), "secret\n");

    CliRun run =
        CliRun.run(
            Map.of(),
            "admin",
            "--server",
            "ftp://x",
            "--password-file",
            file.toString(),
            "login",
            "--code",
            "123456");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("'ftp://x' is not an http:// or https:// URL");
  }

  @Test
  void onlyOneWayToSetAPasswordAtATime() {
    CliRun run =
        CliRun.run(
            Map.of("LATCHKEY_ADMIN_PASSWORD", "x"),
            "admin",
            "create-user",
            "bob",
            "--password-stdin",
            "--generate-password");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("mutually exclusive");
  }

  @Test
  void columnsAllowForWideJapaneseCharacters() {
    StringWriter text = new StringWriter();
    new io.latchkey.app.Table("USERNAME", "STATUS")
        .row("ユーザー", "active")
        .row("bob", "blocked")
        .print(new PrintWriter(text, true));

    assertThat(text.toString().lines())
        .containsExactly("USERNAME  STATUS", "ユーザー  active", "bob       blocked");
  }
}
