package io.latchkey.core.user;

import java.time.Duration;

/**
 * How many password checks the server evaluates before it makes the caller wait, in three fixed
 * windows (SECURITY-TESTS A5, B5 and issue 14). A delay, never a lock: when a window ends its count
 * starts again, and a limit reached from one address never stops the owner signing in from another.
 * A success gives its attempt back (it was no guess), so only failures (and checks still running)
 * fill a window.
 *
 * @param perNameAndAddress one username tried from one client address (default 10 per 15 minutes)
 * @param perAddress every username tried from one client address (default 50 per 15 minutes): past
 *     it, a spraying address waits for every name
 * @param global every check on every node (default 1000 per minute): a ceiling on the hashing work
 *     a spray from many addresses can cause
 */
public record SignInThrottlePolicy(Limit perNameAndAddress, Limit perAddress, Limit global) {
  public static final SignInThrottlePolicy DEFAULT =
      new SignInThrottlePolicy(
          new Limit(10, Duration.ofMinutes(15)),
          new Limit(50, Duration.ofMinutes(15)),
          new Limit(1000, Duration.ofMinutes(1)));

  public SignInThrottlePolicy {
    if (perNameAndAddress == null || perAddress == null || global == null) {
      throw new IllegalArgumentException("every limit is needed");
    }
  }

  /** The limit of one scope. */
  public Limit limit(SignInThrottleRepository.Scope scope) {
    return switch (scope) {
      case NAME_AND_ADDRESS -> perNameAndAddress;
      case ADDRESS -> perAddress;
      case GLOBAL -> global;
    };
  }

  /**
   * At most {@code attempts} checks in a window of {@code window} that opens with the first one.
   *
   * @param attempts at least 1
   * @param window at least one second, at most a day
   */
  public record Limit(int attempts, Duration window) {
    public Limit {
      if (attempts < 1) {
        throw new IllegalArgumentException("a sign-in limit allows at least one attempt");
      }
      if (window == null
          || window.compareTo(Duration.ofSeconds(1)) < 0
          || window.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("a sign-in window is from 1s to 1d");
      }
    }

    @Override
    public String toString() {
      return attempts + " per " + window.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }
  }
}
