package io.latchkey.launcher.admin;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code admin unblock USERNAME --reason TEXT}: POST /api/v1/admin/users/{username}/unblock. */
@Command(name = "unblock", description = "Unblocks a user.")
final class UnblockCommand extends AdminSubcommand {
  @Parameters(paramLabel = "USERNAME")
  String username;

  @Option(
      names = "--reason",
      required = true,
      paramLabel = "TEXT",
      description = "Why, e.g. the ticket that confirmed it was them; kept in the audit log.")
  String reason;

  @Override
  void execute() throws AdminException {
    JsonNode user = client().post(usersPath(username) + "/unblock", Map.of("reason", reason));
    out().println("Unblocked " + shown(user, "username") + ".");
    UserView.print(user, out());
  }
}
