package io.latchkey.core.policy;

import java.time.Duration;

/**
 * When a user's account is blocked automatically for suspicious activity, besides the lockout
 * threshold (consecutive wrong codes, which has no window: NIST SP 800-63B §5.2.2 lets only a
 * success or an administrator reset it).
 *
 * @param pushRefusalsMax denied or reported push requests within {@code pushRefusalsWindow} that
 *     block the account; 0 turns the rule off (the default: pushes are already paused after a few
 *     denials or one report, and blocking the account on denials would let anyone who knows a
 *     password lock its owner out of every method by sending requests for them to deny)
 * @param pushRefusalsWindow the window of that count
 * @param registrationsMax registration starts and retries (TOTP and push together) allowed within
 *     {@code registrationsWindow}; the next one is refused and blocks the user; 0 turns it off
 * @param registrationsWindow the window of that count
 */
public record AutoBlockRules(
    int pushRefusalsMax,
    Duration pushRefusalsWindow,
    int registrationsMax,
    Duration registrationsWindow) {

  public AutoBlockRules {
    PolicyKey.AUTOBLOCK_PUSH_REFUSALS_MAX.checkInteger(pushRefusalsMax);
    PolicyKey.AUTOBLOCK_PUSH_REFUSALS_WINDOW.checkDuration(pushRefusalsWindow);
    PolicyKey.AUTOBLOCK_REGISTRATIONS_MAX.checkInteger(registrationsMax);
    PolicyKey.AUTOBLOCK_REGISTRATIONS_WINDOW.checkDuration(registrationsWindow);
  }

  /** Push refusals never block the account; more than 10 registrations in an hour do. */
  public static AutoBlockRules defaults() {
    return new AutoBlockRules(0, Duration.ofHours(1), 10, Duration.ofHours(1));
  }
}
