package io.latchkey.app;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reads a {@code text/event-stream} as the HTML standard's "event stream interpretation" says
 * (WHATWG HTML §9.2.6): lines end with CR LF, LF or CR (also when a chunk boundary falls between CR
 * and LF); a leading byte-order mark is dropped; {@code :} starts a comment; {@code data} lines are
 * joined with LF; a blank line dispatches the event, unless it has no data; an event cut off by the
 * end of the stream is dropped. Lines are split on bytes and decoded one by one, which is safe for
 * UTF-8 (CR and LF never occur inside a multi-byte character).
 *
 * <p>Bounded: a line or an event's data longer than {@code maxBytes} fails the stream instead of
 * filling the memory.
 */
final class SseParser {
  /** One dispatched event; {@code type} is "message" when the stream named none. */
  record Event(String type, String id, String data) {}

  private final Consumer<Event> sink;
  private final int maxBytes;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private boolean afterCr;
  private boolean firstLine = true;
  private String type = "";
  private StringBuilder data = new StringBuilder();
  private String lastId = "";

  SseParser(Consumer<Event> sink, int maxBytes) {
    this.sink = sink;
    this.maxBytes = maxBytes;
  }

  /**
   * Reads the next bytes of the stream.
   *
   * @throws IllegalStateException when a line or an event's data exceeds the bound
   */
  void feed(ByteBuffer bytes) {
    while (bytes.hasRemaining()) {
      byte b = bytes.get();
      if (b == '\n' && afterCr) {
        afterCr = false; // the LF of a CR LF
        continue;
      }
      afterCr = b == '\r';
      if (b == '\r' || b == '\n') {
        line(line.toString(StandardCharsets.UTF_8));
        line.reset();
      } else {
        if (line.size() >= maxBytes) {
          throw new IllegalStateException("an event stream line is too long");
        }
        line.write(b);
      }
    }
  }

  /** The ID of the last event that set one (for a reconnection's {@code Last-Event-ID}). */
  String lastEventId() {
    return lastId;
  }

  private void line(String text) {
    if (firstLine) {
      firstLine = false;
      if (text.startsWith("\uFEFF")) {
        text = text.substring(1);
      }
    }
    if (text.isEmpty()) {
      dispatch();
      return;
    }
    if (text.startsWith(":")) {
      return; // a comment, such as the server's keep-alive
    }
    int colon = text.indexOf(':');
    String field = colon < 0 ? text : text.substring(0, colon);
    String value = colon < 0 ? "" : text.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    switch (field) {
      case "event" -> type = value;
      case "data" -> {
        if (data.length() + value.length() >= maxBytes) {
          throw new IllegalStateException("an event's data is too long");
        }
        data.append(value).append('\n');
      }
      case "id" -> {
        if (value.indexOf('\0') < 0) {
          lastId = value;
        }
      }
      default -> {
        // "retry" and unknown fields: the app keeps its own back-off (PUSH-PROTOCOL §3).
      }
    }
  }

  private void dispatch() {
    if (data.isEmpty()) {
      type = "";
      return;
    }
    String payload = data.substring(0, data.length() - 1);
    Event event = new Event(type.isEmpty() ? "message" : type, lastId, payload);
    type = "";
    data = new StringBuilder();
    sink.accept(event);
  }
}
