package io.latchkey.launcher.admin;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code admin create-metrics-token NAME}: POST /api/v1/admin/metrics-tokens. */
@Command(
    name = "create-metrics-token",
    description = {
      "Issues a read-only token for /actuator (Prometheus metrics) and nothing",
      "else; it is shown only once and works until revoked."
    })
final class CreateMetricsTokenCommand extends AdminSubcommand {
  @Parameters(paramLabel = "NAME", description = "Who scrapes, e.g. prometheus.")
  String name;

  @Option(
      names = "--quiet",
      description = "Print only the token: latchkey admin create-metrics-token p --quiet > FILE")
  boolean quiet;

  @Override
  void execute() throws AdminException {
    JsonNode created = client().post("/api/v1/admin/metrics-tokens", Map.of("name", name));
    String token = text(created, "token");
    if (token == null) {
      throw new AdminException("error: the server created the token but returned none.");
    }
    if (quiet) {
      out().println(token);
      return;
    }
    out()
        .println(
            "Created metrics token "
                + shown(created, "name")
                + " (id "
                + shown(created, "id")
                + ").");
    out().println("Token (shown only now; store it in a file only the scraper reads):");
    out().println("  " + token);
    out().println("Prometheus sends it as: authorization: { type: Bearer, credentials_file: F }");
  }
}
