package io.latchkey.launcher.admin;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code admin disable USERNAME --reason TEXT}: POST /api/v1/admin/users/{username}/disable. */
@Command(
    name = "disable",
    description = "Disables a user: nothing from them is accepted until enabled.")
final class DisableCommand extends AdminSubcommand {
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
    JsonNode user = client().post(usersPath(username) + "/disable", Map.of("reason", reason));
    out().println(LifecycleMessages.done("disable", user));
    UserView.print(user, out());
  }
}
