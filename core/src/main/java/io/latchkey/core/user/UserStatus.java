package io.latchkey.core.user;

/** Whether a user may authenticate. */
public enum UserStatus {
  ACTIVE,
  /** Blocked by an administrator or automatically after suspicious activity; an admin unblocks. */
  BLOCKED,
  /** Disabled by an administrator. */
  DISABLED
}
