package io.latchkey.app;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * The key that encrypts a vault whose owner set a PIN. Two layers, as in Aegis's vault: a random
 * 256-bit vault key encrypts the content, and a key derived from the PIN with Argon2id wraps the
 * vault key. The split lets a wrong PIN (the wrap fails) be told apart from a damaged file (the
 * content fails), and lets every write reuse the derived key with only a fresh content nonce.
 *
 * <p>Argon2id settings are OWASP's minimum (19 MiB, 2 passes, 1 lane; also SECURITY-TESTS H4). The
 * header, including those settings and the salt, is the AES-GCM associated data of both layers, so
 * changing any of it makes the file fail to open instead of weakening it.
 */
final class PinLock {
  static final String KDF = "argon2id";
  static final int MEMORY_KIB = 19 * 1024;
  static final int ITERATIONS = 2;
  static final int PARALLELISM = 1;

  // Refuse weaker settings than we write (a downgraded file), and absurd ones (a file that would
  // make the app allocate gigabytes or spin for minutes).
  private static final int MAX_MEMORY_KIB = 1024 * 1024;
  private static final int MAX_ITERATIONS = 20;
  private static final int MAX_PARALLELISM = 8;

  private static final int SALT_BYTES = 16;
  private static final int KEY_BYTES = 32;
  private static final int NONCE_BYTES = 12;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final PinHeader header;
  private final byte[] vaultKey;

  private PinLock(PinHeader header, byte[] vaultKey) {
    this.header = header;
    this.vaultKey = vaultKey;
  }

  /** A new lock for {@code pin}: fresh salt, fresh vault key. */
  static PinLock create(char[] pin) {
    byte[] salt = random(SALT_BYTES);
    byte[] keyNonce = random(NONCE_BYTES);
    byte[] vaultKey = random(KEY_BYTES);
    PinHeader unwrapped =
        new PinHeader(
            KDF,
            Argon2Parameters.ARGON2_VERSION_13,
            MEMORY_KIB,
            ITERATIONS,
            PARALLELISM,
            encode(salt),
            encode(keyNonce),
            null);
    byte[] pinKey = derive(pin, unwrapped);
    try {
      byte[] wrapped = crypt(Cipher.ENCRYPT_MODE, pinKey, keyNonce, aad(unwrapped), vaultKey);
      return new PinLock(unwrapped.withWrappedKey(encode(wrapped)), vaultKey);
    } catch (AEADBadTagException e) {
      throw new IllegalStateException("encryption cannot fail its own tag", e);
    } finally {
      Arrays.fill(pinKey, (byte) 0);
    }
  }

  /**
   * Opens the lock described by {@code header} with {@code pin}.
   *
   * @return empty when the PIN is wrong (the wrapped key fails its tag check)
   * @throws AppException when the header is damaged or its settings are refused
   */
  static Optional<PinLock> tryUnlock(PinHeader header, char[] pin) {
    checkSettings(header);
    byte[] pinKey = derive(pin, header);
    try {
      byte[] vaultKey =
          crypt(
              Cipher.DECRYPT_MODE,
              pinKey,
              decode(header.keyNonce()),
              aad(header),
              decode(header.wrappedKey()));
      return Optional.of(new PinLock(header, vaultKey));
    } catch (AEADBadTagException e) {
      return Optional.empty();
    } finally {
      Arrays.fill(pinKey, (byte) 0);
    }
  }

  /**
   * Opens the lock with {@code pin}, without counting wrong PINs (for tests and tools; the app goes
   * through {@link PinGate}).
   *
   * @throws AppException "wrong PIN" when the wrapped key fails its tag check
   */
  static PinLock unlock(PinHeader header, char[] pin) {
    return tryUnlock(header, pin).orElseThrow(() -> new AppException(PinGate.WRONG_PIN));
  }

  /**
   * The lock of {@code header} with a vault key kept from an earlier unlock ({@link Unlocks}); the
   * caller has checked that the key belongs to this header ({@link #fingerprint(PinHeader)}).
   */
  static PinLock withKey(PinHeader header, byte[] vaultKey) {
    checkSettings(header);
    if (vaultKey.length != KEY_BYTES) {
      throw new AppException("The kept unlock is damaged (its key has the wrong size).");
    }
    return new PinLock(header, vaultKey.clone());
  }

  /**
   * Names one wrapped key: SHA-256 of the header's associated data and wrapped key, Base64. Every
   * {@code pin set} makes a new salt and key, so a kept unlock of an older PIN no longer matches.
   */
  static String fingerprint(PinHeader header) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(aad(header));
      sha256.update(String.valueOf(header.wrappedKey()).getBytes(StandardCharsets.UTF_8));
      return encode(sha256.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }

  /** A copy of the vault key, for an unlock to keep; the caller clears it. */
  byte[] vaultKey() {
    return vaultKey.clone();
  }

  PinHeader header() {
    return header;
  }

  /** Encrypts the content under a fresh nonce; returns nonce and ciphertext, Base64. */
  Sealed seal(byte[] plaintext) {
    byte[] nonce = random(NONCE_BYTES);
    try {
      byte[] ciphertext = crypt(Cipher.ENCRYPT_MODE, vaultKey, nonce, aad(header), plaintext);
      return new Sealed(encode(nonce), encode(ciphertext));
    } catch (AEADBadTagException e) {
      throw new IllegalStateException("encryption cannot fail its own tag", e);
    }
  }

  /**
   * Decrypts content sealed with this lock.
   *
   * @throws AppException when the tag check fails: the PIN was right, so the file is damaged
   */
  byte[] open(Sealed sealed) {
    try {
      return crypt(
          Cipher.DECRYPT_MODE,
          vaultKey,
          decode(sealed.nonce()),
          aad(header),
          decode(sealed.ciphertext()));
    } catch (AEADBadTagException e) {
      throw new AppException(
          "The vault file is damaged (its content fails the integrity check); it was left as it"
              + " is.",
          e);
    }
  }

  /** Encrypted content with the nonce it was sealed under, both Base64. */
  record Sealed(String nonce, String ciphertext) {}

  private static void checkSettings(PinHeader header) {
    boolean ok =
        KDF.equals(header.kdf())
            && header.argon2Version() == Argon2Parameters.ARGON2_VERSION_13
            && header.memoryKib() >= MEMORY_KIB
            && header.memoryKib() <= MAX_MEMORY_KIB
            && header.iterations() >= ITERATIONS
            && header.iterations() <= MAX_ITERATIONS
            && header.parallelism() >= PARALLELISM
            && header.parallelism() <= MAX_PARALLELISM
            && header.salt() != null
            && header.keyNonce() != null
            && header.wrappedKey() != null;
    if (!ok) {
      throw new AppException(
          "The vault file's PIN settings are missing or outside what this app accepts; the file"
              + " may be damaged.");
    }
  }

  private static byte[] derive(char[] pin, PinHeader header) {
    Argon2Parameters parameters =
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(header.argon2Version())
            .withMemoryAsKB(header.memoryKib())
            .withIterations(header.iterations())
            .withParallelism(header.parallelism())
            .withSalt(decode(header.salt()))
            .build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(parameters);
    byte[] pinBytes = AesGcm.utf8(pin);
    byte[] key = new byte[KEY_BYTES];
    try {
      generator.generateBytes(pinBytes, key);
      return key;
    } finally {
      Arrays.fill(pinBytes, (byte) 0);
    }
  }

  private static byte[] crypt(int mode, byte[] key, byte[] nonce, byte[] aad, byte[] input)
      throws AEADBadTagException {
    try {
      return AesGcm.crypt(mode, key, nonce, aad, input);
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      // A nonce or key of the wrong length: only a damaged file can hold one.
      throw new AppException("The vault file is damaged (a key or nonce has the wrong size).", e);
    }
  }

  /** Every header field except the wrapped key itself, in a fixed order. */
  private static byte[] aad(PinHeader header) {
    String text =
        String.join(
            ";",
            VaultCodec.FORMAT,
            Integer.toString(VaultCodec.VERSION),
            header.kdf(),
            "v=" + header.argon2Version(),
            "m=" + header.memoryKib(),
            "t=" + header.iterations(),
            "p=" + header.parallelism(),
            "salt=" + header.salt(),
            "keyNonce=" + header.keyNonce());
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] random(int length) {
    byte[] bytes = new byte[length];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  private static String encode(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  private static byte[] decode(String base64) {
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new AppException("The vault file is damaged (a value is not valid Base64).", e);
    }
  }
}
