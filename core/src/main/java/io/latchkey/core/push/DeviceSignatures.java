package io.latchkey.core.push;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.UUID;

/**
 * What a device signs (docs/PUSH-PROTOCOL.md). The app and the server build these strings from the
 * same code, so they can never disagree about a byte.
 *
 * <ul>
 *   <li><b>Requests</b> (activation, listening, listing challenges): the method, the path with its
 *       query, the time in epoch seconds and the SHA-256 of the body, one per line.
 *   <li><b>Answers</b> to a challenge: the challenge ID, the user ID, the challenge's expiry, the
 *       decision and the typed number, so an answer is bound to one challenge of one user and
 *       cannot be moved to another (SECURITY-TESTS F4).
 * </ul>
 */
public final class DeviceSignatures {
  /** Header naming the device ({@code Latchkey-Device-Id}); absent on activation. */
  public static final String DEVICE_HEADER = "Latchkey-Device-Id";

  /** Header with the request time in epoch seconds. */
  public static final String TIMESTAMP_HEADER = "Latchkey-Timestamp";

  /** Header with the standard Base64 signature of {@link #request}. */
  public static final String SIGNATURE_HEADER = "Latchkey-Signature";

  private DeviceSignatures() {}

  public static byte[] request(String method, String pathAndQuery, long epochSeconds, byte[] body) {
    String text =
        "latchkey-device-request-v1\n"
            + method.toUpperCase(Locale.ROOT)
            + "\n"
            + pathAndQuery
            + "\n"
            + epochSeconds
            + "\n"
            + Base64.getEncoder().encodeToString(sha256(body));
    return text.getBytes(StandardCharsets.UTF_8);
  }

  public static byte[] answer(
      UUID challengeId, UUID userId, Instant expiresAt, Decision decision, String number) {
    String text =
        "latchkey-push-answer-v1\n"
            + challengeId
            + "\n"
            + userId
            + "\n"
            + expiresAt.getEpochSecond()
            + "\n"
            + decision.wireName()
            + "\n"
            + (number == null ? "" : number);
    return text.getBytes(StandardCharsets.UTF_8);
  }

  public static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes == null ? new byte[0] : bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
