package io.latchkey.launcher.admin;

import io.latchkey.app.Table;
import picocli.CommandLine.Command;
import tools.jackson.databind.JsonNode;

/** {@code admin api-keys}: GET /api/v1/admin/api-keys. */
@Command(name = "api-keys", description = "Lists the API keys (never their tokens).")
final class ApiKeysCommand extends AdminSubcommand {
  @Override
  void execute() throws AdminException {
    JsonNode keys = client().get("/api/v1/admin/api-keys").path("apiKeys");
    Table table = new Table("ID", "NAME", "PREFIX", "CREATED", "BY", "REVOKED");
    for (JsonNode key : keys) {
      table.row(
          shown(key, "id"),
          shown(key, "name"),
          shown(key, "prefix"),
          shown(key, "createdAt"),
          shown(key, "createdBy"),
          shown(key, "revokedAt"));
    }
    table.print(out());
  }
}
