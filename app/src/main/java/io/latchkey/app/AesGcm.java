package io.latchkey.app;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM with a 128-bit tag, and passwords as UTF-8 bytes: what the vault's PIN lock, the
 * encrypted backup and the Aegis format share. Each caller names its own failures.
 */
final class AesGcm {
  static final int TAG_BITS = 128;

  private AesGcm() {}

  /**
   * Encrypts or decrypts {@code input} bound to {@code aad}.
   *
   * @throws javax.crypto.AEADBadTagException when decrypting with the wrong key or changed bytes
   * @throws GeneralSecurityException for a key or nonce of the wrong size (a damaged file)
   */
  static byte[] crypt(int mode, byte[] key, byte[] nonce, byte[] aad, byte[] input)
      throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
    if (aad != null) {
      cipher.updateAAD(aad);
    }
    return cipher.doFinal(input);
  }

  /** The password's UTF-8 bytes (not normalised); the encoder's buffer is wiped. */
  static byte[] utf8(char[] password) {
    ByteBuffer buffer = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    Arrays.fill(buffer.array(), (byte) 0);
    return bytes;
  }
}
