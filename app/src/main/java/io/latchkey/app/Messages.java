package io.latchkey.app;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/** Helpers for echoing input back in messages without echoing a secret or a control character. */
final class Messages {
  private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./:@%+=,-]+");
  private static final int MAX_FOREIGN = 1000;

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

  /** {@code message} as a sentence: stripped, with a final full stop. */
  static String sentence(String message) {
    String text = message == null || message.isBlank() ? "the URI is invalid" : message.strip();
    return text.endsWith(".") || text.endsWith("?") || text.endsWith("!") ? text : text + ".";
  }

  /** A name the user chose: visible text on one line, stripped. */
  static String visibleName(String name, String option) {
    String chosen = name.strip();
    if (chosen.isEmpty() || chosen.codePoints().anyMatch(Character::isISOControl)) {
      throw new AppException("The " + option + " must be visible text on one line.");
    }
    return chosen;
  }

  /**
   * Text from a server, safe to print on a terminal: control characters (which could move the
   * cursor or recolour the screen) become spaces, and the length is bounded.
   */
  static String foreign(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    text.codePoints()
        .limit(MAX_FOREIGN)
        .forEach(cp -> out.appendCodePoint(Character.isISOControl(cp) ? ' ' : cp));
    return out.toString().strip();
  }

  /** The home as typed into a shell: bare when that is safe, else in single quotes. */
  static String shellWord(Path path) {
    String text = path.toString();
    if (SHELL_SAFE.matcher(text).matches()) {
      return text;
    }
    return "'" + text.replace("'", "'\\''") + "'";
  }
}
