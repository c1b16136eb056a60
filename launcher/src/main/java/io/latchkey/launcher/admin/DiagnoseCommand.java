package io.latchkey.launcher.admin;

import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code admin diagnose ID}: GET /api/v1/diagnostics/{id}, the verdict and the timeline. */
@Command(
    name = "diagnose",
    description =
        "What went wrong for a correlation ID a user gave you: each cause with its remedy and"
            + " evidence, then the whole timeline.")
final class DiagnoseCommand extends AdminSubcommand {
  /** As read over the phone: in any case, with or without dashes, or in groups after spaces. */
  @Parameters(
      paramLabel = "CORRELATION_ID",
      arity = "1..*",
      description =
          "The ID as the user read it: any case, with or without dashes; groups may be separate"
              + " words (7q2mk 9tdw4 xh3bz r8n6p).")
  java.util.List<String> correlationId;

  @Option(names = "--json", description = "The diagnosis as one JSON object, for scripts.")
  boolean json;

  @Override
  void execute() throws AdminException {
    JsonNode diagnosis =
        client()
            .get(
                "/api/v1/diagnostics/"
                    + AdminClient.segment(String.join("", correlationId).strip()));
    if (json) {
      out().println(admin.json().writeValueAsString(diagnosis));
      return;
    }
    PrintWriter out = out();
    out.println("Correlation ID " + shown(diagnosis, "correlationId"));
    JsonNode findings = diagnosis.path("findings");
    if (findings.isEmpty()) {
      out.println("Verdict: unexplained. No rule explains these events; read the timeline.");
    } else {
      out.println(
          "Verdict: " + findings.size() + (findings.size() == 1 ? " finding" : " findings"));
      int n = 1;
      for (JsonNode finding : findings) {
        out.println();
        out.println(n++ + ". " + shown(finding, "code"));
        out.println("   Cause:  " + shown(finding, "cause"));
        out.println("   Remedy: " + shown(finding, "remedy"));
        out.println("   Evidence:");
        for (JsonNode event : finding.path("evidence")) {
          out.println(
              "     "
                  + shown(event, "at")
                  + "  "
                  + shown(event, "type")
                  + "  "
                  + shown(event, "reason"));
        }
      }
    }
    out.println();
    out.println("Timeline:");
    AuditCommand.printEvents(diagnosis.path("timeline"), out, true);
  }
}
