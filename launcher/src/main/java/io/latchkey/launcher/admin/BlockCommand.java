package io.latchkey.launcher.admin;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code admin block USERNAME --reason TEXT}: POST /api/v1/admin/users/{username}/block. */
@Command(
    name = "block",
    description = "Blocks a user: no sign-in, code or push is accepted until unblocked.")
final class BlockCommand extends AdminSubcommand {
  @Parameters(paramLabel = "USERNAME")
  String username;

  @Option(
      names = "--reason",
      required = true,
      paramLabel = "TEXT",
      description = "Why; kept in the audit log and shown to other administrators.")
  String reason;

  @Override
  void execute() throws AdminException {
    JsonNode user = client().post(usersPath(username) + "/block", Map.of("reason", reason));
    out().println("Blocked " + shown(user, "username") + ".");
    UserView.print(user, out());
  }
}
