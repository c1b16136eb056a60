package io.latchkey.core.push;

import java.time.Duration;
import java.time.Instant;

/**
 * A request as a device signed it (docs/PUSH-PROTOCOL.md §2).
 *
 * @param timestamp the device's time in epoch seconds, from {@code Latchkey-Timestamp}
 * @param signature the decoded {@code Latchkey-Signature}
 */
public record SignedRequest(
    String method, String pathAndQuery, long timestamp, byte[] body, byte[] signature) {
  /** How far a request's timestamp may be from the server's clock. */
  public static final Duration MAX_SKEW = Duration.ofMinutes(5);

  public byte[] payload() {
    return DeviceSignatures.request(method, pathAndQuery, timestamp, body);
  }

  /** Device time minus server time. */
  public Duration skew(Instant serverNow) {
    return Duration.ofSeconds(timestamp - serverNow.getEpochSecond());
  }

  public boolean fresh(Instant serverNow) {
    return skew(serverNow).abs().compareTo(MAX_SKEW) <= 0;
  }
}
