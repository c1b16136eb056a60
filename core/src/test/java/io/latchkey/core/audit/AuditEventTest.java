package io.latchkey.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.user.UserId;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuditEventTest {
  private static final Instant AT = Instant.parse("2026-03-01T09:00:10Z");
  private static final CorrelationId ID = CorrelationId.random(new SecureRandom());

  @Test
  void aForgedLogLineInAUsernameStaysOnOneLine() {
    AuditEvent event = withUsername("alice\r\n2026-03-01 sign_in.succeeded user=admin");

    assertThat(event.username()).isEqualTo("alice  2026-03-01 sign_in.succeeded user=admin");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\r", "\n", "\u0000", "\t", "\u0007", "\u001B", "\u007F", "\u0085", "\u009B", "\u001F"
      })
  void everyControlCharacterBecomesASpaceInEveryTextField(String control) {
    String text = "a" + control + "b";
    AuditEvent event =
        new AuditEvent(
            AT,
            AuditEventType.SIGN_IN_FAILED,
            false,
            ID,
            null,
            null,
            text,
            text,
            text,
            text,
            text,
            text);

    assertThat(textFields(event)).containsOnly("a b");
  }

  @Test
  void anAnsiEscapeIsDefusedForTerminals() {
    AuditEvent event = withUsername("\u001B[2J\u001B[31mroot\u001B[0m");

    assertThat(event.username()).doesNotContain("\u001B").isEqualTo(" [2J [31mroot [0m");
  }

  @Test
  void capsEveryTextFieldAtItsLength() {
    String longText = "x".repeat(5_000);
    AuditEvent event =
        new AuditEvent(
            AT,
            AuditEventType.SIGN_IN_FAILED,
            false,
            ID,
            null,
            null,
            longText,
            longText,
            longText,
            longText,
            longText,
            longText);

    assertThat(event.username()).hasSize(200);
    assertThat(event.actor()).hasSize(200);
    assertThat(event.ip()).hasSize(100);
    assertThat(event.userAgent()).hasSize(400);
    assertThat(event.reason()).hasSize(100);
    assertThat(event.detail()).hasSize(1_000);
  }

  @Test
  void theCapCountsCharactersAndNeverSplitsOne() {
    String key = "\uD83D\uDD11"; // U+1F511, two UTF-16 units
    AuditEvent event = withUsername(key.repeat(300));

    assertThat(event.username().codePointCount(0, event.username().length())).isEqualTo(200);
    assertThat(event.username()).isEqualTo(key.repeat(200));
  }

  @Test
  void missingTextIsEmptyNotNull() {
    AuditEvent event =
        new AuditEvent(
            AT, AuditEventType.SIGN_OUT, true, ID, null, null, null, null, null, null, null, null);

    assertThat(textFields(event)).containsOnly("");
  }

  @Test
  void theBuilderTakesWhoWhereAndWhichRequestFromTheContext() {
    UserId user = UserId.random();
    UUID flow = UUID.randomUUID();
    RequestContext context = new RequestContext(ID, "198.51.100.7", "curl/8\r\nX: y", "root");

    AuditEvent event =
        AuditEvent.of(AuditEventType.REGISTRATION_TIMED_OUT, context, AT)
            .flow(flow)
            .user(user, "alice")
            .failure("enrollment_timed_out")
            .detail("deadline passed")
            .build();

    assertThat(event.at()).isEqualTo(AT);
    assertThat(event.success()).isFalse();
    assertThat(event.correlationId()).isEqualTo(ID);
    assertThat(event.flowId()).isEqualTo(flow);
    assertThat(event.userId()).isEqualTo(user);
    assertThat(event.username()).isEqualTo("alice");
    assertThat(event.actor()).isEqualTo("root");
    assertThat(event.ip()).isEqualTo("198.51.100.7");
    assertThat(event.userAgent()).isEqualTo("curl/8  X: y");
    assertThat(event.reason()).isEqualTo("enrollment_timed_out");
    assertThat(event.detail()).isEqualTo("deadline passed");
  }

  @Test
  void anEventSucceedsUnlessAFailureIsGiven() {
    RequestContext context = new RequestContext(ID, null, null, null);

    AuditEvent event = AuditEvent.of(AuditEventType.SIGN_OUT, context, AT).reason("idle").build();

    assertThat(event.success()).isTrue();
    assertThat(event.reason()).isEqualTo("idle");
    assertThat(event.actor()).isEmpty();
  }

  @Test
  void lineSeparatorsAndBidiOverridesCannotDisguiseAUsername() {
    AuditEvent event = withUsername("mallory\u2028admin signed in\u202Enimda");
    assertThat(event.username()).isEqualTo("mallory admin signed in nimda");
  }

  @Property
  void noTextFieldEverHoldsAControlCharacterOrExceedsItsCap(@ForAll("hostile") String text) {
    AuditEvent event =
        new AuditEvent(
            AT,
            AuditEventType.SIGN_IN_FAILED,
            false,
            ID,
            null,
            null,
            text,
            text,
            text,
            text,
            text,
            text);

    for (String field : textFields(event)) {
      assertThat(field.codePoints()).noneMatch(AuditEventTest::disguising);
    }
    assertThat(codePoints(event.username())).isLessThanOrEqualTo(200);
    assertThat(codePoints(event.ip())).isLessThanOrEqualTo(100);
    assertThat(codePoints(event.detail())).isLessThanOrEqualTo(1_000);
    assertThat(event.detail()).isEqualTo(spaced(text, 1_000));
  }

  @Provide
  Arbitrary<String> hostile() {
    Arbitrary<Integer> controls =
        Arbitraries.oneOf(
            Arbitraries.integers().between(0, 0x1F), Arbitraries.integers().between(0x7F, 0x9F));
    Arbitrary<Integer> any = Arbitraries.integers().between(0x20, Character.MAX_CODE_POINT);
    return Arbitraries.frequencyOf(Tuple.of(1, controls), Tuple.of(3, any))
        .list()
        .ofMaxSize(1_200)
        .map(
            cps ->
                cps.stream()
                    .collect(
                        StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                    .toString());
  }

  private static String spaced(String text, int max) {
    StringBuilder out = new StringBuilder();
    text.codePoints().limit(max).forEach(cp -> out.appendCodePoint(disguising(cp) ? ' ' : cp));
    return out.toString();
  }

  /** What may forge or disguise a log line: controls, separators, format characters. */
  private static boolean disguising(int cp) {
    int type = Character.getType(cp);
    return Character.isISOControl(cp)
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR
        || type == Character.FORMAT
        || type == Character.SURROGATE;
  }

  private static int codePoints(String text) {
    return text.codePointCount(0, text.length());
  }

  private static AuditEvent withUsername(String username) {
    return AuditEvent.of(AuditEventType.SIGN_IN_FAILED, new RequestContext(ID, "", "", ""), AT)
        .user(null, username)
        .failure("unknown_user")
        .build();
  }

  private static List<String> textFields(AuditEvent event) {
    return List.of(
        event.username(),
        event.actor(),
        event.ip(),
        event.userAgent(),
        event.reason(),
        event.detail());
  }
}
