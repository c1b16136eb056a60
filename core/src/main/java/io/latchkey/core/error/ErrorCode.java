package io.latchkey.core.error;

/**
 * The stable error codes of PRODUCT.md: one table that drives the HTTP status, the message key
 * ({@code error.<code>}), the audit outcome and lockout counting. Add codes; never rename one.
 */
public enum ErrorCode {
  BAD_REQUEST(400),
  UNAUTHORIZED(401),
  SESSION_LOST(401),
  FORBIDDEN(403),
  DEVICE_NOT_COMPLIANT(403),
  NETWORK_MISMATCH(403),
  USER_DISABLED(403),
  METHOD_DISALLOWED(403),
  NOT_FOUND(404),
  METHOD_NOT_ALLOWED(405),
  NOT_ACCEPTABLE(406),
  CONFLICT(409),
  CHALLENGE_DENIED(409),
  NOT_ENROLLED(409),
  ENROLLMENT_TIMED_OUT(410),
  CHALLENGE_EXPIRED(410),
  LINK_EXPIRED(410),
  PAYLOAD_TOO_LARGE(413),
  UNSUPPORTED_MEDIA_TYPE(415),
  INVALID_CODE(422),
  CODE_REUSED(422),
  NUMBER_MISMATCH(422),
  USER_BLOCKED(423),
  PUSH_BLOCKED(423),
  RATE_LIMITED(429),
  INTERNAL_ERROR(500),
  SERVICE_UNAVAILABLE(503),
  // --- cloud-backup ---
  /** The backup on the server changed since the version the caller named (If-Match). */
  BACKUP_STALE(412),
  // --- session stages ---
  /**
   * After a reset of the user's methods or an enable, the first registration needs a one-time
   * registration link: the password alone may not register an authenticator.
   */
  REGISTRATION_LINK_REQUIRED(403),
  // --- password lifecycle (issue 14) ---
  /**
   * The password was set by an administrator (or is the first start's one-time password) and must
   * be changed before anything else: an API sign-in carries the new one ({@code newPassword}).
   */
  PASSWORD_CHANGE_REQUIRED(403),
  /** A new password shorter than the minimum (NIST SP 800-63B: at least 8 characters). */
  PASSWORD_TOO_SHORT(422),
  /** A new password longer than the 256 characters accepted. */
  PASSWORD_TOO_LONG(422),
  /** A new password found in the list of common passwords, or the username itself. */
  PASSWORD_TOO_COMMON(422),
  /** A new password that is the current one. */
  PASSWORD_UNCHANGED(422),
  /** The new password and its confirmation differ (the page's second field). */
  PASSWORDS_DIFFER(422),
  /** The current password given to change it is wrong. */
  CURRENT_PASSWORD_WRONG(403);

  private final int httpStatus;

  ErrorCode(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** The snake_case word of the contract, e.g. {@code code_reused}. */
  public String code() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The message-bundle key of the human sentence, e.g. {@code error.code_reused}. */
  public String messageKey() {
    return "error." + code();
  }
}
