package io.latchkey.launcher.admin;

import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code admin set-password USERNAME [--password-file FILE | --password-stdin]}: PUT
 * /api/v1/admin/users/{username}/password. The new password is typed twice without echo, or read
 * from a file or stdin, never given as an argument; the user must change it at the next sign-in.
 */
@Command(
    name = "set-password",
    description = {
      "Sets a user's password (a forgotten one): typed twice without echo, or read",
      "from --password-file or --password-stdin. The user must change it at the next",
      "sign-in; every browser and app signed in as the user is signed out."
    })
final class SetPasswordCommand extends AdminSubcommand {
  @Parameters(paramLabel = "USERNAME")
  String username;

  @Option(
      names = "--password-file",
      paramLabel = "FILE",
      description = "Read the new password from the first line of FILE.")
  Path file;

  @Option(
      names = "--password-stdin",
      description = "Read the new password from the first line of stdin.")
  boolean stdin;

  @Override
  void execute() throws AdminException {
    if (file != null && stdin) {
      throw usage("Give --password-file or --password-stdin, not both.");
    }
    String password =
        stdin
            ? readStdin()
            : admin.newPassword(username, file, "pass --password-file FILE or --password-stdin");
    JsonNode user = client().put(usersPath(username) + "/password", Map.of("password", password));
    out()
        .println(
            "Set a new password for "
                + shown(user, "username")
                + ": they choose their own at the next sign-in; "
                + shown(user, "sessionsEnded")
                + " signed-in session(s) ended.");
    UserView.print(user, out());
  }
}
