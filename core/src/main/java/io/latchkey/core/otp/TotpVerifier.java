package io.latchkey.core.otp;

import java.time.Instant;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Finds which time step a typed TOTP code belongs to, within a drift window around the current step
 * shifted by the credential's remembered drift. Every step of the window is computed and compared
 * in constant time, with no early return that would reveal which step matched (STYLE 8). Replay
 * protection is not here: the caller records the matched step atomically ({@code
 * markStepUsedIfNewer}), so a step is accepted once.
 */
public final class TotpVerifier {

  /** Largest window accepted: 10 steps each side is already 10.5 minutes at 30 s. */
  public static final int MAX_WINDOW = 10;

  private final java.util.function.IntSupplier window;

  /**
   * @param window steps accepted on each side (RFC 6238 §5.2 recommends at most one); 0 to 10
   * @throws IllegalArgumentException if {@code window} is outside 0 to 10
   */
  public TotpVerifier(int window) {
    checked(window);
    this.window = () -> window;
  }

  /**
   * @param window read on every check, so a changed policy applies at once; each value 0 to 10
   */
  public TotpVerifier(java.util.function.IntSupplier window) {
    this.window = window;
  }

  public int window() {
    return checked(window.getAsInt());
  }

  private static int checked(int window) {
    if (window < 0 || window > MAX_WINDOW) {
      throw new IllegalArgumentException(
          "the window must be 0 to " + MAX_WINDOW + " steps, not " + window);
    }
    return window;
  }

  /**
   * The step whose code equals {@code code}, searching {@code current + drift - window} to {@code
   * current + drift + window}, where {@code drift} is clamped to {@code [-window, window]}. If more
   * than one step matches, the latest. Empty when the code is malformed (see {@link
   * OtpCodes#isWellFormed}) or matches no step.
   *
   * <p>Steps before 1970 (negative) have no code and are left out; this only matters for a clock
   * set to 1970, not for timing, since it does not depend on the code or the secret.
   *
   * @throws IllegalArgumentException if {@code parameters} are not TOTP
   */
  public OptionalLong matchStep(
      Secret secret, OtpParameters parameters, String code, Instant now, int drift) {
    Objects.requireNonNull(secret, "secret");
    Totp.checkTotp(parameters);
    long current = Totp.step(now, parameters.periodSeconds());
    if (!OtpCodes.isWellFormed(code, parameters.digits())) {
      return OptionalLong.empty();
    }
    // Instant limits |epoch seconds| to about 3.2e16, far from Long's 9.2e18, so the sums below
    // cannot overflow even with a period of 1 s and the widest window and drift.
    int window = window();
    long centre = current + Math.clamp(drift, -window, window);
    long matched = -1;
    for (long step = centre - window; step <= centre + window; step++) {
      if (step < 0) {
        continue;
      }
      boolean equal =
          OtpCodes.constantTimeEquals(Totp.generateForStep(secret, parameters, step), code);
      // No break: the later steps are computed and compared anyway, and a later match wins.
      matched = equal ? step : matched;
    }
    return matched < 0 ? OptionalLong.empty() : OptionalLong.of(matched);
  }
}
