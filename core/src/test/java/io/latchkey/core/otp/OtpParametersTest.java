package io.latchkey.core.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OtpParametersTest {

  @Test
  void defaultsToSha1SixDigitsThirtySeconds() {
    assertThat(OtpParameters.TOTP_DEFAULT)
        .isEqualTo(new OtpParameters(OtpType.TOTP, HashAlgorithm.SHA1, 6, 30, 0));
  }

  @ParameterizedTest
  @ValueSource(ints = {6, 7, 8})
  void acceptsSixToEightDigits(int digits) {
    assertThat(OtpParameters.totp(HashAlgorithm.SHA256, digits, 30).digits()).isEqualTo(digits);
  }

  @ParameterizedTest
  @ValueSource(ints = {Integer.MIN_VALUE, 0, 5, 9, 10})
  void rejectsOtherLengths(int digits) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> OtpParameters.totp(HashAlgorithm.SHA1, digits, 30))
        .withMessageContaining("digits");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 10, 45, 60, 90, 120, 900, Integer.MAX_VALUE})
  void acceptsAnyPeriodFromOneSecondWithoutCap(int period) {
    assertThat(OtpParameters.totp(HashAlgorithm.SHA1, 6, period).periodSeconds()).isEqualTo(period);
  }

  @ParameterizedTest
  @ValueSource(ints = {Integer.MIN_VALUE, -30, 0})
  void rejectsPeriodsBelowOneSecond(int period) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> OtpParameters.totp(HashAlgorithm.SHA1, 6, period))
        .withMessageContaining("period");
  }

  @Test
  void acceptsEveryNonNegativeSixtyFourBitCounter() {
    assertThat(OtpParameters.hotp(HashAlgorithm.SHA1, 6, 0).counter()).isZero();
    assertThat(OtpParameters.hotp(HashAlgorithm.SHA1, 6, Long.MAX_VALUE).counter())
        .isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void rejectsANegativeCounter() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> OtpParameters.hotp(HashAlgorithm.SHA1, 6, -1))
        .withMessageContaining("counter");
  }

  @Test
  void rejectsAMissingTypeOrAlgorithm() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new OtpParameters(null, HashAlgorithm.SHA1, 6, 30, 0))
        .withMessageContaining("type");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new OtpParameters(OtpType.TOTP, null, 6, 30, 0))
        .withMessageContaining("algorithm");
  }
}
