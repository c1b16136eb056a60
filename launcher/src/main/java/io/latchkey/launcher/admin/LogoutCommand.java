package io.latchkey.launcher.admin;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code admin logout}: DELETE /api/v1/admin/sessions/current, then forgets the stored token. */
@Command(name = "logout", description = "Ends the admin login: the token stops working at once.")
final class LogoutCommand extends AdminSubcommand {
  @Option(names = "--server", paramLabel = "URL", description = "The server's URL (as admin's).")
  String server;

  @Override
  void execute() throws AdminException {
    String url = admin.serverUrl(server);
    TokenStore tokens = admin.tokens();
    var stored = tokens.find(url, java.time.Instant.now());
    if (stored.isPresent()) {
      try {
        new AdminClient(url, stored.get().token(), admin.json())
            .delete("/api/v1/admin/sessions/current");
      } finally {
        tokens.delete(url); // forgotten even if the server could not be told
      }
      out().println("Signed out of " + url + ".");
      return;
    }
    tokens.delete(url);
    out().println("Not signed in to " + url + ".");
  }
}
