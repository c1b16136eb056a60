package io.latchkey.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

class LatchkeyCommandTest {

  @Test
  void helpListsServerAppAndAdminWithWhatEachDoes() {
    CliRun run = CliRun.run(Map.of(), "--help");

    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(run.out())
        .containsPattern("(?m)^  server +Runs the Latchkey server")
        .containsPattern("(?m)^  app +The Latchkey authenticator")
        .containsPattern("(?m)^  admin +Manages users");
  }

  @Test
  void adminHelpListsEveryAdminCommand() {
    CliRun run = CliRun.run(Map.of(), "admin", "--help");

    assertThat(run.exit()).isZero();
    for (String command :
        new String[] {
          "login",
          "logout",
          "create-metrics-token",
          "create-user",
          "users",
          "user",
          "block",
          "unblock",
          "create-api-key",
          "api-keys",
          "revoke-api-key",
          "audit"
        }) {
      assertThat(run.out()).containsPattern("(?m)^  " + command + " ");
    }
  }

  @Test
  void noCommandIsOnePlainLineAndExitCodeTwo() {
    CliRun run = CliRun.run(Map.of());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err().strip()).isEqualTo("Missing command (see 'latchkey --help').");
  }

  @Test
  void serverGivesSpringAnAbsoluteDataFolderBecauseH2RefusesRelativeOnes() {
    ServerCommand server = parseServer("server", "--data", "some/dir", "--port", "9090");

    assertThat(server.springArgs())
        .containsExactly(
            "--server.port=9090",
            "--server.address=127.0.0.1",
            "--latchkey.data=" + Path.of("some/dir").toAbsolutePath().normalize());
  }

  @Test
  void serverDefaultsToDataInTheWorkingDirectoryAndTheEmbeddedDatabase() {
    ServerCommand server = parseServer("server");

    assertThat(server.springArgs())
        .contains("--server.port=8080", "--latchkey.data=" + Path.of("data").toAbsolutePath())
        .noneMatch(arg -> arg.startsWith("--spring.datasource.url"));
  }

  @Test
  void serverPassesTheDatabaseAndOtherSettingsThrough() {
    ServerCommand server =
        parseServer(
            "server",
            "--db",
            "jdbc:postgresql://db/latchkey",
            "--address",
            "0.0.0.0",
            "--latchkey.registration-step-deadline=10m");

    assertThat(server.springArgs())
        .contains(
            "--spring.datasource.url=jdbc:postgresql://db/latchkey",
            "--server.address=0.0.0.0",
            "--latchkey.registration-step-deadline=10m");
  }

  @Test
  void serverRefusesAPassThroughThatRepeatsOneOfItsOptions() {
    // Spring would join the two values with a comma: a port of "8080,9090".
    ServerCommand server = parseServer("server", "--server.port=9090");

    assertThatThrownBy(server::springArgs)
        .isInstanceOf(ParameterException.class)
        .hasMessage("Use --port instead of --server.port");
  }

  @Test
  void serverRefusesAnArgumentThatIsNotASetting() {
    ServerCommand server = parseServer("server", "oops");

    assertThatThrownBy(server::springArgs)
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("'oops'");
  }

  @Test
  void appRunsAsASubcommandAndItsExitCodeComesBack(@TempDir Path home) throws Exception {
    CliRun empty = CliRun.run(Map.of(), "app", "--home", home.toString(), "codes");
    CliRun unknown = CliRun.run(Map.of(), "app", "--home", home.toString(), "code", "nosuch");

    assertThat(empty.exit()).as(empty.toString()).isZero();
    assertThat(unknown.exit()).as(unknown.toString()).isEqualTo(1);
    assertThat(unknown.err()).isNotBlank();
    assertThat(Files.isDirectory(home)).isTrue();
  }

  @Test
  void aUsageErrorNeverEchoesAnOtpauthSecret() {
    CliRun run = CliRun.run(Map.of(), "admin", "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).doesNotContain("JBSWY3DPEHPK3PXP");
  }

  private static ServerCommand parseServer(String... args) {
    CommandLine cli = Latchkey.commandLine(Map.of(), System.in, CliRun.NO_TERMINAL);
    cli.parseArgs(args);
    return cli.getSubcommands().get("server").getCommand();
  }
}
