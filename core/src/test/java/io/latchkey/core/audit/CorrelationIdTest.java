package io.latchkey.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class CorrelationIdTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @Test
  void isFourGroupsOfFiveCrockfordCharacters() {
    for (int i = 0; i < 1_000; i++) {
      String value = CorrelationId.random(RANDOM).value();

      assertThat(value)
          .hasSize(23)
          .matches("[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}")
          .doesNotContain("I", "L", "O", "U");
    }
  }

  @Test
  void tenThousandRandomIdsAreAllDifferent() {
    Set<CorrelationId> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      seen.add(CorrelationId.random(RANDOM));
    }

    assertThat(seen).hasSize(10_000);
  }

  @Test
  void usesEveryOneOfTheThirtyTwoCharacters() {
    Set<Character> seen = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      CorrelationId.random(RANDOM).value().chars().forEach(c -> seen.add((char) c));
    }

    assertThat(seen).hasSize(33); // 32 symbols and the dash: 100 random bits in 20 symbols
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "7Q2MK-9TDW4-XH3BZ-R8N6P",
        "7q2mk-9tdw4-xh3bz-r8n6p",
        "  7Q2mk-9tdW4-XH3BZ-r8n6p  ",
        "\t7q2mk-9tdw4-xh3bz-r8n6p\r\n"
      })
  void parseAcceptsWhatAPersonPastesInAnyCaseWithSurroundingSpace(String pasted) {
    assertThat(CorrelationId.parse(pasted)).hasValue(new CorrelationId("7Q2MK-9TDW4-XH3BZ-R8N6P"));
  }

  /** Issue 15: an ID read over the phone, typed without dashes, in groups with spaces... */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "7Q2MK9TDW4XH3BZR8N6P",
        "7q2mk9tdw4xh3bzr8n6p",
        "7q2mk 9tdw4 xh3bz r8n6p",
        "7Q2MK 9TDW4-XH3BZ  R8N6P",
        "7Q2MK_9TDW4_XH3BZ_R8N6P",
        "7Q2MK.9TDW4.XH3BZ.R8N6P",
        "7Q2MK\u30009TDW4\u3000XH3BZ\u3000R8N6P", // ideographic spaces (a Japanese keyboard)
        "7Q 2M K9 TD W4 XH 3B ZR 8N 6P" // read out in pairs
      })
  void parseAcceptsAnIdReadOverThePhone(String typed) {
    assertThat(CorrelationId.parse(typed)).hasValue(new CorrelationId("7Q2MK-9TDW4-XH3BZ-R8N6P"));
  }

  /** The usual Crockford confusions: O is 0, I and L are 1 (IDs never contain O, I or L). */
  @Test
  void parseReadsConfusableLettersAsTheDigitsTheyLookLike() {
    assertThat(CorrelationId.parse("IQ2MK-9TDW4-XH3BZ-R8N6O"))
        .hasValue(new CorrelationId("1Q2MK-9TDW4-XH3BZ-R8N60"));
    assertThat(CorrelationId.parse("lQ2MK-9TDW4-XH3BZ-R8N6o"))
        .hasValue(new CorrelationId("1Q2MK-9TDW4-XH3BZ-R8N60"));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        " ",
        "7Q2M-K9TD-W4XH-3BZR", // sixteen characters: too short
        "7Q2MK-9TDW4-XH3BZ-R8N6", // one short
        "7Q2MK-9TDW4-XH3BZ-R8N6PQ", // one long
        "7Q2MK-9TDU4-XH3BZ-R8N6P", // U
        "7Q2MK-9TDW4-XH3BZ-R8N6P-Q", // a symbol too many, however grouped
        "7Q2MK-9TDW4-XH3BZ-R8N6P / 7Q2MK", // two IDs' worth
        "\uFF17Q2MK-9TDW4-XH3BZ-R8N6P", // full-width 7
        "7Q2MK-9TDW4-XH3BZ-R8N6P\u0000",
        "7Q2MK-9TDW4-XH3BZ-R8N6P\nX-Forged: 1",
        "<script>alert(1)</script>"
      })
  void parseRefusesAnythingElse(String text) {
    assertThat(CorrelationId.parse(text)).isEmpty();
  }

  @Test
  void parseRefusesAHugeInput() {
    assertThat(CorrelationId.parse("7Q2MK-".repeat(200_000))).isEmpty();
  }

  @Test
  void theConstructorTakesOnlyTheCanonicalUpperCaseForm() {
    assertThatIllegalArgumentException().isThrownBy(() -> new CorrelationId(null));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new CorrelationId("7q2mk-9tdw4-xh3bz-r8n6p"));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new CorrelationId(" 7Q2MK-9TDW4-XH3BZ-R8N6P"));
  }

  @Property(tries = 200)
  void parseReadsBackARandomIdHoweverItIsCased(@ForAll boolean lower) {
    CorrelationId id = CorrelationId.random(RANDOM);
    String shown = lower ? id.value().toLowerCase(Locale.ROOT) : id.toString();

    assertThat(CorrelationId.parse(" " + shown + " ")).hasValue(id);
  }
}
