package io.latchkey.core.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TotpVerifierTest {

  private static final Secret SECRET =
      new Secret("12345678901234567890".getBytes(StandardCharsets.US_ASCII));
  private static final OtpParameters PARAMETERS = OtpParameters.TOTP_DEFAULT;
  private static final Instant NOW = Instant.ofEpochSecond(1234567890);
  private static final long CURRENT = Totp.step(NOW, 30);

  @ParameterizedTest
  @ValueSource(ints = {-1, 11, Integer.MIN_VALUE, Integer.MAX_VALUE})
  void refusesAWindowOutsideZeroToTen(int window) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new TotpVerifier(window))
        .withMessageContaining("0 to 10");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 10})
  void acceptsEveryStepWithinTheWindowOnEitherSide(int window) {
    TotpVerifier verifier = new TotpVerifier(window);

    for (int offset = -window; offset <= window; offset++) {
      assertThat(verifier.matchStep(SECRET, PARAMETERS, codeAt(CURRENT + offset), NOW, 0))
          .as("offset %d", offset)
          .hasValue(CURRENT + offset);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 10})
  void rejectsTheFirstStepBeyondTheWindow(int window) {
    TotpVerifier verifier = new TotpVerifier(window);

    assertThat(verifier.matchStep(SECRET, PARAMETERS, codeAt(CURRENT + window + 1), NOW, 0))
        .isEmpty();
    assertThat(verifier.matchStep(SECRET, PARAMETERS, codeAt(CURRENT - window - 1), NOW, 0))
        .isEmpty();
  }

  @Test
  void shiftsTheWindowByTheRememberedDrift() {
    TotpVerifier verifier = new TotpVerifier(1);

    assertThat(verifier.matchStep(SECRET, PARAMETERS, codeAt(CURRENT + 2), NOW, 1))
        .hasValue(CURRENT + 2);
    assertThat(verifier.matchStep(SECRET, PARAMETERS, codeAt(CURRENT - 1), NOW, 1)).isEmpty();
    assertThat(verifier.matchStep(SECRET, PARAMETERS, codeAt(CURRENT - 2), NOW, -1))
        .hasValue(CURRENT - 2);
    assertThat(verifier.matchStep(SECRET, PARAMETERS, codeAt(CURRENT + 1), NOW, -1)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"5, 2", "-5, -2", "2147483647, 2", "-2147483648, -2"})
  void clampsTheDriftToTheWindow(int drift, int farthestAccepted) {
    TotpVerifier verifier = new TotpVerifier(1);
    int beyond = farthestAccepted + Integer.signum(farthestAccepted);

    assertThat(
            verifier.matchStep(SECRET, PARAMETERS, codeAt(CURRENT + farthestAccepted), NOW, drift))
        .hasValue(CURRENT + farthestAccepted);
    assertThat(verifier.matchStep(SECRET, PARAMETERS, codeAt(CURRENT + beyond), NOW, drift))
        .isEmpty();
  }

  @Test
  void rejectsADriftOfThreeStepsWithWindowOne() {
    TotpVerifier verifier = new TotpVerifier(1);

    assertThat(verifier.matchStep(SECRET, PARAMETERS, codeAt(CURRENT + 3), NOW, 3)).isEmpty();
    assertThat(verifier.matchStep(SECRET, PARAMETERS, codeAt(CURRENT - 3), NOW, -3)).isEmpty();
  }

  @Test
  void windowZeroIgnoresDrift() {
    TotpVerifier verifier = new TotpVerifier(0);

    assertThat(verifier.matchStep(SECRET, PARAMETERS, codeAt(CURRENT + 1), NOW, 1)).isEmpty();
    assertThat(verifier.matchStep(SECRET, PARAMETERS, codeAt(CURRENT), NOW, 1)).hasValue(CURRENT);
  }

  /**
   * With the RFC seed and SHA1/6/30, steps 57766335 and 57766336 both give 251166, and steps
   * 57017782 and 57017784 both give 882938 (found by search, confirmed with oathtool -w).
   */
  @ParameterizedTest(name = "{0} at steps {1} and {2}, current step {3}")
  @CsvSource({
    "251166, 57766335, 57766336, 57766335",
    "251166, 57766335, 57766336, 57766336",
    "251166, 57766335, 57766336, 57766337",
    "882938, 57017782, 57017784, 57017783",
  })
  void choosesTheLatestOfSeveralMatchingSteps(
      String code, long earlier, long later, long currentStep) {
    assertThat(codeAt(earlier)).isEqualTo(code);
    assertThat(codeAt(later)).isEqualTo(code);
    Instant now = Instant.ofEpochSecond(currentStep * 30 + 7);

    assertThat(new TotpVerifier(1).matchStep(SECRET, PARAMETERS, code, now, 0)).hasValue(later);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        " 005924",
        "005 924",
        "+005924",
        "5924",
        "05924",
        "0005924",
        "\uFF10\uFF10\uFF15\uFF19\uFF12\uFF14", // full-width 005924
        "\u0660\u0660\u0665\u0669\u0662\u0664", // Arabic-Indic 005924
      })
  void findsNothingForAMalformedCode(String code) {
    // 005924 is the right code for NOW; each variant must still fail.
    assertThat(codeAt(CURRENT)).isEqualTo("005924");

    assertThat(new TotpVerifier(1).matchStep(SECRET, PARAMETERS, code, NOW, 0)).isEmpty();
  }

  @Test
  void expectsTheLengthOfTheParameters() {
    OtpParameters eight = OtpParameters.totp(HashAlgorithm.SHA1, 8, 30);

    assertThat(new TotpVerifier(1).matchStep(SECRET, eight, "89005924", NOW, 0)).hasValue(CURRENT);
    assertThat(new TotpVerifier(1).matchStep(SECRET, eight, "005924", NOW, 0)).isEmpty();
  }

  @Test
  void copesWithTheLatestInstant() {
    OtpParameters everySecond = OtpParameters.totp(HashAlgorithm.SHA512, 8, 1);
    long last = Instant.MAX.getEpochSecond();
    String code = Totp.generateForStep(SECRET, everySecond, last + 20);

    OptionalLong step = new TotpVerifier(10).matchStep(SECRET, everySecond, code, Instant.MAX, 10);

    assertThat(step).hasValue(last + 20);
  }

  @Test
  void leavesOutStepsBefore1970() {
    TotpVerifier verifier = new TotpVerifier(1);

    assertThat(verifier.matchStep(SECRET, PARAMETERS, codeAt(0), Instant.EPOCH, 0)).hasValue(0);
    assertThat(verifier.matchStep(SECRET, PARAMETERS, codeAt(0), Instant.EPOCH, -1)).hasValue(0);
    assertThat(verifier.matchStep(SECRET, PARAMETERS, codeAt(0), Instant.MIN, 1)).isEmpty();
  }

  @Test
  void refusesHotpParameters() {
    OtpParameters hotp = OtpParameters.hotp(HashAlgorithm.SHA1, 6, 0);

    assertThatIllegalArgumentException()
        .isThrownBy(() -> new TotpVerifier(1).matchStep(SECRET, hotp, "755224", NOW, 0));
  }

  private static String codeAt(long step) {
    return Totp.generateForStep(SECRET, PARAMETERS, step);
  }
}
