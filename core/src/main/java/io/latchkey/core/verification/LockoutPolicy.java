package io.latchkey.core.verification;

/**
 * @param maxConsecutiveFailures failed second-factor attempts after which the user is blocked until
 *     an admin unblocks (NIST SP 800-63B allows at most 100; default 10)
 */
public record LockoutPolicy(int maxConsecutiveFailures) {
  public LockoutPolicy {
    if (maxConsecutiveFailures < 1 || maxConsecutiveFailures > 100) {
      throw new IllegalArgumentException("the lockout threshold must be between 1 and 100");
    }
  }
}
