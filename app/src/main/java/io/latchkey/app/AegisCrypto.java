package io.latchkey.app;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import org.bouncycastle.crypto.generators.SCrypt;

/**
 * The cryptography of an encrypted Aegis vault (INTEROP.md §3.2): scrypt turns a password into the
 * key that wraps a slot's copy of the 256-bit master key, and AES-256-GCM with a 128-bit tag and no
 * associated data encrypts both that copy and the content.
 *
 * <p>The format carries no associated data, so the header is not bound to the content the way the
 * app's own vault binds it ({@link PinLock}); every header value that matters still feeds a check:
 * the scrypt settings and salt derive the key, so changing them fails the slot's tag, and the
 * nonces and tags are checked by GCM itself.
 */
final class AegisCrypto {
  /**
   * What Latchkey writes: the OWASP floor for scrypt (N=2^17, r=8, p=1; SECURITY-TESTS H4), above
   * Aegis's own N=2^15.
   */
  static final int WRITE_N = 1 << 17;

  static final int WRITE_R = 8;
  static final int WRITE_P = 1;

  static final int KEY_BYTES = 32;
  static final int SALT_BYTES = 32;
  static final int NONCE_BYTES = 12;
  static final int TAG_BYTES = 16;

  /**
   * scrypt needs about 128·N·r bytes. A file that asks for more than 256 MiB (N=2^18 at r=8), or
   * more than 2^22 block mixes in all, was not written by Aegis or Latchkey; it would only make the
   * app allocate gigabytes or spin for minutes.
   */
  private static final long MAX_MEMORY_BYTES = 256L * 1024 * 1024;

  private static final long MAX_WORK = 1L << 22;
  private static final int MAX_R = 32;
  private static final int MAX_P = 16;
  private static final int MAX_SALT_BYTES = 1024;

  private static final SecureRandom RANDOM = new SecureRandom();

  private AegisCrypto() {}

  /** A password slot's scrypt settings; {@link #check()} refuses absurd ones. */
  record Kdf(int n, int r, int p, byte[] salt) {

    /** Fresh settings for a new slot: Latchkey's N, r, p and a random salt. */
    static Kdf fresh() {
      return new Kdf(WRITE_N, WRITE_R, WRITE_P, random(SALT_BYTES));
    }

    /** True when weaker than what Latchkey writes (Aegis's own N=2^15 is). */
    boolean belowFloor() {
      return n < WRITE_N || r < WRITE_R;
    }

    /**
     * @throws ImportProblem for settings no real vault has: N not a power of two, r or p out of
     *     range, or a memory or time cost far above any real vault's
     */
    void check() {
      boolean powerOfTwo = n > 1 && (n & (n - 1)) == 0;
      boolean ok =
          powerOfTwo
              && r >= 1
              && r <= MAX_R
              && p >= 1
              && p <= MAX_P
              && 128L * n * r <= MAX_MEMORY_BYTES
              && (long) n * r * p <= MAX_WORK
              && salt.length >= 1
              && salt.length <= MAX_SALT_BYTES;
      if (!ok) {
        throw new ImportProblem(
            "its scrypt settings (N="
                + n
                + ", r="
                + r
                + ", p="
                + p
                + ") are outside what Latchkey accepts, so it was not opened");
      }
    }

    /** The 32-byte key for {@code password}: its exact UTF-8 bytes, never normalised. */
    byte[] derive(char[] password) {
      byte[] bytes = AesGcm.utf8(password);
      try {
        return SCrypt.generate(bytes, salt, n, r, p, KEY_BYTES);
      } finally {
        Arrays.fill(bytes, (byte) 0);
      }
    }
  }

  /** Ciphertext and its tag, apart, as Aegis stores them. */
  record Sealed(byte[] nonce, byte[] ciphertext, byte[] tag) {}

  /** Encrypts under a fresh random nonce. */
  static Sealed seal(byte[] key, byte[] plaintext) {
    byte[] nonce = random(NONCE_BYTES);
    byte[] joined;
    try {
      joined = AesGcm.crypt(Cipher.ENCRYPT_MODE, key, nonce, null, plaintext);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
    int split = joined.length - TAG_BYTES;
    return new Sealed(
        nonce,
        Arrays.copyOfRange(joined, 0, split),
        Arrays.copyOfRange(joined, split, joined.length));
  }

  /**
   * Decrypts and checks the tag.
   *
   * @throws AEADBadTagException when the key is wrong or the bytes were changed
   * @throws ImportProblem when a nonce or tag has the wrong length (a damaged file)
   */
  static byte[] open(byte[] key, Sealed sealed) throws AEADBadTagException {
    if (sealed.nonce().length != NONCE_BYTES || sealed.tag().length != TAG_BYTES) {
      throw new ImportProblem("the file is damaged (a nonce or tag in it has the wrong length)");
    }
    byte[] joined =
        ByteBuffer.allocate(sealed.ciphertext().length + TAG_BYTES)
            .put(sealed.ciphertext())
            .put(sealed.tag())
            .array();
    try {
      return AesGcm.crypt(Cipher.DECRYPT_MODE, key, sealed.nonce(), null, joined);
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new ImportProblem("the file is damaged (a key in it has the wrong length)", e);
    }
  }

  static byte[] random(int length) {
    byte[] bytes = new byte[length];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
