package io.latchkey.core.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Base32Test {

  /** RFC 4648 §10, written without the padding that otpauth URIs leave out. */
  @ParameterizedTest(name = "\"{0}\" is \"{1}\"")
  @CsvSource({
    "'', ''",
    "f, MY",
    "fo, MZXQ",
    "foo, MZXW6",
    "foob, MZXW6YQ",
    "fooba, MZXW6YTB",
    "foobar, MZXW6YTBOI",
  })
  void matchesRfc4648TestVectors(String plain, String encoded) {
    byte[] bytes = plain.getBytes(StandardCharsets.US_ASCII);

    assertThat(Base32.encode(bytes)).isEqualTo(encoded);
    assertThat(Base32.decode(encoded)).isEqualTo(bytes);
    assertThat(Base32.decode(encoded.toLowerCase(Locale.ROOT))).isEqualTo(bytes);
    assertThat(Base32.decode(padded(encoded))).isEqualTo(bytes);
  }

  @Property
  void roundTripsAnyBytes(@ForAll byte[] data) {
    String encoded = Base32.encode(data);

    assertThat(encoded).matches("[A-Z2-7]*").hasSize((data.length * 8 + 4) / 5);
    assertThat(Base32.decode(encoded)).isEqualTo(data);
    assertThat(Base32.decode(encoded.toLowerCase(Locale.ROOT))).isEqualTo(data);
    assertThat(Base32.decode(padded(encoded))).isEqualTo(data);
  }

  @Property
  void rejectsAnyForeignCharacterWithoutRepeatingTheInput(
      @ForAll("validBase32") String valid, @ForAll("foreign") char foreign) {
    int position = valid.length() / 2;
    String text = valid.substring(0, position) + foreign + valid.substring(position);
    // Keep the length possible, so the character is what gets rejected.
    String input = text + "A".repeat(possibleLengthPadding(text.length()));

    assertThatIllegalArgumentException()
        .isThrownBy(() -> Base32.decode(input))
        .withMessageContaining("position " + (position + 1))
        .withMessageNotContaining(input)
        .withMessageNotContaining(valid);
  }

  @Provide
  Arbitrary<String> validBase32() {
    return Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567").ofMinLength(16);
  }

  @Provide
  Arbitrary<Character> foreign() {
    // Lower-case letters are valid too: RFC 4648 §6 Base32 read case-insensitively.
    return Arbitraries.chars()
        .filter(c -> "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567abcdefghijklmnopqrstuvwxyz".indexOf(c) < 0);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "JBSWY3DPEHPK3PX0", // digit zero for the letter O
        "JBSWY3DPEHPK3PX1",
        "JBSWY3DPEHPK3PX8",
        "JBSWY3DPEHPK3PX9",
        "JBSWY3DP EHPK3PX", // spaces are the URI parser's business, not the decoder's
        "JBSWY3DP-EHPK3PX",
        "JBSWY3DP=EHPK3PX", // padding in the middle
        "JBSWY3DPEHPK3PX\u0131", // dotless i, which upper-cases to I
        "JBSWY3DPEHPK3PX\uFF21", // full-width A
      })
  void rejectsCharactersOutsideTheAlphabet(String text) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Base32.decode(text))
        .withMessageContaining("outside A-Z and 2-7")
        .withMessageNotContaining("JBSWY3DP");
  }

  @ParameterizedTest
  @ValueSource(strings = {"J", "JBS", "JBSWY3", "JBSWY3DPE", "JBSWY3DPEHP", "J=======", "JBS====="})
  void rejectsLengthsNoWholeNumberOfBytesCanHave(String text) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Base32.decode(text))
        .withMessageContaining("impossible")
        .withMessageNotContaining(text.replace("=", ""));
  }

  @Test
  void decodesEmptyTextAndBarePaddingAsNoBytes() {
    assertThat(Base32.decode("")).isEmpty();
    assertThat(Base32.decode("========")).isEmpty();
  }

  @Test
  void ignoresNonZeroBitsInTheLastCharacter() {
    // RFC 4648 §3.5 allows rejecting these, but secrets typed as random Base32 letters have them.
    assertThat(Base32.decode("MZ")).isEqualTo(Base32.decode("MY"));
  }

  private static String padded(String encoded) {
    return encoded + "=".repeat((8 - encoded.length() % 8) % 8);
  }

  /** How many characters to append so that {@code length} is not 1, 3 or 6 mod 8. */
  private static int possibleLengthPadding(int length) {
    return switch (length % 8) {
      case 1, 3, 6 -> 1;
      default -> 0;
    };
  }
}
