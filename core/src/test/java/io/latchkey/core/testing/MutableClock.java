package io.latchkey.core.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock the test moves by hand (STYLE 4): time passes only when the test says so. */
public final class MutableClock extends Clock {
  private volatile Instant now;

  public MutableClock(Instant start) {
    this.now = start;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /** Only UTC: the domain reads instants, never local time. */
  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("the test clock is UTC only");
  }

  @Override
  public Instant instant() {
    return now;
  }

  public void set(Instant instant) {
    now = instant;
  }

  public void advance(Duration duration) {
    now = now.plus(duration);
  }
}
