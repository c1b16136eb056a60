package io.latchkey.bench;

import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One device's server-sent-event stream ({@code GET /api/v1/device/stream}), read line by line as
 * the JDK {@code HttpClient} delivers the body: no thread is held while the stream is idle, so one
 * client process holds thousands. Events are parsed as the SSE format says (field name, colon, an
 * optional space, value; a blank line dispatches; a line starting with a colon is a comment).
 */
final class DeviceStream implements Flow.Subscriber<String> {
  /** Where the stream reports. Called on the client's executor, one event of a stream at a time. */
  interface Listener {
    /** An {@code event: challenge}, with its {@code id} and {@code data}, read at {@code nanos}. */
    void challenge(DeviceStream stream, String id, String data, long nanos);

    /** A comment line ({@code : keep-alive}), read at {@code nanos}. */
    void keepAlive(DeviceStream stream, long nanos);

    /** The stream ended or failed after it was ready (never called for one we closed). */
    void dropped(DeviceStream stream, String why);
  }

  /** Why a stream did not become ready. */
  static final class NotReady extends RuntimeException {
    NotReady(String message) {
      super(message, null, false, false);
    }
  }

  private static final int MAX_ERROR_BODY = 300;

  final int number;
  final PushLoad.Device device;

  /** Completes with the {@code System.nanoTime} of the {@code ready} event, or fails. */
  final CompletableFuture<Long> ready = new CompletableFuture<>();

  private final Listener listener;
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile boolean closedByUs;
  private volatile int status;
  private volatile Flow.Subscription subscription;
  private volatile CompletableFuture<?> exchange;
  private volatile int keepAlives;

  // Touched only by onNext, which the Flow contract serialises.
  private String event = "";
  private String id = "";
  private final StringBuilder data = new StringBuilder();
  private final StringBuilder errorBody = new StringBuilder();

  DeviceStream(int number, PushLoad.Device device, Listener listener) {
    this.number = number;
    this.device = device;
    this.listener = listener;
  }

  /** The body handler for the exchange: records the status, then reads the body as lines. */
  HttpResponse.BodyHandler<Void> handler() {
    return info -> {
      status = info.statusCode();
      return HttpResponse.BodySubscribers.fromLineSubscriber(this);
    };
  }

  void exchange(CompletableFuture<?> exchange) {
    this.exchange = exchange;
    exchange.whenComplete(
        (response, failure) -> {
          if (failure != null) {
            end(PushLoad.describe(failure));
          }
        });
  }

  boolean open() {
    return ready.isDone() && !ready.isCompletedExceptionally() && !ended.get();
  }

  int keepAlives() {
    return keepAlives;
  }

  /** Closes the stream on purpose: not reported as dropped. */
  void close() {
    closedByUs = true;
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
    CompletableFuture<?> e = exchange;
    if (e != null) {
      e.cancel(true);
    }
    end("closed by the load generator");
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    subscription.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(String line) {
    if (status != 200) {
      if (errorBody.length() < MAX_ERROR_BODY) {
        errorBody.append(line, 0, Math.min(line.length(), MAX_ERROR_BODY - errorBody.length()));
      }
      return;
    }
    if (line.isEmpty()) {
      dispatch(System.nanoTime());
      return;
    }
    if (line.charAt(0) == ':') {
      keepAlives++;
      listener.keepAlive(this, System.nanoTime());
      return;
    }
    int colon = line.indexOf(':');
    String field = colon < 0 ? line : line.substring(0, colon);
    String value = colon < 0 ? "" : line.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    switch (field) {
      case "event" -> event = value;
      case "id" -> id = value;
      case "data" -> {
        if (!data.isEmpty()) {
          data.append('\n');
        }
        data.append(value);
      }
      default -> {
        // retry and unknown fields: ignored, as the format says
      }
    }
  }

  private void dispatch(long nanos) {
    String name = event.isEmpty() ? "message" : event;
    String text = data.toString();
    String eventId = id;
    event = "";
    data.setLength(0);
    // The id is the "last event ID": it stays until the next id field. Ours comes with each event.
    id = "";
    if (name.equals("ready")) {
      ready.complete(nanos);
    } else if (name.equals("challenge")) {
      listener.challenge(this, eventId, text, nanos);
    }
  }

  @Override
  public void onError(Throwable throwable) {
    end(PushLoad.describe(throwable));
  }

  @Override
  public void onComplete() {
    end(
        status == 200
            ? "the server ended the stream"
            : "HTTP " + status + (errorBody.isEmpty() ? "" : " " + errorBody));
  }

  private void end(String why) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    boolean wasReady = ready.isDone() && !ready.isCompletedExceptionally();
    ready.completeExceptionally(new NotReady(why));
    if (wasReady && !closedByUs) {
      listener.dropped(this, why);
    }
  }
}
