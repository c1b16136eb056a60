package io.latchkey.core.method;

import io.latchkey.core.user.User;
import java.time.Instant;

/**
 * The contract of a method that checks a code the user types (TOTP now; backup codes later). The
 * verification service asks each registered kind in turn; adding a kind adds one implementation.
 */
public interface CodeMethod {

  MethodKind kind();

  /** Whether the user has a registered method of this kind. */
  boolean isRegistered(User user);

  /** Whether {@code code} has the shape this kind's codes have for this user (length, alphabet). */
  boolean accepts(User user, String code);

  /**
   * Checks the code and, if it is right and not used before, consumes it atomically.
   *
   * @return what happened; never throws for a wrong code
   */
  CodeCheck check(User user, String code, Instant now);

  /** The outcome of one check. */
  enum Outcome {
    ACCEPTED,
    REUSED,
    REJECTED
  }

  /**
   * @param methodId the method that accepted or recognised the code; null when rejected
   */
  record CodeCheck(Outcome outcome, MethodId methodId) {
    public static final CodeCheck REJECTED = new CodeCheck(Outcome.REJECTED, null);
  }
}
