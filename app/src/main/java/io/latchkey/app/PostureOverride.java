package io.latchkey.app;

import io.latchkey.core.push.Posture;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An explicit posture for demonstrations and tests, from {@code activate --posture SPEC} or the
 * {@code LATCHKEY_POSTURE} variable: {@code storage-encrypted=yes,rooted=no,notifications=yes}, any
 * subset, values {@code yes}, {@code no}, {@code true} or {@code false}. The values given replace
 * what detection found; the others stay detected; the posture sent then says {@code overridden:
 * true}, so the server and its administrator can tell a claim from a detection.
 *
 * @param storageEncrypted the value for {@code storage-encrypted}, or null to keep detection
 * @param rooted the value for {@code rooted}, or null to keep detection
 * @param notificationsEnabled the value for {@code notifications}, or null to keep detection
 */
record PostureOverride(Boolean storageEncrypted, Boolean rooted, Boolean notificationsEnabled) {
  static final String VARIABLE = "LATCHKEY_POSTURE";
  static final String FORMAT = "storage-encrypted=yes,rooted=no,notifications=yes";

  /**
   * Parses {@code spec}.
   *
   * @throws IllegalArgumentException with a sentence naming the wrong part
   */
  static PostureOverride parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("it is empty; write it like " + FORMAT);
    }
    Map<String, Boolean> values = new LinkedHashMap<>();
    for (String item : spec.split(",", -1)) {
      int eq = item.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException(
            "\"" + item.strip() + "\" is not key=value; write it like " + FORMAT);
      }
      String key = item.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      if (!key.equals("storage-encrypted")
          && !key.equals("rooted")
          && !key.equals("notifications")) {
        throw new IllegalArgumentException(
            "unknown key \""
                + key
                + "\"; the keys are storage-encrypted, rooted and notifications");
      }
      if (values.put(key, bool(key, item.substring(eq + 1))) != null) {
        throw new IllegalArgumentException("\"" + key + "\" is given twice");
      }
    }
    return new PostureOverride(
        values.get("storage-encrypted"), values.get("rooted"), values.get("notifications"));
  }

  /** {@code detected} with the values given here, marked as overridden. */
  Posture applyTo(Posture detected) {
    return new Posture(
        storageEncrypted != null ? storageEncrypted : detected.storageEncrypted(),
        rooted != null ? rooted : detected.rooted(),
        notificationsEnabled != null ? notificationsEnabled : detected.notificationsEnabled(),
        detected.appVersion(),
        detected.deviceClock(),
        true);
  }

  private static boolean bool(String key, String value) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "yes", "true" -> true;
      case "no", "false" -> false;
      default ->
          throw new IllegalArgumentException(
              "\"" + key + "\" must be yes or no, not \"" + value.strip() + "\"");
    };
  }
}
