package io.latchkey.core.push;

import io.latchkey.core.crypto.SecretCipher;
import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * One-time activation codes. A code is derived from its registration attempt's ID under the
 * server's key, so a reloaded page shows the same QR code without the code being stored; the
 * database keeps only its SHA-256, for the lookup when the device presents it.
 */
public final class ActivationCodes {
  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final int GROUPS = 7;

  private final SecretCipher cipher;

  public ActivationCodes(SecretCipher cipher) {
    this.cipher = cipher;
  }

  /** The code of attempt {@code enrollmentId}: 7 groups of 4 Crockford Base32 (140 bits). */
  public String codeFor(UUID enrollmentId) {
    byte[] bytes =
        cipher.derive(
            "push-activation",
            ByteBuffer.allocate(16)
                .putLong(enrollmentId.getMostSignificantBits())
                .putLong(enrollmentId.getLeastSignificantBits())
                .array());
    StringBuilder out = new StringBuilder();
    int bit = 0;
    for (int i = 0; i < GROUPS * 4; i++) {
      if (i > 0 && i % 4 == 0) {
        out.append('-');
      }
      int value = 0;
      for (int b = 0; b < 5; b++, bit++) {
        value = (value << 1) | ((bytes[bit / 8] >> (7 - bit % 8)) & 1);
      }
      out.append(ALPHABET[value]);
    }
    return out.toString();
  }

  /** What the store keeps: SHA-256 of the canonical (upper-case) code. */
  public static byte[] hash(String code) {
    return DeviceSignatures.sha256(
        code.toUpperCase(java.util.Locale.ROOT).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
