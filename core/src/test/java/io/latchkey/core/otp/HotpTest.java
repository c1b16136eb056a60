package io.latchkey.core.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HotpTest {

  /** RFC 4226 Appendix D (INTEROP.md §4): ASCII "12345678901234567890". */
  static final Secret RFC_4226_SEED =
      new Secret("12345678901234567890".getBytes(StandardCharsets.US_ASCII));

  @ParameterizedTest(name = "counter {0} gives {4}")
  @CsvSource({
    "0, cc93cf18508d94934c64b65d8ba7667fb7cde4b0, 4c93cf18, 1284755224, 755224",
    "1, 75a48a19d4cbe100644e8ac1397eea747a2d33ab, 41397eea, 1094287082, 287082",
    "2, 0bacb7fa082fef30782211938bc1c5e70416ff44, 082fef30, 137359152, 359152",
    "3, 66c28227d03a2d5529262ff016a1e6ef76557ece, 66ef7655, 1726969429, 969429",
    "4, a904c900a64b35909874b33e61c5938a8e15ed1c, 61c5938a, 1640338314, 338314",
    "5, a37e783d7b7233c083d4f62926c7a25f238d0316, 33c083d4, 868254676, 254676",
    "6, bc9cd28561042c83f219324d3c607256c03272ae, 7256c032, 1918287922, 287922",
    "7, a4fb960c0bc06e1eabb804e5b397cdc4b45596fa, 04e5b397, 82162583, 162583",
    "8, 1b3c89f65e6c9e883012052823443f048b4332db, 2823443f, 673399871, 399871",
    "9, 1637409809a679dc698207310c8c7fc07290d9e5, 2679dc69, 645520489, 520489",
  })
  void matchesEveryIntermediateValueOfRfc4226AppendixD(
      long counter, String hmacHex, String truncatedHex, int truncatedDecimal, String code) {
    byte[] hmac = Hotp.hmac(RFC_4226_SEED, HashAlgorithm.SHA1, counter);
    int truncated = Hotp.dynamicTruncation(hmac);

    assertThat(HexFormat.of().formatHex(hmac)).isEqualTo(hmacHex);
    assertThat(HexFormat.of().toHexDigits(truncated)).isEqualTo(truncatedHex);
    assertThat(truncated).isEqualTo(truncatedDecimal);
    assertThat(Hotp.generate(RFC_4226_SEED, HashAlgorithm.SHA1, 6, counter)).isEqualTo(code);
  }

  /** Values from oathtool 2.6.7 (-c N, or --totp=ALG -s 1s -N @N) and pyotp 2.6.0. */
  @ParameterizedTest(name = "{0} counter {1} gives {2}")
  @CsvSource({
    "SHA1, 4294967296, 999456",
    "SHA1, 9223372036854775807, 181742",
    "SHA256, 4294967296, 111431",
    "SHA256, 1099511627776, 732572",
    "SHA512, 9223372036854775807, 447857",
  })
  void usesAllSixtyFourBitsOfTheCounter(HashAlgorithm algorithm, long counter, String code) {
    assertThat(Hotp.generate(RFC_4226_SEED, algorithm, 6, counter)).isEqualTo(code);
  }

  @Test
  void readsANegativeCounterAsItsUnsignedSixtyFourBits() {
    // -1 is 0xFFFFFFFFFFFFFFFF; oathtool -c 18446744073709551615 gives 094451.
    assertThat(Hotp.generate(RFC_4226_SEED, HashAlgorithm.SHA1, 6, -1)).isEqualTo("094451");
  }

  @Test
  void keepsLeadingZeros() {
    // The RFC 6238 Appendix B steps for t=1111111109 and t=1234567890, used as HOTP counters.
    assertThat(Hotp.generate(RFC_4226_SEED, HashAlgorithm.SHA1, 8, 0x23523ECL))
        .isEqualTo("07081804");
    assertThat(Hotp.generate(RFC_4226_SEED, HashAlgorithm.SHA1, 6, 0x273EF07L)).isEqualTo("005924");
  }

  @Test
  void writesAsciiDigitsWhateverTheDefaultLocale() {
    Locale saved = Locale.getDefault();
    try {
      // Under Thai digits, String.format("%06d") would write ๗๕๕๒๒๔.
      Locale.setDefault(Locale.forLanguageTag("th-TH-u-nu-thai"));
      assertThat(Hotp.generate(RFC_4226_SEED, HashAlgorithm.SHA1, 6, 0)).isEqualTo("755224");
    } finally {
      Locale.setDefault(saved);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 0, 5, 9, 10})
  void rejectsLengthsOtherThanSixToEight(int digits) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Hotp.generate(RFC_4226_SEED, HashAlgorithm.SHA1, digits, 0))
        .withMessageContaining("6 to 8");
  }
}
