package io.latchkey.app;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * How a vault with a PIN is opened: with the key an {@code unlock} kept, while it is valid;
 * otherwise with the PIN, refused at once during a wrong-PIN wait ({@link PinAttempts}). Every
 * outcome is decided before the vault is written, so none of this ever rewrites the vault.
 */
final class PinGate {
  static final String WRONG_PIN = "Could not unlock the vault: wrong PIN.";

  private final PinSource pins;
  private final Clock clock;
  private final Unlocks unlocks;

  /**
   * @param pins where the PIN comes from
   * @param clock the wrong-PIN delay's clock
   * @param unlocks the kept unlock, or null to always ask for the PIN
   */
  PinGate(PinSource pins, Clock clock, Unlocks unlocks) {
    this.pins = pins;
    this.clock = clock;
    this.unlocks = unlocks;
  }

  PinSource pins() {
    return pins;
  }

  /**
   * The lock of the vault in {@code home}, whose header is {@code header}; the caller holds the
   * vault's lock.
   *
   * @param pinRequired ask for the PIN even while unlocked (to unlock again, change or remove it)
   */
  PinLock open(Path home, PinHeader header, boolean pinRequired) throws IOException {
    if (!pinRequired && unlocks != null) {
      Optional<PinLock> kept = unlocks.kept(header);
      if (kept.isPresent()) {
        return kept.get();
      }
    }
    PinAttempts attempts = new PinAttempts(home, clock);
    attempts.refuseWhileWaiting();
    char[] pin = pins.current();
    Optional<PinLock> lock;
    try {
      lock = PinLock.tryUnlock(header, pin);
    } finally {
      Arrays.fill(pin, '\0');
    }
    if (lock.isEmpty()) {
      Duration wait = attempts.failed();
      throw new AppException(
          wait.isZero() ? WRONG_PIN : WRONG_PIN + " " + PinAttempts.againIn(wait));
    }
    attempts.succeeded();
    return lock.get();
  }
}
