package io.latchkey.core.user;

import java.time.Duration;

/**
 * How failed passwords slow down the next tries of one username: a few failures are free, then each
 * further failure doubles the wait, up to a cap. A delay, never a lock (SECURITY-TESTS B5): once it
 * has passed, the right password works again.
 *
 * @param freeFailures consecutive failures that cost no wait (default 5)
 * @param firstDelay the wait after the first failure beyond the free ones (default 1 s)
 * @param maxDelay the longest wait, however many failures (default 15 minutes)
 */
public record SignInThrottlePolicy(int freeFailures, Duration firstDelay, Duration maxDelay) {
  public static final SignInThrottlePolicy DEFAULT =
      new SignInThrottlePolicy(5, Duration.ofSeconds(1), Duration.ofMinutes(15));

  public SignInThrottlePolicy {
    if (freeFailures < 0) {
      throw new IllegalArgumentException("the free failures cannot be negative");
    }
    if (firstDelay == null || firstDelay.isNegative() || firstDelay.isZero()) {
      throw new IllegalArgumentException("the first delay must be positive");
    }
    if (maxDelay == null || maxDelay.compareTo(firstDelay) < 0) {
      throw new IllegalArgumentException("the longest delay cannot be shorter than the first");
    }
  }

  /**
   * The wait after {@code failures} consecutive failures: none up to {@link #freeFailures}, then
   * {@code firstDelay × 2^(failures − freeFailures − 1)}, at most {@link #maxDelay}.
   */
  public Duration delayAfter(int failures) {
    if (failures <= freeFailures) {
      return Duration.ZERO;
    }
    Duration delay = firstDelay;
    // Stops doubling at the cap, so a huge count cannot overflow.
    for (int i = freeFailures + 1; i < failures && delay.compareTo(maxDelay) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(maxDelay) < 0 ? delay : maxDelay;
  }
}
