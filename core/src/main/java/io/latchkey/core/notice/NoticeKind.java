package io.latchkey.core.notice;

import java.util.Locale;

/**
 * What a security notice tells the user. Each kind has plain words in English and Japanese (the
 * server's message bundles: {@code notice.<wire name>.title} and {@code .text}); adding a kind
 * means adding both.
 */
public enum NoticeKind {
  /** A sign-in method (authenticator app, push device) was registered. */
  METHOD_ADDED,
  /** A sign-in method was removed. */
  METHOD_REMOVED,
  /** An administrator removed every method: the user registers again. */
  MFA_RESET,
  /** A new set of backup codes was generated; the old set no longer works. */
  BACKUP_CODES_GENERATED,
  /** A backup code was used to sign in. */
  BACKUP_CODE_USED,
  /** A backup was restored or a device re-bound to the account. */
  RECOVERY,
  /** The account was blocked after too many wrong codes in a row (the lockout). */
  USER_BLOCKED,
  /**
   * The account was blocked automatically on suspicious activity: too many registrations started,
   * or too many push requests denied or reported.
   */
  AUTO_BLOCKED,
  /** An administrator blocked the account. */
  ACCOUNT_BLOCKED,
  /** An administrator unblocked the account. */
  ACCOUNT_UNBLOCKED,
  /** An administrator disabled the account. */
  ACCOUNT_DISABLED,
  /** An administrator enabled the account again (with every method removed). */
  ACCOUNT_ENABLED,
  /** An administrator changed where notices go (told to the old address). */
  EMAIL_CHANGED,
  /** The user changed their password (every other session was signed out). */
  PASSWORD_CHANGED,
  /** An administrator set a new password; the user changes it at the next sign-in. */
  PASSWORD_SET_BY_ADMIN;

  /** The snake_case word used in the API, the audit log and message keys, e.g. method_added. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
