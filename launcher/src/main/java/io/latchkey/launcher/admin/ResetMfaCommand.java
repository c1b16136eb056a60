package io.latchkey.launcher.admin;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code admin reset-mfa USERNAME --reason TEXT}: POST /api/v1/admin/users/{username}/reset-mfa.
 */
@Command(
    name = "reset-mfa",
    description =
        "Removes every method of a user (a lost phone); they register again at their next sign-in.")
final class ResetMfaCommand extends AdminSubcommand {
  @Parameters(paramLabel = "USERNAME")
  String username;

  @Option(
      names = "--reason",
      required = true,
      paramLabel = "TEXT",
      description = "Why; kept in the audit log with your name.")
  String reason;

  @Override
  void execute() throws AdminException {
    JsonNode user = client().post(usersPath(username) + "/reset-mfa", Map.of("reason", reason));
    out().println(LifecycleMessages.done("reset-mfa", user));
    UserView.print(user, out());
  }
}
