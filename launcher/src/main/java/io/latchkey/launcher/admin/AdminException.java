package io.latchkey.launcher.admin;

/** A failure of an admin command, with the sentence that goes to stderr as it is. */
final class AdminException extends Exception {
  AdminException(String message) {
    super(message);
  }
}
