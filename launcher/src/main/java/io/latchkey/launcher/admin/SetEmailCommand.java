package io.latchkey.launcher.admin;

import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code admin set-email USERNAME ADDRESS | --none}: PUT /api/v1/admin/users/{username}/email. */
@Command(
    name = "set-email",
    description =
        "Sets where a user's security notices are mailed; the old address (or the new one, if"
            + " there was none) is told of the change.")
final class SetEmailCommand extends AdminSubcommand {
  @Parameters(index = "0", paramLabel = "USERNAME")
  String username;

  @Parameters(index = "1", arity = "0..1", paramLabel = "ADDRESS", description = "name@example.com")
  String address;

  @Option(names = "--none", description = "Remove the address: notices are shown on the page only.")
  boolean none;

  @Override
  void execute() throws AdminException {
    if ((address == null) == !none) {
      throw usage("Give either an ADDRESS or --none.");
    }
    Map<String, Object> body = new HashMap<>();
    body.put("email", none ? null : address);
    JsonNode user = client().put(usersPath(username) + "/email", body);
    out()
        .println(
            none
                ? "Removed the email address of " + shown(user, "username") + "."
                : "Notices for "
                    + shown(user, "username")
                    + " now go to "
                    + shown(user, "email")
                    + ".");
    UserView.print(user, out());
  }
}
