package io.latchkey.app;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * How long to wait before connecting again (docs/PUSH-PROTOCOL.md §3): 1 s, doubling after each
 * failure up to 30 s, back to 1 s after a connection succeeds. The wait is jittered to between half
 * and all of that ("equal jitter"), so devices cut off together by a server restart do not all come
 * back in the same second.
 */
final class Backoff {
  static final Duration FIRST = Duration.ofSeconds(1);
  static final Duration MAX = Duration.ofSeconds(30);

  private final DoubleSupplier random;
  private Duration nominal = FIRST;

  /**
   * @param random uniform in [0, 1): the jitter
   */
  Backoff(DoubleSupplier random) {
    this.random = random;
  }

  /** The wait before the next attempt; each call doubles the one after. */
  Duration next() {
    Duration current = nominal;
    Duration doubled = nominal.multipliedBy(2);
    nominal = doubled.compareTo(MAX) > 0 ? MAX : doubled;
    long millis = current.toMillis();
    return Duration.ofMillis(millis / 2 + (long) (random.getAsDouble() * (millis - millis / 2)));
  }

  /** After a successful connection: the next wait is short again. */
  void reset() {
    nominal = FIRST;
  }
}
