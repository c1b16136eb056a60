package io.latchkey.core.method;

import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.user.User;
import java.time.Instant;

/**
 * The contract of a method that checks a code the user types (TOTP now; backup codes later). The
 * verification service asks each registered kind in turn; adding a kind adds one implementation.
 */
public interface CodeMethod {

  MethodKind kind();

  /**
   * Reads the user's methods of this kind once (and opens their sealed secrets once), for one
   * verification: the registered check, the shape check and the code check then share them.
   */
  Loaded load(User user);

  /** One user's methods of this kind, as read for one verification. */
  interface Loaded {
    /** Whether the user has a registered method of this kind. */
    boolean registered();

    /** Whether {@code code} has the shape this kind's codes have (length, alphabet). */
    boolean accepts(String code);

    /**
     * Checks the code and, if it is right and not used before, consumes it atomically.
     *
     * @return what happened; never throws for a wrong code
     */
    CodeCheck check(String code, Instant now);

    /**
     * The same, for a request: a kind that tells the user about a use (a backup code spent) does it
     * in the transaction that consumes the code, under the request's correlation ID.
     */
    default CodeCheck check(String code, Instant now, RequestContext context) {
      return check(code, now);
    }
  }

  /** Whether the user has a registered method of this kind. */
  default boolean isRegistered(User user) {
    return load(user).registered();
  }

  /** Whether {@code code} has the shape this kind's codes have for this user. */
  default boolean accepts(User user, String code) {
    return load(user).accepts(code);
  }

  /** Checks and consumes one code (see {@link Loaded#check}). */
  default CodeCheck check(User user, String code, Instant now) {
    return load(user).check(code, now);
  }

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
