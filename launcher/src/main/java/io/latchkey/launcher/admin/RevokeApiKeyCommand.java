package io.latchkey.launcher.admin;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code admin revoke-api-key ID}: DELETE /api/v1/admin/api-keys/{id}. */
@Command(
    name = "revoke-api-key",
    description = "Revokes an API key: its application is refused from now on.")
final class RevokeApiKeyCommand extends AdminSubcommand {
  @Parameters(paramLabel = "ID", description = "As listed by api-keys.")
  String id;

  @Override
  void execute() throws AdminException {
    client().delete("/api/v1/admin/api-keys/" + AdminClient.segment(id));
    out().println("Revoked API key " + id + ".");
  }
}
