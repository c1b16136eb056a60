package io.latchkey.core.audit;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * The identifier a user copies to an administrator: one per request, printed on every error and in
 * the {@code X-Correlation-Id} header, and the key of the audit record behind it. Twenty characters
 * of Crockford Base32 in four groups of five ({@code 7Q2MK-9TDW4-XH3BZ-R8N6P}): 100 random bits,
 * easy to read aloud, no ambiguous letters.
 */
public record CorrelationId(String value) {
  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final Pattern FORMAT =
      Pattern.compile("[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}");

  public CorrelationId {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw new IllegalArgumentException("not a correlation ID");
    }
  }

  public static CorrelationId random(SecureRandom random) {
    StringBuilder out = new StringBuilder(23);
    for (int i = 0; i < 20; i++) {
      if (i > 0 && i % 5 == 0) {
        out.append('-');
      }
      out.append(ALPHABET[random.nextInt(32)]);
    }
    return new CorrelationId(out.toString());
  }

  /**
   * Accepts what a person pasted, typed or read over the phone: any case, with or without dashes,
   * with spaces (or dots, underscores) between the groups, and the usual Crockford confusions (O
   * for 0, I or L for 1). Empty if it cannot be one.
   */
  public static java.util.Optional<CorrelationId> parse(String text) {
    if (text == null || text.length() > 200) {
      return java.util.Optional.empty();
    }
    StringBuilder symbols = new StringBuilder(20);
    for (int i = 0; i < text.length(); i++) {
      char c = Character.toUpperCase(text.charAt(i));
      if (Character.isWhitespace(c)
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '\u2010'
          || c == '\u2013'
          || c == '\u2212'
          || c == '\u3000'
          || c == '\u30FC') {
        continue;
      }
      symbols.append(
          switch (c) {
            case 'O' -> '0';
            case 'I', 'L' -> '1';
            default -> c;
          });
    }
    if (symbols.length() != 20) {
      return java.util.Optional.empty();
    }
    StringBuilder out = new StringBuilder(23);
    for (int i = 0; i < 20; i++) {
      if (i > 0 && i % 5 == 0) {
        out.append('-');
      }
      out.append(symbols.charAt(i));
    }
    String cleaned = out.toString();
    return FORMAT.matcher(cleaned).matches()
        ? java.util.Optional.of(new CorrelationId(cleaned))
        : java.util.Optional.empty();
  }

  @Override
  public String toString() {
    return value;
  }
}
