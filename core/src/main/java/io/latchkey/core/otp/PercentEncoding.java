package io.latchkey.core.otp;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Percent-encoding of RFC 3986 §2.1 for otpauth URIs, in both directions. Decoding is strict: a
 * {@code %} not followed by two hex digits, or bytes that are not well-formed UTF-8 (RFC 3629:
 * overlong forms, encoded surrogates, truncated sequences), are errors rather than replaced with
 * U+FFFD, because a silently altered issuer or account is worse than a refused URI.
 */
final class PercentEncoding {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private PercentEncoding() {}

  /**
   * Decodes {@code text}. Characters other than escapes stand for themselves, including non-ASCII
   * ones (some producers write raw UTF-8 instead of escapes).
   *
   * @param plusIsSpace true in query values, where 2FAS and Ente write {@code +} for a space
   *     (INTEROP.md §1.2 rule 3); false in the path, where {@code +} is a literal plus (rule 2)
   * @param what names the part in error messages, e.g. "the account name"
   * @throws OtpUriException on a malformed escape or invalid UTF-8; the message never repeats the
   *     text, which may be part of a secret
   */
  static String decode(String text, boolean plusIsSpace, String what) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '%') {
        int high = i + 1 < text.length() ? hexValue(text.charAt(i + 1)) : -1;
        int low = i + 2 < text.length() ? hexValue(text.charAt(i + 2)) : -1;
        if (high < 0 || low < 0) {
          throw new OtpUriException(
              what + " has a '%' that is not followed by two hexadecimal digits");
        }
        bytes.write(high << 4 | low);
        i += 3;
      } else if (c == '+' && plusIsSpace) {
        bytes.write(' ');
        i++;
      } else {
        int codePoint = text.codePointAt(i);
        if (Character.isSurrogate(c) && Character.charCount(codePoint) == 1) {
          // A lone surrogate has no UTF-8 form, so it cannot have come from a real URI.
          throw new OtpUriException(what + " contains an invalid character");
        }
        bytes.writeBytes(Character.toString(codePoint).getBytes(StandardCharsets.UTF_8));
        i += Character.charCount(codePoint);
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new OtpUriException(what + " is not valid UTF-8 after percent-decoding");
    }
  }

  /**
   * Encodes everything except RFC 3986 §2.3 unreserved characters and {@code @}, which is allowed
   * as is in both the path and the query (RFC 3986 §3.3, §3.4) and keeps e-mail addresses readable.
   * A space becomes {@code %20}, never {@code +} (INTEROP.md §1.3).
   */
  static String encode(String text) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (isUnreserved(c) || c == '@') {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >>> 4]).append(HEX[c & 0x0f]);
      }
    }
    return out.toString();
  }

  private static boolean isUnreserved(int c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }

  /** ASCII hex only: {@link Character#digit} would also take full-width and other digits. */
  private static int hexValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    return -1;
  }
}
