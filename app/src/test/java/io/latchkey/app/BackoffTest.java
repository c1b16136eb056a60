package io.latchkey.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Reconnection waits (docs/PUSH-PROTOCOL.md §3): 1 s doubling to 30 s, jittered, reset. */
class BackoffTest {

  private static List<Long> waits(Backoff backoff, int n) {
    List<Long> millis = new ArrayList<>();
    IntStream.range(0, n).forEach(i -> millis.add(backoff.next().toMillis()));
    return millis;
  }

  @Test
  void withoutJitterTheWaitsDoubleFromOneSecondUpToThirty() {
    Backoff longest = new Backoff(() -> 0.999999);

    assertThat(waits(longest, 8))
        .containsExactly(999L, 1999L, 3999L, 7999L, 15999L, 29999L, 29999L, 29999L);
  }

  @Test
  void jitterNeverShortensAWaitBelowHalf() {
    Backoff shortest = new Backoff(() -> 0.0);

    assertThat(waits(shortest, 7))
        .containsExactly(500L, 1000L, 2000L, 4000L, 8000L, 15000L, 15000L);
  }

  @Test
  void aSuccessfulConnectionMakesTheNextWaitShortAgain() {
    Backoff backoff = new Backoff(() -> 0.5);
    waits(backoff, 4);

    backoff.reset();

    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(750));
    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void waitsStayWithinTheirWindowForAnyJitter() {
    Backoff random = new Backoff(() -> Math.random());
    long[] nominal = {1000, 2000, 4000, 8000, 16000, 30000, 30000};

    List<Long> waits = waits(random, nominal.length);

    for (int i = 0; i < nominal.length; i++) {
      assertThat(waits.get(i)).isBetween(nominal[i] / 2, nominal[i]);
    }
  }
}
