package io.latchkey.core.push;

import java.util.ArrayList;
import java.util.List;

/** Applies the posture rules of a {@link PushPolicy} to what a device reported. */
public final class PostureCheck {
  private PostureCheck() {}

  /** A rule the posture failed, and what the policy does about it. */
  public record Finding(PostureRule rule, RuleAction action) {
    /** The message key of the sentence that says what failed and what to do. */
    public String messageKey() {
      return "posture."
          + rule.wireName()
          + "."
          + (action == RuleAction.REFUSE ? "refused" : "warned");
    }
  }

  /** Every rule that is not off and that the posture fails, in rule order. */
  public static List<Finding> evaluate(Posture posture, PushPolicy policy) {
    List<Finding> findings = new ArrayList<>();
    for (PostureRule rule : PostureRule.values()) {
      RuleAction action = policy.posture().get(rule);
      if (action != RuleAction.OFF && rule.failedBy(posture)) {
        findings.add(new Finding(rule, action));
      }
    }
    return findings;
  }

  /** A one-line summary for the audit record, e.g. {@code storage_encrypted=yes rooted=no}. */
  public static String summary(Posture posture) {
    return "storage_encrypted="
        + yesNo(posture.storageEncrypted())
        + " rooted="
        + yesNo(posture.rooted())
        + " notifications="
        + yesNo(posture.notificationsEnabled())
        + " app_version="
        + (posture.appVersion().isEmpty() ? "unknown" : posture.appVersion())
        + " device_clock="
        + (posture.deviceClock() == null ? "unknown" : posture.deviceClock().toString())
        + (posture.overridden() ? " (values overridden on the device, not detected)" : "");
  }

  private static String yesNo(Boolean value) {
    return value == null ? "unknown" : value ? "yes" : "no";
  }
}
