package io.latchkey.launcher.admin;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * What every admin command shares: the client, and any failure turned into its one sentence on
 * stderr with exit code 1 — so a script sees the correlation ID the administrator looks up.
 */
abstract class AdminSubcommand implements Callable<Integer> {
  static final int FAILED = 1;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  @ParentCommand AdminCommand admin;

  @Spec CommandSpec spec;

  /** The command's work; throws {@link AdminException} for anything the administrator reads. */
  abstract void execute() throws AdminException;

  @Override
  public final Integer call() {
    try {
      execute();
      return ExitCode.OK;
    } catch (AdminException e) {
      err().println(e.getMessage());
      return FAILED;
    } catch (ParameterException e) {
      throw e; // picocli reports usage errors itself
    } catch (RuntimeException e) {
      err().println("Unexpected internal error (" + e.getClass().getSimpleName() + ").");
      return ExitCode.SOFTWARE;
    } finally {
      out().flush();
      err().flush();
    }
  }

  /** Signs in: only once the command's own arguments have been checked. */
  AdminClient client() throws AdminException {
    return admin.client();
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  static String text(JsonNode node, String field) {
    return AdminClient.text(node, field);
  }

  /** A field for a person to read: "-" rather than an empty cell or "null". */
  static String shown(JsonNode node, String field) {
    String value = text(node, field);
    return value == null || value.isEmpty() ? "-" : value;
  }

  static String yesNo(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.asBoolean(false) ? "yes" : "no";
  }

  /** The first line of standard input: a password given with {@code --password-stdin}. */
  String readStdin() throws AdminException {
    String line;
    try {
      line =
          new java.io.BufferedReader(
                  new java.io.InputStreamReader(
                      admin.stdin(), java.nio.charset.StandardCharsets.UTF_8))
              .readLine();
    } catch (java.io.IOException e) {
      throw new AdminException("Cannot read the password from stdin: " + e.getMessage());
    }
    if (line == null || line.isEmpty()) {
      throw new AdminException("No password on stdin (--password-stdin reads its first line).");
    }
    return line;
  }

  static String usersPath(String username) {
    return "/api/v1/admin/users/" + AdminClient.segment(username);
  }
}
