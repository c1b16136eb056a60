package io.latchkey.core.user;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a new password must be, after NIST SP 800-63B §5.1.1.2 ("Memorized Secret Verifiers"): at
 * least {@code minLength} characters (8 by default, never fewer), at most {@value #MAX_LENGTH} (the
 * standard asks that at least 64 be allowed), counted in Unicode code points as typed; any
 * character, spaces included; no composition rule (no "one digit, one symbol"); and not a password
 * of the list of common ones shipped with Latchkey ({@value #COMMON_LIST}), nor the username
 * itself, compared in lower case.
 *
 * <p>Passwords are not Unicode-normalised (§5.1.1.2 says "SHOULD" apply NFKC or NFKD): they are
 * hashed exactly as typed, so a password typed once with a composed "é" and once with "e" and a
 * combining accent does not match. Changing that would need every stored hash recomputed at its
 * user's next sign-in.
 */
public final class PasswordRules {
  /** NIST SP 800-63B: at least 8 characters for a password the user chose. */
  public static final int DEFAULT_MIN_LENGTH = 8;

  /** The longest password accepted, in code points (NIST: allow at least 64). */
  public static final int MAX_LENGTH = 256;

  /** The largest minimum an operator may set (a minimum above it would refuse every password). */
  public static final int MAX_MIN_LENGTH = 64;

  /** The resource, next to this class, with one common password a line. */
  public static final String COMMON_LIST = "common-passwords.txt";

  private final int minLength;
  private final Set<String> common;

  /**
   * @param minLength the fewest code points a password has, from 8 to 64
   * @param common lower-case passwords refused as too common
   */
  public PasswordRules(int minLength, Set<String> common) {
    if (minLength < DEFAULT_MIN_LENGTH || minLength > MAX_MIN_LENGTH) {
      throw new IllegalArgumentException(
          "the minimum password length is from " + DEFAULT_MIN_LENGTH + " to " + MAX_MIN_LENGTH);
    }
    this.minLength = minLength;
    this.common = Set.copyOf(common);
  }

  /** The rules with the list shipped with Latchkey. */
  public static PasswordRules shipped(int minLength) {
    return new PasswordRules(minLength, commonPasswords());
  }

  public int minLength() {
    return minLength;
  }

  /** The shipped list of common passwords, in lower case. */
  public static Set<String> commonPasswords() {
    try (InputStream in = PasswordRules.class.getResourceAsStream(COMMON_LIST)) {
      if (in == null) {
        throw new IllegalStateException("the resource " + COMMON_LIST + " is missing");
      }
      Set<String> out = new HashSet<>();
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        String entry = line.strip();
        if (!entry.isEmpty() && !entry.startsWith("#")) {
          out.add(entry.toLowerCase(Locale.ROOT));
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * What is wrong with {@code password} as the new password of {@code username}, if anything: the
   * error code to answer (never the password itself).
   */
  public Optional<ErrorCode> problem(String password, Username username) {
    if (password == null) {
      return Optional.of(ErrorCode.PASSWORD_TOO_SHORT);
    }
    int length = password.codePointCount(0, password.length());
    if (length < minLength) {
      return Optional.of(ErrorCode.PASSWORD_TOO_SHORT);
    }
    if (length > MAX_LENGTH) {
      return Optional.of(ErrorCode.PASSWORD_TOO_LONG);
    }
    if (guessable(password, username)) {
      return Optional.of(ErrorCode.PASSWORD_TOO_COMMON);
    }
    return Optional.empty();
  }

  /**
   * Whether an attacker's first guesses include {@code password} (§5.1.1.2: dictionary words,
   * repetitive characters, context-specific words such as the username). Compared as a guesser
   * would try it: in compatibility form (full-width letters are letters, NFKC) and lower case,
   * spaces at the ends dropped and inner runs of spaces as one, and again with the digits and
   * symbols at its end dropped ("password1!", "alice123"). One character repeated ("zzzzzzzz",
   * eight spaces) is refused too.
   */
  private boolean guessable(String password, Username username) {
    String folded =
        Normalizer.normalize(password, Normalizer.Form.NFKC)
            .toLowerCase(Locale.ROOT)
            .strip()
            .replaceAll("\\s+", " ");
    if (folded.isEmpty() || folded.codePoints().distinct().count() == 1) {
      return true;
    }
    String name = username == null ? null : username.value().toLowerCase(Locale.ROOT);
    String stem = folded.replaceAll("[\\p{N}\\p{P}\\p{S}\\s]+$", "");
    for (String candidate : List.of(folded, stem)) {
      if (common.contains(candidate) || candidate.equals(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * @throws LatchkeyException {@code password_too_short}, {@code password_too_long} or {@code
   *     password_too_common}, with a detail that names the rule, never the password
   */
  public void check(String password, Username username) {
    Optional<ErrorCode> problem = problem(password, username);
    if (problem.isPresent()) {
      throw new LatchkeyException(problem.get(), describe(problem.get()));
    }
  }

  /** The rule a refusal broke, in words for the audit log and an administrator's API detail. */
  public String describe(ErrorCode problem) {
    return switch (problem) {
      case PASSWORD_TOO_SHORT -> "a password has at least " + minLength + " characters";
      case PASSWORD_TOO_LONG -> "a password has at most " + MAX_LENGTH + " characters";
      case PASSWORD_TOO_COMMON ->
          "the password is in the list of common passwords, or is the username";
      default -> problem.code();
    };
  }
}
