package io.latchkey.core.push;

import java.util.Locale;

/** The posture rules an administrator can set (PRODUCT 4). */
public enum PostureRule {
  STORAGE_ENCRYPTED("the app's storage must be encrypted"),
  NOT_ROOTED("the app must not run with administrator (root) rights"),
  NOTIFICATIONS_ENABLED("the device must be able to show notifications");

  private final String description;

  PostureRule(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }

  /** The policy setting of this rule, e.g. {@code push.posture.storage-encrypted}. */
  public String policyKey() {
    return "push.posture." + name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The wire and message-key name, e.g. {@code storage_encrypted}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether {@code posture} fails this rule; an unknown value fails too (hints, never proof). */
  public boolean failedBy(Posture posture) {
    return switch (this) {
      case STORAGE_ENCRYPTED -> !Boolean.TRUE.equals(posture.storageEncrypted());
      case NOT_ROOTED -> !Boolean.FALSE.equals(posture.rooted());
      case NOTIFICATIONS_ENABLED -> !Boolean.TRUE.equals(posture.notificationsEnabled());
    };
  }
}
