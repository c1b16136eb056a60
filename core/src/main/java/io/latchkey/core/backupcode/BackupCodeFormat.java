package io.latchkey.core.backupcode;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.Optional;

/**
 * What a backup code looks like: 10 characters of the RFC 4648 Base32 alphabet (5 bits each, so 50
 * bits from {@link SecureRandom}: SECURITY-TESTS decision 4), shown in two groups of five ({@code
 * K7QMD-2XWPA}) for reading aloud and copying. The alphabet has no 0, 1, 8 or 9, so nothing is
 * mistaken for O, I or B. Typing is forgiving: any case, with or without the dash or spaces.
 */
public final class BackupCodeFormat {
  public static final int LENGTH = 10;
  public static final int GROUP = 5;
  public static final int BITS = LENGTH * 5;
  private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

  private BackupCodeFormat() {}

  /** A fresh code in its canonical form (no separator). */
  public static String generate(SecureRandom random) {
    char[] code = new char[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      code[i] = ALPHABET[random.nextInt(ALPHABET.length)];
    }
    return new String(code);
  }

  /** The grouped form shown to the user. */
  public static String display(String canonical) {
    return canonical.substring(0, GROUP) + "-" + canonical.substring(GROUP);
  }

  /**
   * The canonical form of what was typed (upper case, separators removed), or empty when it cannot
   * be a backup code: wrong length, a character outside the alphabet, or a non-ASCII look-alike.
   */
  public static Optional<String> canonical(String typed) {
    if (typed == null || typed.length() > 40) {
      return Optional.empty();
    }
    StringBuilder out = new StringBuilder(LENGTH);
    for (int i = 0; i < typed.length(); i++) {
      char c = typed.charAt(i);
      if (c == '-' || c == ' ') {
        continue;
      }
      char upper = c >= 'a' && c <= 'z' ? (char) (c - 'a' + 'A') : c;
      if (!((upper >= 'A' && upper <= 'Z') || (upper >= '2' && upper <= '7'))) {
        return Optional.empty();
      }
      out.append(upper);
    }
    return out.length() == LENGTH
        ? Optional.of(out.toString().toUpperCase(Locale.ROOT))
        : Optional.empty();
  }
}
