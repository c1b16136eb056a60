package io.latchkey.launcher.admin;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code admin user USERNAME}: GET /api/v1/admin/users/{username}. */
@Command(
    name = "user",
    description = "Shows a user: status, why blocked, methods and where they were registered.")
final class UserCommand extends AdminSubcommand {
  @Parameters(paramLabel = "USERNAME")
  String username;

  @Override
  void execute() throws AdminException {
    UserView.print(client().get(usersPath(username)), out());
  }
}
