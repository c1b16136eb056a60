package io.latchkey.app;

/**
 * A failure the user can act on. The message is one plain sentence that is printed as it is, so it
 * must never hold a secret, a whole URI or a stack trace.
 */
final class AppException extends RuntimeException {

  AppException(String message) {
    super(message);
  }

  AppException(String message, Throwable cause) {
    super(message, cause);
  }
}
