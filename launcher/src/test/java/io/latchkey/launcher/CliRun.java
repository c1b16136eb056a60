package io.latchkey.launcher;

import io.latchkey.app.Prompt;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;

/**
 * Runs {@code latchkey ...} in-process with a given environment and stdin, capturing the output.
 */
public record CliRun(int exit, String out, String err) {

  /** No terminal, as under Surefire and Failsafe. */
  public static final Prompt NO_TERMINAL = question -> null;

  public static CliRun withStdin(Map<String, String> env, String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli =
        Latchkey.commandLine(
            env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), NO_TERMINAL);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new CliRun(exit, out.toString(), err.toString());
  }

  public static CliRun run(Map<String, String> env, String... args) {
    return withStdin(env, "", args);
  }

  @Override
  public String toString() {
    return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}
