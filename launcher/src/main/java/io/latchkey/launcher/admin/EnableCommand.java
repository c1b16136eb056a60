package io.latchkey.launcher.admin;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code admin enable USERNAME --reason TEXT}: POST /api/v1/admin/users/{username}/enable. */
@Command(
    name = "enable",
    description =
        "Enables a disabled user; every method is removed, so MFA is off until they register again.")
final class EnableCommand extends AdminSubcommand {
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
    JsonNode user = client().post(usersPath(username) + "/enable", Map.of("reason", reason));
    out().println(LifecycleMessages.done("enable", user));
    UserView.print(user, out());
  }
}
