package io.latchkey.app;

import java.util.Arrays;
import java.util.Map;

/**
 * Passwords of files moved in and out of the app: {@code LATCHKEY_IMPORT_PASSWORD} opens an
 * encrypted Aegis vault being imported and {@code LATCHKEY_EXPORT_PASSWORD} encrypts an export, for
 * scripts; else a hidden prompt (typed twice for an export). Used exactly as typed: the bytes are
 * the password's UTF-8, never normalised (INTEROP.md §3.2). Callers clear the returned arrays.
 */
final class FilePasswords {
  static final String IMPORT_VARIABLE = "LATCHKEY_IMPORT_PASSWORD";
  static final String EXPORT_VARIABLE = "LATCHKEY_EXPORT_PASSWORD";

  /** Guessing an export's password is offline work, bounded only by scrypt and its length. */
  static final int MINIMUM_EXPORT_LENGTH = 8;

  private final Map<String, String> env;
  private final Prompt prompt;

  FilePasswords(Map<String, String> env, Prompt prompt) {
    this.env = Map.copyOf(env);
    this.prompt = prompt;
  }

  /** The password that opens {@code source}. */
  char[] forImport(String source) {
    String value = env.get(IMPORT_VARIABLE);
    if (value != null && !value.isEmpty()) {
      return value.toCharArray();
    }
    return ask("Password of " + Messages.foreign(source) + ": ", IMPORT_VARIABLE, source);
  }

  /** A new password for an encrypted export. */
  char[] forExport() {
    String value = env.get(EXPORT_VARIABLE);
    char[] password;
    if (value != null && !value.isEmpty()) {
      password = value.toCharArray();
    } else {
      password = ask("Password for the export: ", EXPORT_VARIABLE, "the export");
      char[] again = ask("Repeat the password: ", EXPORT_VARIABLE, "the export");
      boolean same = Arrays.equals(password, again);
      Arrays.fill(again, '\0');
      if (!same) {
        Arrays.fill(password, '\0');
        throw new AppException("The two passwords differ; nothing was exported.");
      }
    }
    if (password.length < MINIMUM_EXPORT_LENGTH) {
      Arrays.fill(password, '\0');
      throw new AppException(
          "An export password needs at least "
              + MINIMUM_EXPORT_LENGTH
              + " characters; nothing was exported.");
    }
    return password;
  }

  private char[] ask(String question, String variable, String what) {
    char[] answer = prompt.readHidden(question);
    if (answer == null) {
      throw new AppException(
          "A password for "
              + Messages.foreign(what)
              + " is needed but there is no terminal to ask for it; set "
              + variable
              + ".");
    }
    return answer;
  }
}
