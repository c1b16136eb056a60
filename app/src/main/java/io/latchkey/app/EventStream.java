package io.latchkey.app;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpResponse.ResponseInfo;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One connection of one device to {@code GET /api/v1/device/stream}. It never blocks a thread: the
 * HTTP client pushes the bytes through an {@link SseParser}, and everything that happens becomes a
 * {@link Signal} on the listener's queue, so the one thread that reads the queue (and prints) can
 * wait on it interruptibly. Each connection ends with exactly one {@link Refused} or {@link Ended},
 * except when the listener {@linkplain #cancel() cancels} it, which is silent.
 */
final class EventStream {
  private static final int MAX_EVENT_BYTES = 256 * 1024;
  private static final int MAX_ERROR_BYTES = 64 * 1024;

  /** What a connection reports. */
  sealed interface Signal permits Opened, Received, Refused, Ended {
    EventStream stream();
  }

  /** The server answered 200 with an event stream. */
  record Opened(EventStream stream) implements Signal {}

  /** One event of the stream. */
  record Received(EventStream stream, SseParser.Event event) implements Signal {}

  /** The server answered something else than 200; the body is its error envelope, if any. */
  record Refused(EventStream stream, PushClient.Reply reply) implements Signal {}

  /**
   * The connection is over.
   *
   * @param reason why, for people: "the server closed the stream", "could not connect", ...
   */
  record Ended(EventStream stream, String reason) implements Signal {}

  private final Device device;
  private final BlockingQueue<Signal> signals;
  private final AtomicBoolean finished = new AtomicBoolean();
  private volatile long lastActivity = System.nanoTime();
  private volatile Flow.Subscription subscription;
  private volatile CompletableFuture<HttpResponse<Void>> exchange;

  private EventStream(Device device, BlockingQueue<Signal> signals) {
    this.device = device;
    this.signals = signals;
  }

  /** Starts connecting {@code device}; returns at once. */
  static EventStream open(PushClient client, Device device, BlockingQueue<Signal> signals) {
    EventStream stream = new EventStream(device, signals);
    CompletableFuture<HttpResponse<Void>> exchange =
        client.http().sendAsync(client.streamRequest(device), stream::subscriberFor);
    stream.exchange = exchange;
    exchange.whenComplete(stream::completed);
    return stream;
  }

  Device device() {
    return device;
  }

  /** How long since the server last sent anything (keep-alive comments included). */
  Duration silence() {
    return Duration.ofNanos(System.nanoTime() - lastActivity);
  }

  /** Closes the connection; no further signal comes from it. */
  void cancel() {
    finished.set(true);
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
    CompletableFuture<HttpResponse<Void>> e = exchange;
    if (e != null) {
      e.cancel(true);
    }
  }

  private BodySubscriber<Void> subscriberFor(ResponseInfo info) {
    lastActivity = System.nanoTime();
    String type = info.headers().firstValue("Content-Type").orElse("");
    boolean eventStream =
        info.statusCode() == 200 && type.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
    if (eventStream) {
      signal(new Opened(this));
      SseParser parser = new SseParser(event -> signal(new Received(this, event)), MAX_EVENT_BYTES);
      return BodySubscribers.fromSubscriber(new Chunks(parser::feed));
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    return BodySubscribers.fromSubscriber(
        new Chunks(
            buffer -> {
              byte[] bytes = new byte[buffer.remaining()];
              buffer.get(bytes);
              body.write(bytes, 0, Math.min(bytes.length, MAX_ERROR_BYTES - body.size()));
            }),
        chunks -> {
          if (info.statusCode() == 200) {
            finish(new Ended(this, "the server did not answer with an event stream"));
          } else {
            String correlation =
                info.headers().firstValue(PushClient.CORRELATION_HEADER).orElse(null);
            finish(
                new Refused(
                    this,
                    new PushClient.Reply(info.statusCode(), body.toByteArray(), correlation)));
          }
          return null;
        });
  }

  private void completed(HttpResponse<Void> response, Throwable failure) {
    if (failure != null) {
      finish(new Ended(this, PushClient.describe(failure)));
    } else {
      finish(new Ended(this, "the server closed the stream"));
    }
  }

  /** Sends the connection's last signal, once; never after {@link #cancel()}. */
  private void finish(Signal last) {
    if (finished.compareAndSet(false, true)) {
      signals.add(last);
    }
  }

  private void signal(Signal signal) {
    if (!finished.get()) {
      signals.add(signal);
    }
  }

  /** Hands each chunk of the body to {@code sink}, one at a time. */
  private final class Chunks implements Flow.Subscriber<List<ByteBuffer>> {
    private final Consumer<ByteBuffer> sink;

    Chunks(Consumer<ByteBuffer> sink) {
      this.sink = sink;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (finished.get()) {
        s.cancel();
      } else {
        s.request(1);
      }
    }

    @Override
    public void onNext(List<ByteBuffer> chunk) {
      lastActivity = System.nanoTime();
      try {
        chunk.forEach(sink);
      } catch (RuntimeException e) {
        finish(new Ended(EventStream.this, "the server sent a malformed event stream"));
        subscription.cancel();
        return;
      }
      subscription.request(1);
    }

    @Override
    public void onError(Throwable failure) {
      // The exchange's future fails with it, and completed() reports it.
    }

    @Override
    public void onComplete() {
      // Likewise: the exchange's future completes.
    }
  }
}
