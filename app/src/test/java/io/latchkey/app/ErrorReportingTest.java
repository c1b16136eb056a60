package io.latchkey.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every failure is one plain line on stderr and a non-zero exit code; never a stack trace. */
class ErrorReportingTest {

  @TempDir Path home;

  private static AppDriver.Result raw(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = AppCommand.commandLine(new AppCommand(Clock.systemUTC(), Map.of()));
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));
    int exit = command.execute(args);
    return new AppDriver.Result(exit, out.toString(), err.toString());
  }

  @Test
  void aMissingHomeIsAUsageErrorOnOneLine() {
    AppDriver.Result result = raw("codes");

    assertThat(result.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(result.err())
        .isEqualTo("Missing required option: '--home=DIR' (see 'app --help').\n");
  }

  @Test
  void aHomeWithoutACommandSaysACommandIsMissing() {
    AppDriver.Result result = new AppDriver(home).run();

    assertThat(result.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(result.err()).isEqualTo("Missing command (see 'app --help').\n");
  }

  @Test
  void pinWithoutSetOrRemoveSaysWhichAreThere() {
    AppDriver.Result result = new AppDriver(home).run("pin");

    assertThat(result.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(result.err())
        .isEqualTo("Missing command: pin set or pin remove (see 'app pin --help').\n");
  }

  @Test
  void anUnknownCommandIsAUsageError() {
    AppDriver.Result result = new AppDriver(home).run("frobnicate");

    assertThat(result.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(result.err()).hasLineCount(1).contains("frobnicate");
  }

  @Test
  void aStrayUriArgumentIsNotEchoedBack() {
    AppDriver.Result result =
        new AppDriver(home).run("codes", "otpauth://totp/X:y?secret=JBSWY3DPEHPK3PXP");

    assertThat(result.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(result.err())
        .isEqualTo(
            "Unexpected argument (not shown: it looks like an otpauth URI) (see 'app codes"
                + " --help').\n");
  }

  @Test
  void helpListsTheCommandsWithoutAHome() {
    AppDriver.Result result = raw("--help");

    assertThat(result.exit()).isZero();
    assertThat(result.out())
        .contains("add", "codes", "code", "list", "remove", "pin")
        .containsPattern("(?m)^  activate +Activates this app as a push device")
        .containsPattern("(?m)^  listen +Waits for sign-in requests")
        .containsPattern("(?m)^  approve +Approves a waiting sign-in request")
        .containsPattern("(?m)^  deny +Denies a waiting sign-in request")
        .containsPattern("(?m)^  devices +Lists the push devices")
        .contains("LATCHKEY_POSTURE");
  }

  @Test
  void aHomeThatIsAFileIsOneSentenceNamingTheProblem() throws Exception {
    Path file = home.resolve("not-a-directory");
    java.nio.file.Files.writeString(file, "x");

    AppDriver.Result result = new AppDriver(file).run("codes");

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("The home " + file + " is a file, not a directory.\n");
  }
}
