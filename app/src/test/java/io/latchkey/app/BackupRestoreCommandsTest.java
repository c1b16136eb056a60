package io.latchkey.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code backup} and {@code restore} decide before the server is asked (the journey against
 * the real server is in the server's {@code CloudBackupJourneyIT}): nothing is sent, and nothing
 * written, when the request cannot succeed. The server here is a closed port, so any attempt to
 * reach it would show as "Could not reach".
 */
class BackupRestoreCommandsTest {
  private static final String NOWHERE = "http://127.0.0.1:9";

  @TempDir Path dir;

  @Test
  void restoreRefusesAHomeThatHoldsAccountsUnlessMerging() throws Exception {
    AppDriver phone = new AppDriver(dir.resolve("phone"));
    phone.ok("add", Fixtures.U01);
    byte[] before = phone.vaultBytes();

    AppDriver.Result refused =
        phone.run("restore", "--server", NOWHERE, "--user", "alice", "--code", "123456");

    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err())
        .contains("already holds 1 account and 0 push devices")
        .contains("--merge")
        .doesNotContain("Could not reach");
    assertThat(phone.vaultBytes()).isEqualTo(before);
  }

  @Test
  void backupOfAnEmptyAppSaysThereIsNothingToBackUp() {
    AppDriver phone = new AppDriver(dir.resolve("empty"));
    AppDriver.Result refused =
        phone.run("backup", "--server", NOWHERE, "--user", "alice", "--code", "123456");
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err()).contains("nothing to back up");
  }

  @Test
  void aNewBackupPasswordIsTypedTwiceAndMustBeLongEnough() throws Exception {
    AppDriver phone = new AppDriver(dir.resolve("typed"));
    phone.ok("add", Fixtures.U01);
    phone.prompt = answers("a long backup passphrase", "a long backup passfrase");
    AppDriver.Result differ =
        phone.run("backup", "--server", NOWHERE, "--user", "alice", "--code", "123456");
    assertThat(differ.err()).contains("The two backup passwords differ");

    phone.env.put(CloudSubcommand.BACKUP_PASSWORD_VARIABLE, "short");
    AppDriver.Result tooShort =
        phone.run("backup", "--server", NOWHERE, "--user", "alice", "--code", "123456");
    assertThat(tooShort.err()).contains("at least 10 characters");

    // With the passwords settled, the next thing is the server: unreachable here.
    phone.env.put(CloudSubcommand.BACKUP_PASSWORD_VARIABLE, "a long backup passphrase");
    phone.env.put(CloudSubcommand.PASSWORD_VARIABLE, "correct horse battery");
    AppDriver.Result unreachable =
        phone.run("backup", "--server", NOWHERE, "--user", "alice", "--code", "123456");
    assertThat(unreachable.err()).contains("Could not reach the Latchkey server at " + NOWHERE);
  }

  @Test
  void withoutATerminalTheMissingSecretsAreNamed() throws Exception {
    AppDriver phone = new AppDriver(dir.resolve("script"));
    phone.ok("add", Fixtures.U01);
    phone.env.put(CloudSubcommand.BACKUP_PASSWORD_VARIABLE, "a long backup passphrase");
    AppDriver.Result noPassword =
        phone.run("backup", "--server", NOWHERE, "--user", "alice", "--code", "123456");
    assertThat(noPassword.err()).contains("LATCHKEY_PASSWORD");
    phone.env.put(CloudSubcommand.PASSWORD_VARIABLE, "correct horse battery");
    AppDriver.Result noCode = phone.run("backup", "--server", NOWHERE, "--user", "alice");
    assertThat(noCode.err()).contains("--code").contains("LATCHKEY_CODE");
  }

  @Test
  void aServerThatIsNotAnHttpAddressIsAUsageError() {
    AppDriver phone = new AppDriver(dir.resolve("usage"));
    for (String server : List.of("ftp://example.com", "example.com", "http://example.com/?q=1")) {
      AppDriver.Result refused = phone.run("restore", "--server", server, "--user", "alice");
      assertThat(refused.exit()).as(server).isEqualTo(2);
      assertThat(refused.err()).contains("Invalid --server");
    }
  }

  @Test
  void theRememberedVersionIsPerServerAndUserAndSurvivesASlashOrCase() throws Exception {
    Path home = dir.resolve("state");
    java.nio.file.Files.createDirectories(home);
    BackupState.remember(home, URI.create("https://MFA.example.com/"), "alice", 3);
    BackupState.remember(home, URI.create("https://mfa.example.com"), "bob", 5);
    BackupState.remember(home, URI.create("https://mfa.example.com"), "alice", 4);

    assertThat(BackupState.version(home, URI.create("https://mfa.example.com"), "alice"))
        .contains(4L);
    assertThat(BackupState.version(home, URI.create("https://mfa.example.com//"), "bob"))
        .contains(5L);
    assertThat(BackupState.version(home, URI.create("https://other.example.com"), "alice"))
        .isEmpty();
    assertThat(java.nio.file.Files.readString(home.resolve(BackupState.NAME)))
        .doesNotContain("password");
  }

  @Test
  void onlyOneQuotedVersionIsAVersion() {
    assertThat(UserApi.version("\"7\"")).contains(7L);
    for (String etag : List.of("7", "W/\"7\"", "\"07\"", "\"\"", "\"7\", \"8\"")) {
      assertThat(UserApi.version(etag)).as(etag).isEmpty();
    }
    assertThat(UserApi.version(null)).isEmpty();
  }

  private static Prompt answers(String... typed) {
    Deque<String> queue = new ArrayDeque<>(List.of(typed));
    return question -> queue.isEmpty() ? null : queue.poll().toCharArray();
  }
}
