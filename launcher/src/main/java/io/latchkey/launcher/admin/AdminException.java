package io.latchkey.launcher.admin;

/** A failure of an admin command, with the sentence that goes to stderr as it is. */
final class AdminException extends Exception {
  private final String code;

  AdminException(String message) {
    this(message, null);
  }

  /**
   * @param code the error code of the server's envelope ({@code password_change_required}, ...);
   *     null when the failure is not the server's answer
   */
  AdminException(String message, String code) {
    super(message);
    this.code = code;
  }

  /** The server's error code, or null. */
  String code() {
    return code;
  }
}
