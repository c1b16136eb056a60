package io.latchkey.launcher.admin;

import java.io.PrintWriter;
import tools.jackson.databind.JsonNode;

/** One user as the API returns it, printed for a person; shared by every command that shows one. */
final class UserView {
  private UserView() {}

  static void print(JsonNode user, PrintWriter out) {
    out.println("Username:        " + AdminSubcommand.shown(user, "username"));
    out.println("Display name:    " + AdminSubcommand.shown(user, "displayName"));
    out.println("Email:           " + AdminSubcommand.shown(user, "email"));
    out.println("Status:          " + status(user));
    out.println("Administrator:   " + AdminSubcommand.yesNo(user, "admin"));
    out.println("Failed attempts: " + AdminSubcommand.shown(user, "failedAttempts"));
    out.println("Created:         " + AdminSubcommand.shown(user, "createdAt"));
    JsonNode methods = user.get("methods");
    if (methods == null || !methods.isArray()) {
      return; // a freshly created user: the API does not list methods there
    }
    if (methods.isEmpty()) {
      out.println("Methods:         none registered");
      return;
    }
    out.println("Methods:");
    for (JsonNode method : methods) {
      out.println("  " + method(method));
    }
  }

  static String status(JsonNode user) {
    String status = AdminSubcommand.shown(user, "status");
    String reason = AdminClient.text(user, "blockedReason");
    String since = AdminClient.text(user, "blockedAt");
    if (reason == null && since == null) {
      return status;
    }
    return status
        + (reason == null ? "" : " (reason: " + reason + ")")
        + (since == null ? "" : " since " + since);
  }

  private static String method(JsonNode method) {
    String label = AdminClient.text(method, "label");
    String ip = AdminClient.text(method, "registeredIp");
    String used = AdminClient.text(method, "lastUsedAt");
    return AdminSubcommand.shown(method, "kind")
        + (label == null || label.isEmpty() ? "" : " \"" + label + "\"")
        + ", registered "
        + AdminSubcommand.shown(method, "createdAt")
        + (ip == null || ip.isEmpty() ? "" : " from " + ip)
        + ", "
        + (used == null ? "never used" : "last used " + used)
        + " (id "
        + AdminSubcommand.shown(method, "id")
        + ")";
  }
}
