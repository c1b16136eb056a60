package io.latchkey.core.clock;

import io.latchkey.core.alert.Alert;
import io.latchkey.core.alert.AlertRepository;
import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.RequestContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Notices this node's clock going backwards and tells the administrator (SECURITY-TESTS I4: "an
 * alert fires"). A backward step never weakens replay protection (a TOTP step once used stays used,
 * {@code markStepUsedIfNewer}), but until the clock is right again users' codes are refused and
 * deadlines last longer than set, and nothing else would say why.
 *
 * <p>Each {@link #check} compares the injected clock with its reading at the previous check. A
 * reading earlier than the previous one by more than {@link #TOLERANCE} is a step back: a working
 * clock never shows that, whatever else happens to the host. The size of the step is estimated with
 * the monotonic clock ({@code System.nanoTime}), which NTP and the administrator cannot set: the
 * wall clock should have moved on by the monotonic time that passed. A step back shorter than the
 * time between two checks leaves the clock still ahead of its previous reading and goes unnoticed;
 * so do steps forward, which a suspended virtual machine makes too.
 */
public final class ClockWatch {
  /** The alert's kind (a stable word, as the console and API show it). */
  public static final String KIND = "clock_stepped_back";

  /** Below this, a step back is left to NTP's own slewing. */
  public static final Duration TOLERANCE = Duration.ofSeconds(1);

  private final Clock clock;
  private final LongSupplier nanoTime;
  private final AlertRepository alerts;
  private final AuditLog audit;

  private Instant lastWall;
  private long lastNanos;

  /**
   * @param nanoTime the monotonic clock, {@code System::nanoTime} outside tests
   */
  public ClockWatch(Clock clock, LongSupplier nanoTime, AlertRepository alerts, AuditLog audit) {
    this.clock = clock;
    this.nanoTime = nanoTime;
    this.alerts = alerts;
    this.audit = audit;
  }

  /**
   * Reads the clock; raises an alert (and an audit record under {@code context}'s correlation ID)
   * when it went back since the previous check.
   *
   * @return how far it went back, estimated with the monotonic clock; empty if it did not
   */
  public synchronized Optional<Duration> check(RequestContext context) {
    Instant now = clock.instant();
    long nanos = nanoTime.getAsLong();
    Instant previous = lastWall;
    long elapsed = nanos - lastNanos;
    lastWall = now;
    lastNanos = nanos;
    if (previous == null || !now.isBefore(previous.minus(TOLERANCE))) {
      return Optional.empty();
    }
    Duration back = Duration.between(now, previous.plusNanos(Math.max(0, elapsed)));
    String detail = detail(previous, now, back);
    audit.record(
        AuditEvent.of(AuditEventType.CLOCK_STEPPED_BACK, context, now)
            .failure(KIND)
            .detail(detail)
            .build());
    alerts.raise(
        new Alert(UUID.randomUUID(), now, KIND, null, null, detail, context.correlationId(), null));
    return Optional.of(back);
  }

  /** The cause, what users see meanwhile, and the remedy, for the alert and the audit record. */
  static String detail(Instant previous, Instant now, Duration back) {
    return "The server's clock went back by about "
        + words(back)
        + " (it read "
        + previous
        + ", then "
        + now
        + "). TOTP steps already used stay used, so until the clock is right again users' codes"
        + " are refused (code_reused or invalid_code, counted as failures), and registrations and"
        + " push requests last longer than set. Remedy: check this host's time synchronisation"
        + " (timedatectl status; chronyc tracking or ntpq -p), set the clock right, and unblock"
        + " any user locked out meanwhile.";
  }

  private static String words(Duration duration) {
    long seconds = duration.toSeconds();
    return seconds >= 120 ? seconds / 60 + " min " + seconds % 60 + " s" : seconds + " s";
  }
}
