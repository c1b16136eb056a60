package io.latchkey.app;

import java.net.URI;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import tools.jackson.databind.JsonNode;

/**
 * Asks a server for its time a few times ({@code GET /api/v1/device/time}, docs/PUSH-PROTOCOL.md
 * §3) and measures the round trips and this device's clock offset. Round trips are measured on the
 * monotonic clock; the offset compares the injected clock with the server's, assuming the answer
 * was made halfway through the round trip, and is taken from the fastest sample, whose halfway
 * guess is the least uncertain (as NTP does).
 */
final class ServerProbe {
  static final int SAMPLES = 5;

  /** What a server turned out to be. */
  sealed interface Result permits Reached, Unreachable, NotLatchkey {}

  /**
   * A Latchkey server answered every sample.
   *
   * @param minRtt the fastest round trip
   * @param medianRtt the median round trip
   * @param offset this device's clock minus the server's: positive when this device is ahead
   */
  record Reached(Duration minRtt, Duration medianRtt, Duration offset, int samples)
      implements Result {}

  /**
   * No connection.
   *
   * @param reason "could not connect", "its name could not be found", ...
   */
  record Unreachable(String reason) implements Result {}

  /**
   * Something answered, but not as a Latchkey server does.
   *
   * @param what what it answered: "HTTP 404", "HTTP 200 without the server's time", ...
   */
  record NotLatchkey(String what) implements Result {}

  private final PushClient client;
  private final Clock clock;
  private final LongSupplier nanoTime;

  ServerProbe(PushClient client, Clock clock) {
    this(client, clock, System::nanoTime);
  }

  ServerProbe(PushClient client, Clock clock, LongSupplier nanoTime) {
    this.client = client;
    this.clock = clock;
    this.nanoTime = nanoTime;
  }

  Result probe(URI server) {
    List<Duration> rtts = new ArrayList<>();
    Duration bestRtt = null;
    Duration bestOffset = null;
    for (int i = 0; i < SAMPLES; i++) {
      Instant sent = clock.instant();
      long start = nanoTime.getAsLong();
      PushClient.Reply reply;
      try {
        reply = client.getOpen(server, PushClient.TIME);
      } catch (AppException e) {
        return new Unreachable(PushClient.describe(e.getCause() == null ? e : e.getCause()));
      }
      Duration rtt = Duration.ofNanos(nanoTime.getAsLong() - start);
      Optional<Instant> serverTime = serverTime(reply);
      if (serverTime.isEmpty()) {
        return new NotLatchkey(
            reply.status() == 200
                ? "HTTP 200 without a Latchkey server's time"
                : "HTTP " + reply.status());
      }
      rtts.add(rtt);
      if (bestRtt == null || rtt.compareTo(bestRtt) < 0) {
        bestRtt = rtt;
        bestOffset = offset(sent, rtt, serverTime.get());
      }
    }
    List<Duration> sorted = rtts.stream().sorted().toList();
    return new Reached(sorted.getFirst(), median(sorted), bestOffset, sorted.size());
  }

  /**
   * This device's clock minus the server's, for a request sent at {@code sent} (this device's
   * clock) that took {@code rtt} and was answered with {@code serverTime}: the server is taken to
   * have read its clock halfway through.
   */
  static Duration offset(Instant sent, Duration rtt, Instant serverTime) {
    return Duration.between(serverTime, sent.plus(rtt.dividedBy(2)));
  }

  /** The middle of {@code sorted}, or the mean of the two middle ones. */
  static Duration median(List<Duration> sorted) {
    int n = sorted.size();
    return n % 2 == 1
        ? sorted.get(n / 2)
        : sorted.get(n / 2 - 1).plus(sorted.get(n / 2)).dividedBy(2);
  }

  private static Optional<Instant> serverTime(PushClient.Reply reply) {
    if (reply.status() != 200) {
      return Optional.empty();
    }
    JsonNode body = reply.json().orElse(null);
    if (!Json.string(body, "service").filter("latchkey"::equals).isPresent()) {
      return Optional.empty();
    }
    try {
      return Json.string(body, "time").map(Instant::parse);
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }
}
