package io.latchkey.launcher.admin;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code admin policy [set KEY=VALUE... --reason TEXT | history]}: GET, PATCH and GET history of
 * /api/v1/admin/policy. A change applies on every node without a restart and is kept as a new
 * version with who, when, why and what changed.
 */
@Command(
    name = "policy",
    description = {
      "Shows the policy; 'policy set KEY=VALUE... --reason TEXT' changes settings (a new version,"
          + " in force on every node at once); 'policy history' lists the versions.",
      "Keys and values: see the README's policy table, e.g. lockout.threshold=5,"
          + " push.network.rule=refuse, methods.allowed=totp,push, registration.step-deadline=10m."
    })
final class PolicyCommand extends AdminSubcommand {
  private static final String PATH = "/api/v1/admin/policy";

  @Parameters(
      arity = "0..*",
      paramLabel = "ACTION",
      description = "Nothing (show), 'set' followed by KEY=VALUE pairs, or 'history'.")
  List<String> words = new ArrayList<>();

  @Option(
      names = "--reason",
      paramLabel = "TEXT",
      description = "With set: why; kept in the history and the audit log (required).")
  String reason;

  @Option(
      names = "--if-version",
      paramLabel = "N",
      description =
          "With set: change only if the policy is still at version N (default: the version read"
              + " just before).")
  Long ifVersion;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "With history: at most N versions, newest first (default 100).")
  Integer limit;

  @Override
  void execute() throws AdminException {
    String action = words.isEmpty() ? "show" : words.getFirst();
    List<String> rest = words.isEmpty() ? List.of() : words.subList(1, words.size());
    switch (action) {
      case "show" -> {
        noMore(rest);
        print(client().get(PATH), out());
      }
      case "history" -> {
        noMore(rest);
        if (limit != null && (limit < 1 || limit > 1000)) {
          throw usage("--limit must be 1 to 1000");
        }
        JsonNode history = client().get(PATH + "/history" + AdminClient.query(limitParameter()));
        printHistory(history.path("versions"), out());
      }
      case "set" -> set(rest);
      default -> throw usage("Unknown action '" + action + "': use set or history, or nothing");
    }
  }

  private Map<String, String> limitParameter() {
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("limit", limit == null ? null : limit.toString());
    return parameters;
  }

  private void set(List<String> pairs) throws AdminException {
    if (pairs.isEmpty()) {
      throw usage("set needs at least one KEY=VALUE");
    }
    if (reason == null || reason.isBlank()) {
      throw usage("set needs --reason TEXT: say why, for the history");
    }
    Map<String, String> typed = new LinkedHashMap<>();
    for (String pair : pairs) {
      int equals = pair.indexOf('=');
      if (equals < 1) {
        throw usage("'" + pair + "' is not KEY=VALUE");
      }
      if (typed.put(pair.substring(0, equals).strip(), pair.substring(equals + 1).strip())
          != null) {
        throw usage("'" + pair.substring(0, equals) + "' is given twice");
      }
    }
    AdminClient client = client();
    JsonNode current = client.get(PATH);
    Map<String, Object> settings = new LinkedHashMap<>();
    typed.forEach(
        (key, value) -> settings.put(key, json(current.path("settings").get(key), value)));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("reason", reason);
    body.put("ifVersion", ifVersion != null ? ifVersion : current.path("version").asLong());
    body.put("settings", settings);
    JsonNode changed = client.patch(PATH, body);
    long before = current.path("version").asLong();
    long after = changed.path("version").asLong();
    out()
        .println(
            after == before
                ? "Nothing changed: those values are already in force (version " + after + ")."
                : "Policy changed: version " + after + ".");
    print(changed, out());
  }

  /**
   * A typed value as the JSON the API expects: the type of the key's current value tells whether it
   * is a number, a list or a string. A value that does not parse goes as a string, and the server's
   * answer names the key and its range.
   */
  static Object json(JsonNode currentValue, String value) {
    if (currentValue != null && currentValue.isNumber() && value.matches("-?[0-9]{1,18}")) {
      return Long.parseLong(value);
    }
    if (currentValue != null && currentValue.isArray()) {
      List<String> items = new ArrayList<>();
      for (String item : value.split(",", -1)) {
        items.add(item.strip());
      }
      return value.isBlank() ? List.of() : items;
    }
    return value;
  }

  private void noMore(List<String> rest) {
    if (!rest.isEmpty()) {
      throw usage("Unexpected '" + rest.getFirst() + "'");
    }
  }

  static void print(JsonNode policy, PrintWriter out) {
    out.println(heading(policy));
    JsonNode settings = policy.path("settings");
    int width = 0;
    for (String key : settings.propertyNames()) {
      width = Math.max(width, key.length());
    }
    for (Map.Entry<String, JsonNode> entry : settings.properties()) {
      out.println("  " + pad(entry.getKey(), width) + "  " + value(entry.getValue()));
    }
  }

  static void printHistory(JsonNode versions, PrintWriter out) {
    for (JsonNode version : versions) {
      out.println(heading(version));
      for (JsonNode change : version.path("changes")) {
        out.println(
            "  "
                + shown(change, "key")
                + ": "
                + value(change.path("from"))
                + " -> "
                + value(change.path("to")));
      }
    }
  }

  private static String heading(JsonNode version) {
    long number = version.path("version").asLong();
    if (number == 0) {
      return "Version 0: the initial policy from the configuration.";
    }
    return "Version "
        + number
        + " by "
        + shown(version, "changedBy")
        + " at "
        + shown(version, "changedAt")
        + " (correlation ID "
        + shown(version, "correlationId")
        + "): "
        + shown(version, "reason");
  }

  private static String value(JsonNode value) {
    if (value.isArray()) {
      List<String> items = new ArrayList<>();
      value.values().forEach(v -> items.add(v.asString()));
      return String.join(",", items);
    }
    return value.asString();
  }

  private static String pad(String text, int width) {
    return text + " ".repeat(Math.max(0, width - text.length()));
  }
}
