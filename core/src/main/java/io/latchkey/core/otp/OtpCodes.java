package io.latchkey.core.otp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Checks on codes typed by a person. A code is an ASCII digit string of the exact length; it is
 * never parsed to a number, because Java's parsers accept full-width and other Unicode digits,
 * signs and drop leading zeros (SECURITY-TESTS A1).
 */
public final class OtpCodes {
  private OtpCodes() {}

  /** True only for exactly {@code digits} characters, each in '0'..'9' (ASCII). Null-safe. */
  public static boolean isWellFormed(String code, int digits) {
    if (code == null || digits < 1 || code.length() != digits) {
      return false;
    }
    for (int i = 0; i < code.length(); i++) {
      char c = code.charAt(i);
      // Not Character.isDigit: that accepts every Unicode decimal digit (Nd).
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /**
   * Constant-time over the whole input (MessageDigest.isEqual on the ASCII bytes). Null-safe.
   *
   * <p>The bytes are UTF-8, which equal the ASCII bytes for ASCII text; unlike the US-ASCII
   * encoder, it does not turn every other character into {@code ?}, so two different strings never
   * compare equal. A {@code null} on either side is never equal.
   */
  public static boolean constantTimeEquals(String expected, String given) {
    if (expected == null || given == null) {
      return false;
    }
    return MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }
}
