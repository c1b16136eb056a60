package io.latchkey.core.otp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class OtpCodesTest {

  @ParameterizedTest
  @ValueSource(strings = {"012345", "000000", "999999", "123456"})
  void acceptsOnlyAsciiDigitStringsOfTheExactLength(String code) {
    assertThat(OtpCodes.isWellFormed(code, 6)).isTrue();
  }

  /** SECURITY-TESTS A1: what a number parser would quietly accept or reshape. */
  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        " 123456",
        "123456 ",
        "123 456",
        "+123456",
        "-123456",
        "12345e",
        "0x1234",
        "\u0661\u0662\u0663\u0664\u0665\u0666", // Arabic-Indic ١٢٣٤٥٦
        "\uFF11\uFF12\uFF13\uFF14\uFF15\uFF16", // full-width １２３４５６
        "\u0967\u0968\u0969\u096A\u096B\u096C", // Devanagari
        "12345",
        "1234567",
        "12345\u0000",
        "\uFF1123456", // one full-width digit
      })
  void rejectsAnythingElse(String code) {
    assertThat(OtpCodes.isWellFormed(code, 6)).isFalse();
  }

  @Test
  void checksTheLengthAskedFor() {
    assertThat(OtpCodes.isWellFormed("1234567", 7)).isTrue();
    assertThat(OtpCodes.isWellFormed("01234567", 8)).isTrue();
    assertThat(OtpCodes.isWellFormed("123456", 8)).isFalse();
    assertThat(OtpCodes.isWellFormed("", 0)).isFalse();
  }

  @Test
  void comparesWholeStrings() {
    assertThat(OtpCodes.constantTimeEquals("012345", "012345")).isTrue();
    assertThat(OtpCodes.constantTimeEquals("012345", "012346")).isFalse();
    assertThat(OtpCodes.constantTimeEquals("012345", "12345")).isFalse();
    assertThat(OtpCodes.constantTimeEquals("012345", "0123456")).isFalse();
  }

  @Test
  void neverMatchesNull() {
    assertThat(OtpCodes.constantTimeEquals(null, "123456")).isFalse();
    assertThat(OtpCodes.constantTimeEquals("123456", null)).isFalse();
    assertThat(OtpCodes.constantTimeEquals(null, null)).isFalse();
  }

  @Test
  void neverMatchesDifferentNonAsciiStrings() {
    // A US-ASCII encoder would turn both into "??????".
    assertThat(
            OtpCodes.constantTimeEquals(
                "\u0661\u0662\u0663\u0664\u0665\u0666", "\uFF11\uFF12\uFF13\uFF14\uFF15\uFF16"))
        .isFalse();
  }
}
