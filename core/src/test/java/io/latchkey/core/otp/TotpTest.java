package io.latchkey.core.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class TotpTest {

  /** RFC 6238 Appendix A's reference code uses one seed per mode (INTEROP.md §5). */
  static final Secret SEED_20 = ascii("12345678901234567890");

  static final Secret SEED_32 = ascii("12345678901234567890123456789012");
  static final Secret SEED_64 =
      ascii("1234567890123456789012345678901234567890123456789012345678901234");

  /** Google's example key (INTEROP.md §1.1, §6). */
  static final Secret GOOGLE_EXAMPLE = Secret.fromBase32("JBSWY3DPEHPK3PXP");

  @ParameterizedTest(name = "t={0} {3} gives {2}")
  @CsvSource({
    "59, 0000000000000001, 94287082, SHA1",
    "59, 0000000000000001, 46119246, SHA256",
    "59, 0000000000000001, 90693936, SHA512",
    "1111111109, 00000000023523EC, 07081804, SHA1",
    "1111111109, 00000000023523EC, 68084774, SHA256",
    "1111111109, 00000000023523EC, 25091201, SHA512",
    "1111111111, 00000000023523ED, 14050471, SHA1",
    "1111111111, 00000000023523ED, 67062674, SHA256",
    "1111111111, 00000000023523ED, 99943326, SHA512",
    "1234567890, 000000000273EF07, 89005924, SHA1",
    "1234567890, 000000000273EF07, 91819424, SHA256",
    "1234567890, 000000000273EF07, 93441116, SHA512",
    "2000000000, 0000000003F940AA, 69279037, SHA1",
    "2000000000, 0000000003F940AA, 90698825, SHA256",
    "2000000000, 0000000003F940AA, 38618901, SHA512",
    "20000000000, 0000000027BC86AA, 65353130, SHA1",
    "20000000000, 0000000027BC86AA, 77737706, SHA256",
    "20000000000, 0000000027BC86AA, 47863826, SHA512",
  })
  void matchesRfc6238AppendixBWithTheSeedOfEachMode(
      long time, String stepHex, String code, HashAlgorithm algorithm) {
    Instant at = Instant.ofEpochSecond(time);
    OtpParameters parameters = OtpParameters.totp(algorithm, 8, 30);

    assertThat(Totp.step(at, 30)).isEqualTo(Long.parseUnsignedLong(stepHex, 16));
    assertThat(Totp.generate(seedFor(algorithm), parameters, at)).isEqualTo(code);
  }

  /** INTEROP.md §5: a library that pads or repeats the key would pass the table above, not this. */
  @ParameterizedTest(name = "t={0} gives {1} (SHA256) and {2} (SHA512)")
  @CsvSource({
    "59, 32247374, 69342147",
    "1111111109, 34756375, 63049338",
    "1111111111, 74584430, 54380122",
    "1234567890, 42829826, 76671578",
    "2000000000, 78428693, 56464532",
    "20000000000, 24142410, 69481994",
  })
  void usesTheTwentyByteSeedAsGivenForSha256AndSha512(long time, String sha256, String sha512) {
    Instant at = Instant.ofEpochSecond(time);

    assertThat(Totp.generate(SEED_20, OtpParameters.totp(HashAlgorithm.SHA256, 8, 30), at))
        .isEqualTo(sha256);
    assertThat(Totp.generate(SEED_20, OtpParameters.totp(HashAlgorithm.SHA512, 8, 30), at))
        .isEqualTo(sha512);
  }

  @ParameterizedTest(name = "t={0}")
  @CsvSource({
    "59, 996554, 344551, 439887, 282760",
    "1111111109, 071271, 650964, 365709, 912772",
    "1234567890, 742275, 488545, 136418, 997474",
    "2000000000, 890699, 916370, 813052, 949556",
  })
  void matchesTheGoogleExampleKeyTable(
      long time, String sha1, String sha256, String sha512, String sha1Period60) {
    Instant at = Instant.ofEpochSecond(time);

    assertThat(Totp.generate(GOOGLE_EXAMPLE, OtpParameters.totp(HashAlgorithm.SHA1, 6, 30), at))
        .isEqualTo(sha1);
    assertThat(Totp.generate(GOOGLE_EXAMPLE, OtpParameters.totp(HashAlgorithm.SHA256, 6, 30), at))
        .isEqualTo(sha256);
    assertThat(Totp.generate(GOOGLE_EXAMPLE, OtpParameters.totp(HashAlgorithm.SHA512, 6, 30), at))
        .isEqualTo(sha512);
    assertThat(Totp.generate(GOOGLE_EXAMPLE, OtpParameters.totp(HashAlgorithm.SHA1, 6, 60), at))
        .isEqualTo(sha1Period60);
  }

  /** Table A of testdata/interop/README.md: 7 digits and periods of 15, 45, 60, 90 and 120 s. */
  static Stream<Arguments> interopFixtureCodes() {
    long[] times = {59, 1111111109, 1234567890, 1700000000, 2000000000};
    Object[][] rows = {
      {
        "E2 SHA256/7/45",
        "WETZDJRP6SZJQXMPJKOSWTXLW6P6SHO2LNNMWNTR4QYJ32O4KHDA",
        OtpParameters.totp(HashAlgorithm.SHA256, 7, 45),
        new String[] {"5950824", "9686455", "2542222", "9731253", "8493098"}
      },
      {
        "E3 SHA512/8/90",
        "F4BGAVCRO7I2WOHPLG5FMJBCVK4KG2POLV3LRFLY6SVVEITQ4MABBZB36LFEERDHEQDVZGL6CHAHOAKH3GFTJZARUBTQUPMJ5Y3QP2I",
        OtpParameters.totp(HashAlgorithm.SHA512, 8, 90),
        new String[] {"83083758", "37064262", "31570452", "24550563", "99827772"}
      },
      {
        "E4 SHA1/8/15",
        "Q7YTBH5677XZF3Q2PSM64Z4TLRLVIQYKGE",
        OtpParameters.totp(HashAlgorithm.SHA1, 8, 15),
        new String[] {"64730657", "95531620", "28764026", "31180606", "64115018"}
      },
      {
        "E5 SHA256/6/120",
        "MX6MEODPFSLQDV46WBTY4S5Z3FTQGYXFUTK34HSOBQ",
        OtpParameters.totp(HashAlgorithm.SHA256, 6, 120),
        new String[] {"707952", "209487", "756112", "261087", "111551"}
      },
      {
        "E6 SHA512/6/60",
        "HQDGMEAUBBKEOSJX4GJZINC4WGWVNH7W3WHBMPH6IMIS5BRNSWKJHZI5Y2O5C3AN",
        OtpParameters.totp(HashAlgorithm.SHA512, 6, 60),
        new String[] {"564593", "952315", "162775", "721925", "216934"}
      },
    };
    Stream.Builder<Arguments> cases = Stream.builder();
    for (Object[] row : rows) {
      String[] codes = (String[]) row[3];
      for (int i = 0; i < times.length; i++) {
        cases.add(Arguments.of(row[0], row[1], row[2], times[i], codes[i]));
      }
    }
    return cases.build();
  }

  @ParameterizedTest(name = "{0} t={3} gives {4}")
  @MethodSource("interopFixtureCodes")
  void matchesTheInteropFixtureCodes(
      String name, String base32, OtpParameters parameters, long time, String code) {
    assertThat(Totp.generate(Secret.fromBase32(base32), parameters, Instant.ofEpochSecond(time)))
        .isEqualTo(code);
  }

  @Test
  void readsTheRfcSeedsFromTheirBase32FormsWithOrWithoutPadding() {
    assertThat(Secret.fromBase32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")).isEqualTo(SEED_20);
    String seed32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA";
    assertThat(Secret.fromBase32(seed32)).isEqualTo(SEED_32);
    assertThat(Secret.fromBase32(seed32 + "====")).isEqualTo(SEED_32);
    String seed64 =
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            + "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNA";
    assertThat(Secret.fromBase32(seed64)).isEqualTo(SEED_64);
    assertThat(Secret.fromBase32(seed64 + "=")).isEqualTo(SEED_64);
  }

  @Test
  void acceptsAnyPeriodWithNoUpperCap() {
    Instant at = Instant.ofEpochSecond(1234567890);
    // oathtool -b --totp -s Ns -N @1234567890 JBSWY3DPEHPK3PXP
    assertThat(Totp.generate(GOOGLE_EXAMPLE, OtpParameters.totp(HashAlgorithm.SHA1, 6, 1), at))
        .isEqualTo("796981");
    assertThat(Totp.generate(GOOGLE_EXAMPLE, OtpParameters.totp(HashAlgorithm.SHA1, 6, 86400), at))
        .isEqualTo("870652");
    OtpParameters longest = OtpParameters.totp(HashAlgorithm.SHA1, 6, Integer.MAX_VALUE);
    assertThat(Totp.step(at, Integer.MAX_VALUE)).isZero();
    assertThat(Totp.generate(GOOGLE_EXAMPLE, longest, at)).isEqualTo("282760");
  }

  @Test
  void computesStepsWithFloorDivisionInSixtyFourBits() {
    assertThat(Totp.step(Instant.ofEpochSecond(59, 999_999_999), 30)).isEqualTo(1);
    assertThat(Totp.step(Instant.ofEpochSecond(60), 30)).isEqualTo(2);
    assertThat(Totp.step(Instant.ofEpochSecond(20_000_000_000L), 30)).isEqualTo(0x27BC86AAL);
    assertThat(Totp.step(Instant.MAX, 1)).isEqualTo(Instant.MAX.getEpochSecond());
    assertThat(Totp.step(Instant.ofEpochSecond(-1), 30)).isEqualTo(-1);
    assertThat(Totp.step(Instant.MIN, 1)).isEqualTo(Instant.MIN.getEpochSecond());
  }

  @Test
  void countsSecondsLeftFromThePeriodDownToOne() {
    assertThat(Totp.secondsLeft(Instant.ofEpochSecond(0), 30)).isEqualTo(30);
    assertThat(Totp.secondsLeft(Instant.ofEpochSecond(1), 30)).isEqualTo(29);
    assertThat(Totp.secondsLeft(Instant.ofEpochSecond(29, 999_999_999), 30)).isEqualTo(1);
    assertThat(Totp.secondsLeft(Instant.ofEpochSecond(30), 30)).isEqualTo(30);
    assertThat(Totp.secondsLeft(Instant.ofEpochSecond(1234567890), 1)).isEqualTo(1);
    assertThat(Totp.secondsLeft(Instant.ofEpochSecond(-1), 30)).isEqualTo(1);
    assertThat(Totp.secondsLeft(Instant.MAX, Integer.MAX_VALUE)).isBetween(1, Integer.MAX_VALUE);
    assertThat(Totp.secondsLeft(Instant.MIN, 7)).isBetween(1, 7);
  }

  @Test
  void refusesHotpParameters() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                Totp.generate(
                    SEED_20, OtpParameters.hotp(HashAlgorithm.SHA1, 6, 0), Instant.EPOCH));
  }

  @Test
  void refusesTimesBefore1970() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () -> Totp.generate(SEED_20, OtpParameters.TOTP_DEFAULT, Instant.ofEpochSecond(-1)));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Totp.generateForStep(SEED_20, OtpParameters.TOTP_DEFAULT, -1));
  }

  @Test
  void refusesAPeriodBelowOneSecond() {
    assertThatIllegalArgumentException().isThrownBy(() -> Totp.step(Instant.EPOCH, 0));
    assertThatIllegalArgumentException().isThrownBy(() -> Totp.secondsLeft(Instant.EPOCH, -30));
  }

  private static Secret seedFor(HashAlgorithm algorithm) {
    return switch (algorithm) {
      case SHA1 -> SEED_20;
      case SHA256 -> SEED_32;
      case SHA512 -> SEED_64;
    };
  }

  private static Secret ascii(String text) {
    return new Secret(text.getBytes(StandardCharsets.US_ASCII));
  }
}
