package io.latchkey.core.push;

import java.security.SecureRandom;

/** Fresh numbers for number matching, from a CSPRNG, one per challenge (SECURITY-TESTS F1). */
public final class NumberSource {
  private final SecureRandom random;

  public NumberSource(SecureRandom random) {
    this.random = random;
  }

  /** A uniformly random number of exactly {@code digits} digits, leading zeros kept. */
  public String next(int digits) {
    if (digits < 1 || digits > 9) {
      throw new IllegalArgumentException("1 to 9 digits");
    }
    int bound = (int) Math.pow(10, digits);
    return String.format(java.util.Locale.ROOT, "%0" + digits + "d", random.nextInt(bound));
  }
}
