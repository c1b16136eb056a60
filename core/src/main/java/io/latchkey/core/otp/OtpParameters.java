package io.latchkey.core.otp;

/**
 * How codes are computed for one credential. Validated on construction: digits 6 to 8, period of at
 * least one second (no upper cap: INTEROP.md §1.2 rule 5), counter of at least 0 (HOTP only).
 *
 * @param type HOTP or TOTP
 * @param algorithm HMAC hash
 * @param digits code length, 6 to 8
 * @param periodSeconds TOTP time step X (RFC 6238 §4.1); kept at 30 for HOTP
 * @param counter the HOTP counter the next code is made from; 0 for TOTP
 */
public record OtpParameters(
    OtpType type, HashAlgorithm algorithm, int digits, int periodSeconds, long counter) {

  /** RFC 4226 §5.3 requires at least 6 digits; oathtool and the URI drafts stop at 8. */
  public static final int MIN_DIGITS = 6;

  /** See {@link #MIN_DIGITS}. */
  public static final int MAX_DIGITS = 8;

  /** SHA1, 6 digits, 30 s: what the server issues unless an administrator chooses otherwise. */
  public static final OtpParameters TOTP_DEFAULT =
      new OtpParameters(OtpType.TOTP, HashAlgorithm.SHA1, 6, 30, 0);

  /**
   * Validates every component.
   *
   * @throws IllegalArgumentException naming the field that is missing or out of range
   */
  public OtpParameters {
    if (type == null) {
      throw new IllegalArgumentException("the OTP type (HOTP or TOTP) is missing");
    }
    if (algorithm == null) {
      throw new IllegalArgumentException("the hash algorithm is missing");
    }
    checkDigits(digits);
    if (periodSeconds < 1) {
      throw new IllegalArgumentException(
          "the period must be at least 1 second, not " + periodSeconds);
    }
    if (counter < 0) {
      throw new IllegalArgumentException("the counter must not be negative, not " + counter);
    }
  }

  public static OtpParameters totp(HashAlgorithm algorithm, int digits, int periodSeconds) {
    return new OtpParameters(OtpType.TOTP, algorithm, digits, periodSeconds, 0);
  }

  public static OtpParameters hotp(HashAlgorithm algorithm, int digits, long counter) {
    return new OtpParameters(OtpType.HOTP, algorithm, digits, 30, counter);
  }

  /** Throws unless {@code digits} is between {@link #MIN_DIGITS} and {@link #MAX_DIGITS}. */
  static void checkDigits(int digits) {
    if (digits < MIN_DIGITS || digits > MAX_DIGITS) {
      throw new IllegalArgumentException(
          "codes have " + MIN_DIGITS + " to " + MAX_DIGITS + " digits, not " + digits);
    }
  }
}
