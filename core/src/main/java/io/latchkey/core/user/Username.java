package io.latchkey.core.user;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import java.text.Normalizer;
import java.util.Locale;

/**
 * A username in its one canonical form: Unicode NFKC, then case-folded, then NFKC again (case
 * folding can denormalise), trimmed. {@code Alice}, {@code ALICE} and full-width {@code Ａｌｉｃｅ}
 * are one account (SECURITY-TESTS D6: canonicalise before every lookup). A colon is refused
 * because the name goes into otpauth labels (INTEROP.md §1.3).
 */
public record Username(String value) {
  public static final int MAX_LENGTH = 64;

  public Username {
    if (value == null || !value.equals(canonical(value))) {
      throw new IllegalArgumentException("not a canonical username");
    }
  }

  /**
   * Canonicalises and validates what a person typed.
   *
   * @throws LatchkeyException {@code bad_request} when empty, too long, or containing a colon,
   *     whitespace inside, or control characters
   */
  public static Username of(String typed) {
    if (typed == null) {
      throw invalid("a username is required");
    }
    String canonical = canonical(typed);
    if (canonical.isEmpty()) {
      throw invalid("a username is required");
    }
    if (canonical.codePointCount(0, canonical.length()) > MAX_LENGTH) {
      throw invalid("a username has at most " + MAX_LENGTH + " characters");
    }
    boolean bad =
        canonical
            .codePoints()
            .anyMatch(cp -> cp == ':' || Character.isWhitespace(cp) || Character.isISOControl(cp)
                || Character.getType(cp) == Character.FORMAT);
    if (bad) {
      throw invalid("a username may not contain spaces, colons or control characters");
    }
    return new Username(canonical);
  }

  static String canonical(String text) {
    String once = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    return Normalizer.normalize(once, Normalizer.Form.NFKC).strip();
  }

  private static LatchkeyException invalid(String why) {
    return new LatchkeyException(ErrorCode.BAD_REQUEST, why);
  }

  @Override
  public String toString() {
    return value;
  }
}
