package io.latchkey.core.error;

import java.time.Duration;

/**
 * A refusal that ends by itself: {@code rate_limited} (or {@code service_unavailable}) with how
 * long the caller should wait, which the web layer sends as {@code Retry-After}.
 */
public class RetryLater extends LatchkeyException {
  private final Duration retryAfter;

  public RetryLater(ErrorCode code, String detail, Duration retryAfter) {
    super(code, detail);
    if (retryAfter == null || retryAfter.isNegative()) {
      throw new IllegalArgumentException("a wait is zero or more");
    }
    this.retryAfter = retryAfter;
  }

  /** How long to wait before trying again. */
  public Duration retryAfter() {
    return retryAfter;
  }

  /** The wait in whole seconds, rounded up and at least 1, as {@code Retry-After} says it. */
  public long retryAfterSeconds() {
    long seconds = retryAfter.toSeconds() + (retryAfter.toNanosPart() > 0 ? 1 : 0);
    return Math.max(1, seconds);
  }
}
