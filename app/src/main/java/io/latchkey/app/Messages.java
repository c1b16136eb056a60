package io.latchkey.app;

import java.util.Locale;

/** Helpers for echoing user input back in messages without echoing a secret. */
final class Messages {
  private Messages() {}

  /**
   * The argument in quotes, or a placeholder when it looks like it carries a key: people paste
   * otpauth URIs into the wrong place, and an error message must not repeat the secret.
   */
  static String quote(String argument) {
    return mayHoldAKey(argument)
        ? "(an argument that looks like an otpauth URI, not shown)"
        : "\"" + argument + "\"";
  }

  /** True for text that looks like an otpauth URI or a secret parameter. */
  static boolean mayHoldAKey(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    return lower.contains("secret=") || lower.contains("otpauth");
  }
}
