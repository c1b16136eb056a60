package io.latchkey.core.push;

import java.time.Duration;
import java.time.Instant;

/**
 * What a device says about itself at activation (PRODUCT 4). Self-reported, so a hint and never
 * proof (SECURITY-TESTS §1.6): the policy may refuse on it, never grant more on it. {@code null}
 * means the device could not tell.
 *
 * @param storageEncrypted whether the app's storage is on an encrypted volume
 * @param rooted whether the app runs with administrator (root) rights
 * @param notificationsEnabled whether the device can show sign-in requests
 * @param appVersion the app's version
 * @param deviceClock the device's clock when it sent the posture
 * @param overridden true when the values came from an explicit override (demos, tests), not from
 *     detection
 */
public record Posture(
    Boolean storageEncrypted,
    Boolean rooted,
    Boolean notificationsEnabled,
    String appVersion,
    Instant deviceClock,
    boolean overridden) {
  public Posture {
    appVersion = appVersion == null ? "" : appVersion;
    if (appVersion.length() > 64) {
      throw new IllegalArgumentException("the app version is too long");
    }
  }

  /** Device clock minus server clock when the posture arrived; zero when unknown. */
  public Duration clockOffset(Instant serverNow) {
    return deviceClock == null ? Duration.ZERO : Duration.between(serverNow, deviceClock);
  }
}
