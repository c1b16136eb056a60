package io.latchkey.server.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock tests move forward instead of sleeping. Shared by the server under test. */
public final class MutableClock extends Clock {
  private final AtomicReference<Instant> now;

  public MutableClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  /** Shows the same time as {@code other} (a second node of the same test). */
  public void sameAs(Clock other) {
    now.set(other.instant());
  }

  public void advance(Duration duration) {
    now.updateAndGet(t -> t.plus(duration));
  }

  /**
   * Sets the clock back, as an NTP step or an operator would. Tests share one server and expect
   * time to move forward only, so a test that rewinds puts the clock forward again when it ends.
   */
  public void rewind(Duration duration) {
    advance(duration.negated());
  }

  /** Moves to the start of the next TOTP step of {@code period} seconds, plus one second. */
  public void nextStep(int period) {
    now.updateAndGet(t -> Instant.ofEpochSecond((t.getEpochSecond() / period + 1) * period + 1));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
