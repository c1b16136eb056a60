package io.latchkey.core.otp;

/**
 * How a value that someone else wrote (a URI, a file) may appear in an error message: shortened and
 * stripped of anything that could forge a log line or carry a secret's length.
 */
final class Echo {
  private static final int MAX_ECHO = 16;

  private Echo() {}

  /** At most 16 characters of letters, digits, '-' and '_'; anything else becomes '?'. */
  static String printable(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length() && i < MAX_ECHO; i++) {
      char c = text.charAt(i);
      boolean safe =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_';
      out.append(safe ? c : '?');
    }
    if (text.length() > MAX_ECHO) {
      out.append("...");
    }
    return out.toString();
  }
}
