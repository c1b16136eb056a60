package io.latchkey.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The event stream as the HTML standard reads it (WHATWG HTML §9.2.6). */
class SseParserTest {
  private final List<SseParser.Event> events = new ArrayList<>();
  private final SseParser parser = new SseParser(events::add, 1024);

  private void feed(String text) {
    parser.feed(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void anEventHasItsTypeIdAndData() {
    feed("event: challenge\nid: 42\ndata: {\"a\":1}\n\n");

    assertThat(events).containsExactly(new SseParser.Event("challenge", "42", "{\"a\":1}"));
  }

  @Test
  void dataLinesAreJoinedWithLineFeeds() {
    feed("data: first\ndata:second\ndata:  third\n\n");

    assertThat(events).containsExactly(new SseParser.Event("message", "", "first\nsecond\n third"));
  }

  @Test
  void commentsAndUnknownFieldsAreIgnoredAndAnEventWithoutDataIsNotDispatched() {
    feed(": keep-alive\n\nevent: ready\n\nretry: 5000\nfoo: bar\ndata: x\n\n");

    assertThat(events).containsExactly(new SseParser.Event("message", "", "x"));
  }

  @Test
  void crLfAndLoneCrEndLinesToo() {
    feed("event: a\r\ndata: 1\r\n\r\nevent: b\rdata: 2\r\r");

    assertThat(events)
        .containsExactly(new SseParser.Event("a", "", "1"), new SseParser.Event("b", "", "2"));
  }

  @Test
  void aCrLfSplitBetweenTwoChunksIsOneLineEnd() {
    feed("data: 1\r");
    feed("\n");
    feed("\r");
    feed("\ndata: 2\n\n");

    assertThat(events)
        .containsExactly(
            new SseParser.Event("message", "", "1"), new SseParser.Event("message", "", "2"));
  }

  @Test
  void aMultiByteCharacterSplitBetweenChunksIsDecodedWhole() {
    byte[] bytes = "data: 承認\n\n".getBytes(StandardCharsets.UTF_8);
    for (byte b : bytes) {
      parser.feed(ByteBuffer.wrap(new byte[] {b}));
    }

    assertThat(events).containsExactly(new SseParser.Event("message", "", "承認"));
  }

  @Test
  void aLeadingByteOrderMarkIsDropped() {
    feed("\uFEFFdata: x\n\n");

    assertThat(events).containsExactly(new SseParser.Event("message", "", "x"));
  }

  @Test
  void theIdStaysForLaterEventsAndAFieldNameAloneMeansAnEmptyValue() {
    feed("id: 7\ndata: a\n\ndata: b\n\nid\ndata\n\n");

    assertThat(events)
        .containsExactly(
            new SseParser.Event("message", "7", "a"),
            new SseParser.Event("message", "7", "b"),
            new SseParser.Event("message", "", ""));
    assertThat(parser.lastEventId()).isEmpty();
  }

  @Test
  void anEventCutOffByTheEndOfTheStreamIsNeverDispatched() {
    feed("event: challenge\ndata: {\"half\":");

    assertThat(events).isEmpty();
  }

  @Test
  void aLineLongerThanTheBoundFailsTheStream() {
    assertThatThrownBy(() -> feed("data: " + "x".repeat(2000)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void dataLongerThanTheBoundFailsTheStreamEvenInShortLines() {
    assertThatThrownBy(() -> feed("data: 0123456789\n".repeat(200)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Property
  void howTheBytesAreChunkedNeverChangesTheEvents(@ForAll @IntRange(min = 1, max = 40) int size) {
    String stream =
        "\uFEFF: hello\r\nevent: challenge\r\nid: 1\r\ndata: {\"x\":\r\ndata: \"日本\"}\r\n\r\n"
            + "event: ready\ndata: r\n\n: keep-alive\n\ndata: m\rdata: n\r\r";
    byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
    List<SseParser.Event> chunked = new ArrayList<>();
    SseParser p = new SseParser(chunked::add, 1024);
    for (int at = 0; at < bytes.length; at += size) {
      p.feed(ByteBuffer.wrap(bytes, at, Math.min(size, bytes.length - at)));
    }

    assertThat(chunked)
        .containsExactly(
            new SseParser.Event("challenge", "1", "{\"x\":\n\"日本\"}"),
            new SseParser.Event("ready", "1", "r"),
            new SseParser.Event("message", "1", "m\nn"));
  }
}
