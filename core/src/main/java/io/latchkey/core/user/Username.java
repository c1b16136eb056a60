package io.latchkey.core.user;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import java.text.Normalizer;
import java.util.Locale;

/**
 * A username in its one canonical form: Unicode NFKC, then case-folded, then NFKC again (case
 * folding can denormalise), trimmed. {@code Alice}, {@code ALICE} and full-width {@code Ａｌｉｃｅ} are
 * one account (SECURITY-TESTS D6: canonicalise before every lookup). A colon is refused because the
 * name goes into otpauth labels (INTEROP.md §1.3).
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
   *     whitespace inside, control or format characters, or an unpaired surrogate (which UTF-8
   *     writes as {@code ?}, so "a" followed by U+D800 would collide with {@code a?} once stored)
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
    // Allowed characters only; this also refuses an unpaired surrogate (UTF-8 writes it as '?',
    // so "a" + U+D800 would collide with "a?" once stored).
    if (!canonical.codePoints().allMatch(Username::allowed)) {
      throw invalid(
          "a username has letters, digits and . _ - @ + only (no spaces, colons, slashes or"
              + " control characters)");
    }
    if (canonical.chars().allMatch(c -> c == '.')) {
      throw invalid("a username cannot be only dots");
    }
    return new Username(canonical);
  }

  /**
   * Letters and digits of any script (so 山田 and josé are fine) and the punctuation of e-mail style
   * names. Everything else is refused: a colon splits otpauth labels, a slash or backslash breaks
   * the admin API's paths, and spaces, control and format characters make look-alikes.
   */
  private static boolean allowed(int cp) {
    int type = Character.getType(cp);
    return Character.isLetterOrDigit(cp)
        || type == Character.NON_SPACING_MARK
        || type == Character.COMBINING_SPACING_MARK
        || cp == '.'
        || cp == '_'
        || cp == '-'
        || cp == '@'
        || cp == '+';
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
