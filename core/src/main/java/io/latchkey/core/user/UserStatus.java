package io.latchkey.core.user;

/** Whether a user may authenticate. */
public enum UserStatus {
  ACTIVE,
  /** Blocked by an administrator or automatically after suspicious activity; an admin unblocks. */
  BLOCKED,
  /** Disabled by an administrator. */
  DISABLED;

  /** As the API and the pages name it: {@code active}, {@code blocked}, {@code disabled}. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The status of a wire name; empty for anything else. */
  public static java.util.Optional<UserStatus> fromWireName(String name) {
    for (UserStatus status : values()) {
      if (status.wireName().equals(name)) {
        return java.util.Optional.of(status);
      }
    }
    return java.util.Optional.empty();
  }
}
