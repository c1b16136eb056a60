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

  /** Accepts what a person pasted: any case, surrounding spaces. Empty if it cannot be one. */
  public static java.util.Optional<CorrelationId> parse(String text) {
    if (text == null) {
      return java.util.Optional.empty();
    }
    String cleaned = text.strip().toUpperCase(java.util.Locale.ROOT);
    return FORMAT.matcher(cleaned).matches()
        ? java.util.Optional.of(new CorrelationId(cleaned))
        : java.util.Optional.empty();
  }

  @Override
  public String toString() {
    return value;
  }
}
