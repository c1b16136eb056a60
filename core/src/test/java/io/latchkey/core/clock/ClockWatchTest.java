package io.latchkey.core.clock;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.alert.Alert;
import io.latchkey.core.alert.AlertRepository;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.testing.InMemoryAuditLog;
import io.latchkey.core.testing.MutableClock;
import io.latchkey.core.testing.Requests;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ClockWatchTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T09:00:10Z"));
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final RecordingAlerts alerts = new RecordingAlerts();
  private final InMemoryAuditLog audit = new InMemoryAuditLog();
  private final ClockWatch watch = new ClockWatch(clock, nanos::get, alerts, audit);

  @Test
  void aClockSetBackFiveMinutesRaisesOneAlertWithCauseAndRemedy() {
    watch.check(Requests.by("system:sweeper"));
    pass(Duration.ofSeconds(30));
    clock.advance(Duration.ofSeconds(30).minusMinutes(5));

    Optional<Duration> back = watch.check(Requests.by("system:sweeper"));

    assertThat(back).contains(Duration.ofMinutes(5));
    assertThat(alerts.raised).singleElement().satisfies(this::isAboutAStepOfFiveMinutes);
    assertThat(audit.single(AuditEventType.CLOCK_STEPPED_BACK).detail())
        .isEqualTo(alerts.raised.getFirst().detail());

    // Once: the clock runs on normally from its new reading.
    pass(Duration.ofSeconds(30));
    clock.advance(Duration.ofSeconds(30));
    assertThat(watch.check(Requests.by("system:sweeper"))).isEmpty();
    assertThat(alerts.raised).hasSize(1);
  }

  @Test
  void aClockThatStandsStillOrJumpsForwardRaisesNothing() {
    watch.check(Requests.by("system:sweeper"));
    pass(Duration.ofMinutes(10));
    assertThat(watch.check(Requests.by("system:sweeper"))).isEmpty();
    clock.advance(Duration.ofHours(3));
    assertThat(watch.check(Requests.by("system:sweeper"))).isEmpty();

    assertThat(alerts.raised).isEmpty();
    assertThat(audit.events()).isEmpty();
  }

  @Test
  void aStepBackWithinTheToleranceIsLeftToNtp() {
    watch.check(Requests.by("system:sweeper"));
    clock.advance(ClockWatch.TOLERANCE.negated());

    assertThat(watch.check(Requests.by("system:sweeper"))).isEmpty();
    assertThat(alerts.raised).isEmpty();
  }

  @Test
  void theFirstCheckOnlyTakesAReading() {
    clock.set(Instant.EPOCH);

    assertThat(watch.check(Requests.by("system:sweeper"))).isEmpty();
    assertThat(alerts.raised).isEmpty();
  }

  private void isAboutAStepOfFiveMinutes(Alert alert) {
    assertThat(alert.kind()).isEqualTo(ClockWatch.KIND);
    assertThat(alert.userId()).isNull();
    assertThat(alert.raisedAt()).isEqualTo(clock.instant());
    assertThat(alert.detail())
        .contains("went back by about 5 min 0 s")
        .contains("2026-03-02T09:00:10Z", "2026-03-02T08:55:40Z")
        .contains("timedatectl");
  }

  private void pass(Duration monotonic) {
    nanos.addAndGet(monotonic.toNanos());
  }

  private static final class RecordingAlerts implements AlertRepository {
    final List<Alert> raised = new ArrayList<>();

    @Override
    public void raise(Alert alert) {
      raised.add(alert);
    }

    @Override
    public List<Alert> recent(boolean openOnly, int limit) {
      return raised.reversed();
    }

    @Override
    public Optional<Alert> find(UUID id) {
      return raised.stream().filter(a -> a.id().equals(id)).findFirst();
    }

    @Override
    public boolean acknowledge(UUID id, Instant at) {
      return false;
    }
  }
}
