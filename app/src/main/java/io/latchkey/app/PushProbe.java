package io.latchkey.app;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Opens one device's signed event stream ({@code GET /api/v1/device/stream}, as {@code listen}
 * does) and holds it for a few seconds: can this device keep a push connection open? It prints
 * nothing the server sends; the sign-in requests that arrive are counted, since the server now
 * counts them as delivered.
 */
final class PushProbe {

  /** How it went. */
  sealed interface Result permits Kept, Refused, Lost {}

  /**
   * The server sent {@code ready} and the stream stayed open for the whole hold.
   *
   * @param waiting sign-in requests that arrived (pending ones are sent at once)
   */
  record Kept(Duration held, int waiting) implements Result {}

  /** The server refused the device's signed request. */
  record Refused(ServerError error) implements Result {}

  /**
   * No stream, or it ended.
   *
   * @param reason "could not connect", "the server closed the stream", ...
   * @param after how long it had been open, or null if it never opened
   */
  record Lost(String reason, Duration after) implements Result {}

  private final PushClient client;
  private final Duration connectLimit;
  private final Duration hold;

  /**
   * @param connectLimit how long to wait for the server's {@code ready}
   * @param hold how long to keep the stream open after it
   */
  PushProbe(PushClient client, Duration connectLimit, Duration hold) {
    this.client = client;
    this.connectLimit = connectLimit;
    this.hold = hold;
  }

  Result probe(Device device) {
    BlockingQueue<EventStream.Signal> signals = new LinkedBlockingQueue<>();
    EventStream stream = EventStream.open(client, device, signals);
    Set<String> challenges = new HashSet<>();
    long start = System.nanoTime();
    long readyAt = -1;
    try {
      while (true) {
        long now = System.nanoTime();
        long until = readyAt < 0 ? start + connectLimit.toNanos() : readyAt + hold.toNanos();
        if (now - until >= 0) {
          return readyAt < 0
              ? new Lost("no answer within " + connectLimit.toSeconds() + " s", null)
              : new Kept(hold, challenges.size());
        }
        EventStream.Signal signal = signals.poll(until - now, TimeUnit.NANOSECONDS);
        switch (signal) {
          case null -> {}
          case EventStream.Opened opened -> {}
          case EventStream.Received received -> {
            if (received.event().type().equals("ready") && readyAt < 0) {
              readyAt = System.nanoTime();
            } else if (received.event().type().equals("challenge")) {
              challenges.add(received.event().id());
            }
          }
          case EventStream.Refused refused -> {
            return new Refused(ServerError.of(refused.reply()));
          }
          case EventStream.Ended ended -> {
            return new Lost(
                ended.reason(), readyAt < 0 ? null : Duration.ofNanos(System.nanoTime() - readyAt));
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Lost("interrupted", null);
    } finally {
      stream.cancel();
    }
  }
}
