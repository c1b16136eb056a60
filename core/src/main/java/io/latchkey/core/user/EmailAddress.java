package io.latchkey.core.user;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a user's security notices go: a plain ASCII address in the common {@code local@domain}
 * shape, at most {@value #MAX_LENGTH} characters (RFC 5321's path limit). Anything that could end a
 * mail header or add a recipient is refused: CR, LF and every other control character, spaces,
 * quotes, commas, angle brackets and parentheses (header injection). The domain is kept in lower
 * case; the local part as typed (it may be case-sensitive).
 */
public record EmailAddress(String value) {
  public static final int MAX_LENGTH = 254;
  private static final int MAX_LOCAL = 64;

  /** RFC 5322 dot-atom text: no quoted forms, no comments, no dot at either end or twice. */
  private static final Pattern LOCAL =
      Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");

  /** Host names of at least two labels; a label is letters, digits and inner hyphens. */
  private static final Pattern DOMAIN =
      Pattern.compile("([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?");

  public EmailAddress {
    if (value == null || problem(value) != null) {
      throw new IllegalArgumentException("not a valid email address");
    }
  }

  /**
   * Checks what an administrator typed. Surrounding spaces (U+0020 only) are dropped; a line break
   * anywhere, even at the end, is refused rather than trimmed.
   *
   * @throws LatchkeyException {@code bad_request} naming what is wrong
   */
  public static EmailAddress of(String typed) {
    if (typed == null) {
      throw invalid("an email address is required");
    }
    String stripped = trimSpaces(typed);
    int at = stripped.lastIndexOf('@');
    String normalised =
        at < 0
            ? stripped
            : stripped.substring(0, at) + stripped.substring(at).toLowerCase(Locale.ROOT);
    String problem = problem(normalised);
    if (problem != null) {
      throw invalid(problem);
    }
    return new EmailAddress(normalised);
  }

  /** Null for a usable address, else the sentence that says why not. */
  private static String problem(String text) {
    if (text.isEmpty()) {
      return "an email address is required";
    }
    if (text.length() > MAX_LENGTH) {
      return "an email address has at most " + MAX_LENGTH + " characters";
    }
    if (text.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      return "an email address has no spaces, line breaks, control or non-ASCII characters";
    }
    int at = text.indexOf('@');
    if (at <= 0 || at != text.lastIndexOf('@') || at == text.length() - 1) {
      return "an email address has the form name@example.com";
    }
    String local = text.substring(0, at);
    String domain = text.substring(at + 1);
    if (local.length() > MAX_LOCAL || !LOCAL.matcher(local).matches()) {
      return "the part before @ has at most "
          + MAX_LOCAL
          + " letters, digits and . ! # $ % & ' * + / = ? ^ _ ` { | } ~ - (no dot at either end)";
    }
    if (!DOMAIN.matcher(domain).matches()) {
      return "the part after @ is a domain name such as example.com";
    }
    return null;
  }

  private static String trimSpaces(String text) {
    int start = 0;
    int end = text.length();
    while (start < end && text.charAt(start) == ' ') {
      start++;
    }
    while (end > start && text.charAt(end - 1) == ' ') {
      end--;
    }
    return text.substring(start, end);
  }

  private static LatchkeyException invalid(String why) {
    return new LatchkeyException(ErrorCode.BAD_REQUEST, why);
  }

  @Override
  public String toString() {
    return value;
  }
}
