package io.latchkey.app;

import io.latchkey.core.push.Posture;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code doctor}'s reading of the posture that activation would report ({@link PostureProbe},
 * {@link PostureOverride}): one check per property, OK when it is good, else WARN with what to
 * change. Never FAIL: whether a weak point refuses the device is the server's policy, which may
 * only warn. An unknown value is a warning too, since a policy reads it as not good.
 */
final class PostureAdvice {
  private PostureAdvice() {}

  static List<Check> checks(Posture posture, Path home) {
    String claimed = posture.overridden() ? " (as " + PostureOverride.VARIABLE + " says)" : "";
    return List.of(
        storage(posture.storageEncrypted(), home, claimed, posture.overridden()),
        root(posture.rooted(), claimed, posture.overridden()),
        notifications(posture.notificationsEnabled(), claimed, posture.overridden()));
  }

  private static Check storage(Boolean encrypted, Path home, String claimed, boolean overridden) {
    Map<String, Object> facts = facts(encrypted, overridden);
    if (Boolean.TRUE.equals(encrypted)) {
      return Check.ok(
          "storage", "the disk holding " + home + " is encrypted" + claimed + ".", facts);
    }
    String what =
        encrypted == null
            ? "could not tell whether the disk holding " + home + " is encrypted" + claimed
            : "the disk holding " + home + " is not encrypted" + claimed;
    return Check.warn(
        "storage",
        what
            + ": whoever gets the disk can copy the vault. Turn on full-disk encryption (LUKS,"
            + " FileVault, BitLocker) or keep the home on an encrypted disk; a server may refuse"
            + " a device without it.",
        facts);
  }

  private static Check root(Boolean rooted, String claimed, boolean overridden) {
    Map<String, Object> facts = facts(rooted, overridden);
    if (Boolean.FALSE.equals(rooted)) {
      return Check.ok("root", "the app does not run as root" + claimed + ".", facts);
    }
    String what =
        rooted == null
            ? "could not tell whether the app runs as root" + claimed
            : "the app runs as root (administrator)" + claimed;
    return Check.warn(
        "root",
        what
            + ": anything running as root can read every vault. Run it as your own user, as a"
            + " phone that is not rooted; a server may refuse a device that runs as root.",
        facts);
  }

  private static Check notifications(Boolean enabled, String claimed, boolean overridden) {
    Map<String, Object> facts = facts(enabled, overridden);
    if (Boolean.TRUE.equals(enabled)) {
      return Check.ok(
          "notifications",
          "sign-in requests can be shown (a desktop session)" + claimed + ".",
          facts);
    }
    String what =
        enabled == null
            ? "could not tell whether sign-in requests can be shown" + claimed
            : "notifications are off: there is no desktop session ("
                + PostureProbe.BUS_VARIABLE
                + " is not set)"
                + claimed;
    return Check.warn(
        "notifications",
        what
            + ", so a sign-in request shows only where 'listen' runs. Run the app in your desktop"
            + " session and keep 'listen' running; a server may refuse a device without"
            + " notifications.",
        facts);
  }

  private static Map<String, Object> facts(Boolean value, boolean overridden) {
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("value", value);
    facts.put("overridden", overridden);
    return facts;
  }
}
