package io.latchkey.launcher.admin;

import java.io.PrintWriter;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/** {@code admin audit}: GET /api/v1/admin/audit, as a timeline or as JSON Lines. */
@Command(
    name = "audit",
    description =
        "Searches the audit log, oldest first; with --correlation-id, what happened to one"
            + " request.")
final class AuditCommand extends AdminSubcommand {
  /** What the server returns when no --limit is given, and the most it ever returns. */
  private static final int SERVER_LIMIT = 1000;

  @Option(
      names = "--correlation-id",
      paramLabel = "ID",
      description = "The ID a user copied from an error: the whole registration it belongs to.")
  String correlationId;

  @Option(names = "--user", paramLabel = "USERNAME", description = "Events of this user.")
  String username;

  @Option(
      names = "--type",
      paramLabel = "TYPE",
      description = "Events of this type, e.g. user.blocked.")
  String type;

  @Option(
      names = "--failures",
      description = "Only failures (refused codes, timed-out steps, ...).")
  boolean failures;

  @Option(
      names = "--from",
      paramLabel = "TIME",
      description = "From this time: ISO-8601 UTC (2026-11-25T10:00:00Z) or a date (2026-11-25).")
  String from;

  @Option(
      names = "--to",
      paramLabel = "TIME",
      description = "Up to this time: ISO-8601 UTC, or a date (to the end of that day, UTC).")
  String to;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "At most N events (the server returns at most " + SERVER_LIMIT + ").")
  Integer limit;

  @Option(names = "--json", description = "One JSON object per line (JSON Lines), for scripts.")
  boolean json;

  @Override
  void execute() throws AdminException {
    if (limit != null && limit < 1) {
      throw usage("--limit must be at least 1");
    }
    Map<String, String> query = new LinkedHashMap<>();
    query.put("correlationId", correlationId);
    query.put("username", username);
    query.put("type", type);
    query.put("success", failures ? "false" : null);
    query.put("from", time(from, false));
    query.put("to", time(to, true));
    query.put("limit", limit == null ? null : String.valueOf(limit));
    JsonNode events = client().get("/api/v1/admin/audit" + AdminClient.query(query)).path("events");
    if (json) {
      for (JsonNode event : events) {
        out().println(admin.json().writeValueAsString(event));
      }
    } else {
      printTimeline(events, out());
    }
    if (events.size() >= (limit == null ? SERVER_LIMIT : limit)) {
      err()
          .println(
              "("
                  + events.size()
                  + " events shown; there may be more: narrow with --from, or raise --limit)");
    }
  }

  static void printEvents(JsonNode events, PrintWriter out, boolean withCorrelation) {
    for (JsonNode event : events) {
      printEvent(event, out, withCorrelation);
    }
  }

  private void printTimeline(JsonNode events, PrintWriter out) {
    if (events.isEmpty()) {
      out.println("No audit events match.");
      return;
    }
    if (correlationId != null) {
      out.println("Timeline of correlation ID " + correlationId + ":");
    }
    printEvents(events, out, correlationId == null);
  }

  private static void printEvent(JsonNode event, PrintWriter out, boolean withCorrelation) {
    {
      StringBuilder line = new StringBuilder();
      line.append(shown(event, "at"))
          .append("  ")
          .append(event.path("success").asBoolean(true) ? "ok  " : "FAIL")
          .append("  ")
          .append(shown(event, "type"));
      field(line, "user", event, "username");
      field(line, "actor", event, "actor");
      field(line, "ip", event, "ip");
      field(line, "reason", event, "reason");
      if (withCorrelation) {
        field(line, "correlation", event, "correlationId");
      }
      out.println(line);
      String detail = text(event, "detail");
      if (detail != null && !detail.isBlank()) {
        out.println("    " + detail);
      }
    }
  }

  private static void field(StringBuilder line, String label, JsonNode event, String field) {
    String value = text(event, field);
    if (value != null && !value.isEmpty()) {
      line.append("  ").append(label).append('=').append(value);
    }
  }

  /**
   * A date alone is a whole day in UTC, which is how people ask ("what happened on the 25th");
   * anything else goes to the server as typed, which says what it accepts.
   */
  static String time(String typed, boolean endOfDay) {
    if (typed == null) {
      return null;
    }
    try {
      LocalDate day = LocalDate.parse(typed.strip());
      return (endOfDay ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant().toString();
    } catch (DateTimeParseException e) {
      return typed.strip();
    }
  }
}
