package io.latchkey.core.push;

import java.util.Locale;

/**
 * A challenge goes from {@code PENDING} to exactly one final state, once (SECURITY-TESTS F3).
 * {@code NUMBER_MISMATCH}: the device answered with the wrong number, which ends the challenge.
 */
public enum ChallengeState {
  PENDING,
  APPROVED,
  DENIED,
  REPORTED,
  NUMBER_MISMATCH,
  EXPIRED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
