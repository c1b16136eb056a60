package io.latchkey.launcher.admin;

import tools.jackson.databind.JsonNode;

/** The first line the lifecycle commands print. */
final class LifecycleMessages {
  private LifecycleMessages() {}

  static String done(String action, JsonNode user) {
    String name = AdminSubcommand.shown(user, "username");
    String removed = AdminSubcommand.shown(user, "methodsRemoved");
    return switch (action) {
      case "disable" -> "Disabled " + name + ".";
      case "enable" ->
          "Enabled "
              + name
              + "; "
              + removed
              + " method(s) removed: MFA is off until "
              + name
              + " registers again.";
      default -> "Reset the MFA of " + name + "; " + removed + " method(s) removed.";
    };
  }
}
