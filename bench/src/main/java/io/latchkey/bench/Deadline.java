package io.latchkey.bench;

import java.time.Duration;

/** The end of the whole run ({@code --max-seconds}), on the monotonic clock. */
final class Deadline {
  /** The longest a single request may take, whatever time is left. */
  static final Duration MAX_REQUEST = Duration.ofSeconds(30);

  /** The time cap passed: the caller stops and reports what it has. */
  static final class Exceeded extends RuntimeException {
    Exceeded() {
      super("the --max-seconds cap was reached", null, false, false);
    }
  }

  private final long endNanos;

  Deadline(Duration budget) {
    this.endNanos = System.nanoTime() + budget.toNanos();
  }

  boolean passed() {
    return System.nanoTime() - endNanos >= 0;
  }

  Duration remaining() {
    return Duration.ofNanos(Math.max(0, endNanos - System.nanoTime()));
  }

  /** The time-out for the next request: at most {@link #MAX_REQUEST}, never past the end. */
  Duration requestTimeout() {
    Duration left = remaining();
    if (left.isZero()) {
      throw new Exceeded();
    }
    return left.compareTo(MAX_REQUEST) < 0 ? left : MAX_REQUEST;
  }
}
