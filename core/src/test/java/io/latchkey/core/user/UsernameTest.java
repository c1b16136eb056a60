package io.latchkey.core.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class UsernameTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "alice",
        "Alice",
        "ALICE",
        "\uFF21\uFF4C\uFF49\uFF43\uFF45", // full-width Ａｌｉｃｅ
        "\uFF21\uFF2C\uFF29\uFF23\uFF25", // full-width ＡＬＩＣＥ
        "ａlice"
      })
  void aliceInAnyCaseOrWidthIsOneAccount(String typed) {
    assertThat(Username.of(typed)).isEqualTo(Username.of("alice"));
    assertThat(Username.of(typed).value()).isEqualTo("alice");
  }

  @Test
  void compatibilityFormsFoldToThePlainLetters() {
    // The ligature ﬁ, the Kelvin sign K and the circled Ⓑ are the letters they look like.
    assertThat(Username.of("\uFB01ona").value()).isEqualTo("fiona");
    assertThat(Username.of("\u212Aate").value()).isEqualTo("kate");
    assertThat(Username.of("\u24B7ob").value()).isEqualTo("bob");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "  alice  ",
        "\talice\n",
        "\u00A0alice\u00A0", // no-break space
        "\u3000alice\u3000", // ideographic space
        "\u2007alice" // figure space
      })
  void trimsSurroundingSpaceOfEveryKind(String typed) {
    assertThat(Username.of(typed).value()).isEqualTo("alice");
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {" ", "\t\n", "\u3000\u00A0"})
  void refusesAnEmptyName(String typed) {
    assertRefused(typed);
  }

  @Test
  void acceptsSixtyFourCharactersAndRefusesSixtyFive() {
    assertThat(Username.of("a".repeat(Username.MAX_LENGTH)).value()).hasSize(64);
    assertRefused("a".repeat(Username.MAX_LENGTH + 1));
  }

  @Test
  void countsCharactersNotUtf16Units() {
    String cjk = new String(Character.toChars(0x20000)); // 𠀀, a letter of two UTF-16 units

    assertThat(Username.of(cjk.repeat(64)).value()).hasSize(128);
    assertRefused(cjk.repeat(65));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "alice:admin",
        "alice\uFF1Aadmin", // full-width colon, a colon after NFKC
        "alice smith",
        "alice\u00A0smith", // no-break space, a space after NFKC
        "alice\tsmith",
        "alice\u3000smith",
        "alice\u2028smith", // line separator
        "alice\u0000",
        "alice\r\nsign_in.succeeded",
        "alice\u001B[31m",
        "alice\u007F",
        "alice\u0085", // NEL, a C1 control
        "ali\u200Bce", // zero-width space (format)
        "\u200B",
        "ali\u200Dce", // zero-width joiner
        "alice\u202Eecila", // right-to-left override
        "\uFEFFalice" // byte-order mark
      })
  void refusesColonsSpacesControlAndFormatCharacters(String typed) {
    assertRefused(typed);
  }

  /**
   * An unpaired surrogate is no character: UTF-8 encoders (the database driver, the otpauth label,
   * the log) write it as {@code ?}, so "a" followed by U+D800 would be stored as, and collide with,
   * the different name {@code a?}.
   */
  @ParameterizedTest
  @ValueSource(strings = {"a\uD800", "\uDC00a", "a\uDBFFb", "\uDC00\uD800"})
  void refusesAnUnpairedSurrogate(String typed) {
    assertRefused(typed);
  }

  @Test
  void acceptsAPairedSurrogateThatIsALetter() {
    String cjk = new String(Character.toChars(0x20000));

    assertThat(Username.of("a" + cjk).value()).isEqualTo("a" + cjk);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"jos\u00E9", "\u5C71\u7530", "first.last", "a_b-c", "ops+alerts@example.org"})
  void acceptsLettersAndDigitsOfAnyScriptAndEmailPunctuation(String typed) {
    assertThat(Username.of(typed).value()).isEqualTo(typed);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a/b", "a\\b", "..", ".", "a#b", "a%2Fb", "\uD83D\uDD11"})
  void refusesSlashesOnlyDotsAndOtherSymbols(String typed) {
    assertRefused(typed);
  }

  @Test
  void theConstructorTakesOnlyTheCanonicalForm() {
    assertThat(new Username("alice").value()).isEqualTo("alice");
    assertThatIllegalArgumentException().isThrownBy(() -> new Username("Alice"));
    assertThatIllegalArgumentException().isThrownBy(() -> new Username(" alice"));
    assertThatIllegalArgumentException().isThrownBy(() -> new Username(null));
  }

  @Property
  void ofGivesTheCanonicalFormSoCanonicalisingAgainChangesNothing(@ForAll("names") String typed) {
    Optional<Username> once = accepted(typed);
    Statistics.collect(once.isPresent() ? "accepted" : "refused");
    Statistics.coverage(coverage -> coverage.check("accepted").percentage(p -> p > 60));

    once.ifPresent(
        name -> {
          assertThat(Username.of(name.value())).isEqualTo(name);
          assertThat(new Username(name.value())).isEqualTo(name);
        });
  }

  @Property
  void ofRefusesOnlyWithBadRequest(@ForAll("hostile") String typed) {
    accepted(typed);
  }

  @Property
  void aCanonicalNameHasNoSpaceColonControlFormatOrLoneSurrogate(@ForAll("hostile") String typed) {
    Optional<Username> name = accepted(typed);
    if (name.isEmpty()) {
      return;
    }
    String value = name.get().value();
    assertThat(value).isNotEmpty().doesNotContain(":");
    assertThat(value.codePoints())
        .noneMatch(
            cp ->
                Character.isWhitespace(cp)
                    || Character.isISOControl(cp)
                    || Character.getType(cp) == Character.FORMAT
                    || Character.getType(cp) == Character.SURROGATE);
    assertThat(value.codePointCount(0, value.length())).isLessThanOrEqualTo(Username.MAX_LENGTH);
  }

  /**
   * Names people plausibly type, mostly valid: ASCII letters, digits and e-mail punctuation,
   * letters whose case mapping or compatibility form is special, combining marks, letters of any
   * script, and space of any kind around the name.
   */
  @Provide
  Arbitrary<String> names() {
    Arbitrary<Integer> ascii =
        Arbitraries.oneOf(
            Arbitraries.integers().between('a', 'z'),
            Arbitraries.integers().between('A', 'Z'),
            Arbitraries.integers().between('0', '9'),
            Arbitraries.of((int) '.', (int) '_', (int) '-', (int) '@', (int) '+'));
    Arbitrary<Integer> special =
        Arbitraries.of(
            0x00DF, // ß
            0x00E9, // é
            0x0130, // İ
            0x0131, // ı
            0x03A3, // Σ
            0x03C2, // ς
            0x01C5, // ǅ
            0x1E9E, // ẞ
            0x212A, // Kelvin sign
            0x2126, // Ohm sign
            0xFB01, // ﬁ
            0xFF21, // Ａ
            0xFF10, // ０
            0x0301, // combining acute
            0x0307, // combining dot above
            0x0345, // combining ypogegrammeni
            0x1D2C, // ᴬ
            0x5C71, // 山
            0x20000); // 𠀀
    Arbitrary<Integer> letter =
        Arbitraries.integers().between(0xA0, Character.MAX_CODE_POINT).filter(Character::isLetter);
    Arbitrary<String> name =
        Arbitraries.frequencyOf(Tuple.of(10, ascii), Tuple.of(4, special), Tuple.of(2, letter))
            .list()
            .ofMinSize(1)
            .ofMaxSize(40)
            .map(UsernameTest::fromCodePoints);
    Arbitrary<String> space = Arbitraries.of("", "", " ", "\t", "\u00A0", "\u3000");
    return Combinators.combine(space, name, space)
        .as((before, core, after) -> before + core + after);
  }

  /** Anything an attacker might send: the plausible names plus space, controls and format marks. */
  @Provide
  Arbitrary<String> hostile() {
    Arbitrary<Integer> bad =
        Arbitraries.of(
            (int) ' ',
            (int) ':',
            (int) '/',
            (int) '\\',
            0xFF1A,
            0x00A0,
            0x3000,
            0x2028,
            0x200B,
            0x202E,
            0x0000,
            0x000A,
            0x0085,
            0xD800,
            0xDC00,
            0xFEFF,
            0x1F511);
    Arbitrary<Integer> any = Arbitraries.integers().between(0, Character.MAX_CODE_POINT);
    Arbitrary<String> noise =
        Arbitraries.frequencyOf(Tuple.of(1, bad), Tuple.of(2, any))
            .list()
            .ofMaxSize(70)
            .map(UsernameTest::fromCodePoints);
    return Arbitraries.oneOf(
        names(), noise, Combinators.combine(names(), noise).as(String::concat));
  }

  /** The name, or empty when {@code of} refuses it (which is checked to be a bad_request). */
  private static Optional<Username> accepted(String typed) {
    try {
      return Optional.of(Username.of(typed));
    } catch (LatchkeyException refused) {
      assertThat(refused.code()).isEqualTo(ErrorCode.BAD_REQUEST);
      return Optional.empty();
    }
  }

  private static String fromCodePoints(java.util.List<Integer> codePoints) {
    StringBuilder out = new StringBuilder();
    codePoints.forEach(out::appendCodePoint);
    return out.toString();
  }

  private static void assertRefused(String typed) {
    LatchkeyException refused =
        catchThrowableOfType(LatchkeyException.class, () -> Username.of(typed));
    assertThat(refused).as("refused: %s", typed).isNotNull();
    assertThat(refused.code()).isEqualTo(ErrorCode.BAD_REQUEST);
  }
}
