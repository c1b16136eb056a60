package io.latchkey.core.otp;

import java.time.Instant;
import java.util.Objects;

/** RFC 6238 TOTP with T0 = 0. Takes an {@link Instant}; never reads a clock itself. */
public final class Totp {
  private Totp() {}

  /**
   * T = floor(unixSeconds / period) (RFC 6238 §4.2), 64-bit. Instants before 1970 give negative
   * steps, for which there is no code (see {@link #generateForStep}).
   *
   * @throws IllegalArgumentException if {@code periodSeconds} is less than 1
   */
  public static long step(Instant at, int periodSeconds) {
    Objects.requireNonNull(at, "at");
    checkPeriod(periodSeconds);
    // Epoch seconds are a long: RFC 6238 §4.2 asks for T beyond 2038, and the §5 vectors go to
    // 20000000000. Floor division keeps a sub-second instant in its step.
    return Math.floorDiv(at.getEpochSecond(), periodSeconds);
  }

  /**
   * Seconds left in the step that contains {@code at}, 1..period.
   *
   * @throws IllegalArgumentException if {@code periodSeconds} is less than 1
   */
  public static int secondsLeft(Instant at, int periodSeconds) {
    Objects.requireNonNull(at, "at");
    checkPeriod(periodSeconds);
    return periodSeconds - (int) Math.floorMod(at.getEpochSecond(), (long) periodSeconds);
  }

  /**
   * The code at {@code at}.
   *
   * @throws IllegalArgumentException if {@code parameters} are not TOTP, or {@code at} is before
   *     1970
   */
  public static String generate(Secret secret, OtpParameters parameters, Instant at) {
    Objects.requireNonNull(parameters, "parameters");
    return generateForStep(secret, parameters, step(at, parameters.periodSeconds()));
  }

  /**
   * The code for step {@code step}: HOTP with T as the counter (RFC 6238 §4.2), using the algorithm
   * and digits of {@code parameters}.
   *
   * @throws IllegalArgumentException if {@code parameters} are not TOTP, or {@code step} is
   *     negative (T counts steps since T0, RFC 6238 §4.2)
   */
  public static String generateForStep(Secret secret, OtpParameters parameters, long step) {
    checkTotp(parameters);
    if (step < 0) {
      throw new IllegalArgumentException("there is no TOTP code before 1970 (step " + step + ")");
    }
    return Hotp.generate(secret, parameters.algorithm(), parameters.digits(), step);
  }

  /** A TOTP code for HOTP parameters would be a code the user's app never shows. */
  static void checkTotp(OtpParameters parameters) {
    Objects.requireNonNull(parameters, "parameters");
    if (parameters.type() != OtpType.TOTP) {
      throw new IllegalArgumentException("these parameters are for " + parameters.type());
    }
  }

  private static void checkPeriod(int periodSeconds) {
    if (periodSeconds < 1) {
      throw new IllegalArgumentException(
          "the period must be at least 1 second, not " + periodSeconds);
    }
  }
}
