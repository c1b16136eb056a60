package io.latchkey.launcher.admin;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code admin create-api-key NAME}: POST /api/v1/admin/api-keys. */
@Command(
    name = "create-api-key",
    description = "Issues an API key for a relying application; its token is shown only once.")
final class CreateApiKeyCommand extends AdminSubcommand {
  @Parameters(paramLabel = "NAME", description = "The application, e.g. intranet.")
  String name;

  @Option(
      names = "--quiet",
      description =
          "Print only the token, for scripts: TOKEN=$(latchkey admin create-api-key x --quiet)")
  boolean quiet;

  @Override
  void execute() throws AdminException {
    JsonNode key = client().post("/api/v1/admin/api-keys", Map.of("name", name));
    String token = text(key, "token");
    if (token == null) {
      throw new AdminException("error: the server created the key but returned no token.");
    }
    if (quiet) {
      out().println(token);
      return;
    }
    out().println("Created API key " + shown(key, "name") + " (id " + shown(key, "id") + ").");
    out().println("Token (shown only now; store it where the application reads it):");
    out().println("  " + token);
    out().println("The application sends it as the header: Authorization: Bearer <token>");
  }
}
