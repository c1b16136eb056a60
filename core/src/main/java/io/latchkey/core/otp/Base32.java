package io.latchkey.core.otp;

import java.util.Objects;

/** RFC 4648 §6 Base32 with the alphabet {@code A-Z2-7}. */
public final class Base32 {
  private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

  private Base32() {}

  /** Upper-case, without padding. */
  public static String encode(byte[] data) {
    Objects.requireNonNull(data, "data");
    StringBuilder out = new StringBuilder((data.length * 8 + 4) / 5);
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        bits -= 5;
        out.append(ALPHABET[(buffer >>> bits) & 0x1f]);
      }
    }
    if (bits > 0) {
      // RFC 4648 §6: the last quantum is padded with zero bits on the right.
      out.append(ALPHABET[(buffer << (5 - bits)) & 0x1f]);
    }
    return out.toString();
  }

  /**
   * Decodes upper- or lower-case Base32 with or without trailing {@code =} padding.
   *
   * @throws IllegalArgumentException on a character outside the alphabet or an impossible length
   *     (length mod 8 in {1, 3, 6}); the message never repeats the input
   */
  public static byte[] decode(String text) {
    Objects.requireNonNull(text, "text");
    int length = text.length();
    while (length > 0 && text.charAt(length - 1) == '=') {
      length--;
    }
    // RFC 4648 §6: the final quantum holds 8, 16, 24, 32 or 40 bits, i.e. 2, 4, 5 or 7 characters
    // (or none); 1, 3 or 6 characters cannot come from whole bytes.
    int tail = length % 8;
    if (tail == 1 || tail == 3 || tail == 6) {
      throw new IllegalArgumentException(
          "impossible Base32 length " + length + " (length mod 8 is " + tail + ")");
    }
    byte[] out = new byte[length * 5 / 8];
    int buffer = 0;
    int bits = 0;
    int next = 0;
    for (int i = 0; i < length; i++) {
      buffer = (buffer << 5) | valueOf(text.charAt(i), i);
      bits += 5;
      if (bits >= 8) {
        bits -= 8;
        out[next++] = (byte) (buffer >>> bits);
      }
    }
    // Left-over bits (fewer than 8) are padding. RFC 4648 §3.5 lets a decoder reject them when
    // non-zero, but secrets typed as random Base32 characters have them, and other apps accept
    // them, so Latchkey does too.
    return out;
  }

  private static int valueOf(char c, int position) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a';
    }
    if (c >= '2' && c <= '7') {
      return c - '2' + 26;
    }
    // The position helps the person fix a typo; the character itself is part of a secret.
    throw new IllegalArgumentException(
        "Base32 text has a character outside A-Z and 2-7 at position " + (position + 1));
  }
}
