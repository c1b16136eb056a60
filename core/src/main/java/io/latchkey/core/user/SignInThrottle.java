package io.latchkey.core.user;

import java.time.Clock;
import java.time.Instant;

/**
 * Increasing delays between password attempts for one username (SECURITY-TESTS B5): the wait is
 * computed from the stored failure count and the latest failure, so one atomic increment is the
 * only write a failure needs. It only delays the password stage; the second factor and the
 * account's status are never touched.
 */
public final class SignInThrottle {
  private final SignInThrottleRepository failures;
  private final SignInThrottlePolicy policy;
  private final Clock clock;

  public SignInThrottle(
      SignInThrottleRepository failures, SignInThrottlePolicy policy, Clock clock) {
    this.failures = failures;
    this.policy = policy;
    this.clock = clock;
  }

  /** True while the name must wait before its password may be checked again. */
  public boolean isDelayed(Username username) {
    Instant now = clock.instant();
    return failures
        .find(username)
        .map(f -> now.isBefore(f.latest().plus(policy.delayAfter(f.count()))))
        .orElse(false);
  }

  public void failed(Username username) {
    failures.recordFailure(username, clock.instant());
  }

  public void succeeded(Username username) {
    failures.reset(username);
  }
}
