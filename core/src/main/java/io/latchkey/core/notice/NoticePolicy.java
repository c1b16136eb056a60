package io.latchkey.core.notice;

import java.time.Duration;

/**
 * How notices are delivered.
 *
 * @param mailEnabled whether an SMTP server is configured; without one, notices are only shown on
 *     the user's page
 * @param maxAttempts delivery attempts before a notice is marked failed (1 to 20)
 * @param retryDelay the wait after the first failed attempt; it doubles after each further one, up
 *     to {@link #MAX_DELAY}
 * @param claimTimeout how long a sender owns a claimed notice; after that another may take it (the
 *     first node died while sending)
 */
public record NoticePolicy(
    boolean mailEnabled, int maxAttempts, Duration retryDelay, Duration claimTimeout) {
  public static final Duration MAX_DELAY = Duration.ofHours(6);

  public NoticePolicy {
    if (maxAttempts < 1 || maxAttempts > 20) {
      throw new IllegalArgumentException("latchkey.mail.max-attempts must be between 1 and 20");
    }
    if (retryDelay == null || retryDelay.isNegative() || retryDelay.compareTo(MAX_DELAY) > 0) {
      throw new IllegalArgumentException("latchkey.mail.retry-delay must be between 0 and 6h");
    }
    if (claimTimeout == null || claimTimeout.compareTo(Duration.ofSeconds(10)) < 0) {
      throw new IllegalArgumentException("the claim timeout must be at least 10s");
    }
  }

  /** The wait before attempt {@code attemptsMade + 1}: retryDelay × 2^(attemptsMade − 1). */
  public Duration delayAfter(int attemptsMade) {
    Duration delay = retryDelay;
    for (int i = 1; i < attemptsMade && delay.compareTo(MAX_DELAY) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay;
  }
}
