package io.latchkey.app;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * The encrypted cloud backup's bytes (docs/BACKUP-FORMAT.md): a header naming the format version,
 * the KDF and its parameters, the salt and the nonce, then AES-256-GCM ciphertext whose associated
 * data is that whole header. The key is derived from the backup password with Argon2id (written) or
 * scrypt (read too); the server only ever sees these bytes.
 *
 * <p>KDF parameters below the floor of SECURITY-TESTS H4 (Argon2id 19 MiB, t = 2; scrypt N = 2^17,
 * r = 8) are refused, and so are absurdly high ones (a backup that would make the app allocate
 * gigabytes or spin for minutes). A wrong password and any change to the bytes fail the same way:
 * one "cannot decrypt" sentence, nothing partially read.
 */
final class BackupCodec {
  static final byte[] MAGIC = "LKBACKUP".getBytes(StandardCharsets.US_ASCII);
  static final int FORMAT_VERSION = 1;
  static final int KDF_ARGON2ID = 1;
  static final int KDF_SCRYPT = 2;

  /** What this app writes: above the floor, as a backup may be attacked offline for years. */
  static final Kdf DEFAULT_KDF = new Kdf(KDF_ARGON2ID, 64 * 1024, 3, 1);

  static final int ARGON2_MIN_MEMORY_KIB = 19 * 1024;
  static final int ARGON2_MAX_MEMORY_KIB = 256 * 1024;
  static final int ARGON2_MIN_ITERATIONS = 2;
  static final int ARGON2_MAX_ITERATIONS = 16;
  static final int SCRYPT_MIN_N = 1 << 17;
  static final int SCRYPT_MAX_N = 1 << 18;
  static final int SCRYPT_R = 8;
  static final int MAX_PARALLELISM = 4;

  static final int SALT_BYTES = 16;
  static final int MAX_SALT_BYTES = 64;
  static final int NONCE_BYTES = 12;
  private static final int KEY_BYTES = 32;
  private static final int FIXED_HEADER = MAGIC.length + 1 + 1 + 4 * 3;

  static final String CANNOT_DECRYPT =
      "Cannot decrypt the backup: the backup password is wrong, or the backup was changed or"
          + " damaged. Nothing was restored.";

  private BackupCodec() {}

  /**
   * A KDF and its three parameters: Argon2id (memory in KiB, iterations, parallelism) or scrypt (N,
   * r, p).
   */
  record Kdf(int id, int p1, int p2, int p3) {
    String describe() {
      return id == KDF_ARGON2ID
          ? "Argon2id m=" + p1 + " KiB, t=" + p2 + ", p=" + p3
          : id == KDF_SCRYPT ? "scrypt N=" + p1 + ", r=" + p2 + ", p=" + p3 : "KDF " + id;
    }
  }

  /** Encrypts {@code plaintext} under {@code password} with a fresh salt and nonce. */
  static byte[] seal(byte[] plaintext, char[] password, SecureRandom random) {
    return seal(plaintext, password, DEFAULT_KDF, random);
  }

  static byte[] seal(byte[] plaintext, char[] password, Kdf kdf, SecureRandom random) {
    checkKdf(kdf);
    byte[] salt = new byte[SALT_BYTES];
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(salt);
    random.nextBytes(nonce);
    byte[] header = header(kdf, salt, nonce);
    byte[] key = derive(password, kdf, salt);
    try {
      byte[] ciphertext = crypt(Cipher.ENCRYPT_MODE, key, nonce, header, plaintext);
      byte[] out = Arrays.copyOf(header, header.length + ciphertext.length);
      System.arraycopy(ciphertext, 0, out, header.length, ciphertext.length);
      return out;
    } catch (AEADBadTagException e) {
      throw new IllegalStateException("encryption cannot fail its own tag", e);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /**
   * Decrypts a backup.
   *
   * @throws AppException {@link #CANNOT_DECRYPT} for a wrong password or changed bytes; a plain
   *     sentence for bytes that are not a backup of a version or KDF this app reads, or whose KDF
   *     settings are outside the accepted range
   */
  static byte[] open(byte[] backup, char[] password) {
    Header header = parse(backup);
    byte[] key = derive(password, header.kdf(), header.salt());
    try {
      return crypt(
          Cipher.DECRYPT_MODE,
          key,
          header.nonce(),
          Arrays.copyOf(backup, header.length()),
          Arrays.copyOfRange(backup, header.length(), backup.length));
    } catch (AEADBadTagException e) {
      throw new AppException(CANNOT_DECRYPT, e);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /** The parsed header; {@code length} is where the ciphertext starts. */
  record Header(int formatVersion, Kdf kdf, byte[] salt, byte[] nonce, int length) {}

  static Header parse(byte[] backup) {
    if (backup.length < FIXED_HEADER + 2 || !startsWithMagic(backup)) {
      throw new AppException("The file on the server is not a Latchkey app backup.");
    }
    ByteBuffer in = ByteBuffer.wrap(backup);
    in.position(MAGIC.length);
    int version = Byte.toUnsignedInt(in.get());
    if (version != FORMAT_VERSION) {
      throw new AppException(
          "The backup has format version "
              + version
              + ", which this version of Latchkey cannot read.");
    }
    Kdf kdf = new Kdf(Byte.toUnsignedInt(in.get()), in.getInt(), in.getInt(), in.getInt());
    checkKdf(kdf);
    int saltLength = Byte.toUnsignedInt(in.get());
    if (saltLength < SALT_BYTES || saltLength > MAX_SALT_BYTES || in.remaining() < saltLength + 1) {
      throw new AppException(CANNOT_DECRYPT);
    }
    byte[] salt = new byte[saltLength];
    in.get(salt);
    int nonceLength = Byte.toUnsignedInt(in.get());
    if (nonceLength != NONCE_BYTES || in.remaining() < nonceLength + AesGcm.TAG_BITS / 8) {
      throw new AppException(CANNOT_DECRYPT);
    }
    byte[] nonce = new byte[nonceLength];
    in.get(nonce);
    return new Header(version, kdf, salt, nonce, in.position());
  }

  private static boolean startsWithMagic(byte[] backup) {
    return Arrays.equals(backup, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
  }

  /** Refuses settings below the floor or absurdly high (see the class comment). */
  static void checkKdf(Kdf kdf) {
    boolean ok =
        switch (kdf.id()) {
          case KDF_ARGON2ID ->
              kdf.p1() >= ARGON2_MIN_MEMORY_KIB
                  && kdf.p1() <= ARGON2_MAX_MEMORY_KIB
                  && kdf.p2() >= ARGON2_MIN_ITERATIONS
                  && kdf.p2() <= ARGON2_MAX_ITERATIONS
                  && kdf.p3() >= 1
                  && kdf.p3() <= MAX_PARALLELISM;
          case KDF_SCRYPT ->
              kdf.p1() >= SCRYPT_MIN_N
                  && kdf.p1() <= SCRYPT_MAX_N
                  && Integer.bitCount(kdf.p1()) == 1
                  && kdf.p2() == SCRYPT_R
                  && kdf.p3() >= 1
                  && kdf.p3() <= MAX_PARALLELISM;
          default -> false;
        };
    if (!ok) {
      throw new AppException(
          "The backup's key settings ("
              + kdf.describe()
              + ") are outside what this app accepts (Argon2id with at least 19 MiB and 2"
              + " passes, or scrypt with N of at least 2^17 and r = 8; nothing absurdly high);"
              + " it was not opened.");
    }
  }

  private static byte[] header(Kdf kdf, byte[] salt, byte[] nonce) {
    ByteBuffer out = ByteBuffer.allocate(FIXED_HEADER + 1 + salt.length + 1 + nonce.length);
    out.put(MAGIC)
        .put((byte) FORMAT_VERSION)
        .put((byte) kdf.id())
        .putInt(kdf.p1())
        .putInt(kdf.p2())
        .putInt(kdf.p3())
        .put((byte) salt.length)
        .put(salt)
        .put((byte) nonce.length)
        .put(nonce);
    return out.array();
  }

  static byte[] derive(char[] password, Kdf kdf, byte[] salt) {
    byte[] secret = AesGcm.utf8(password);
    try {
      if (kdf.id() == KDF_SCRYPT) {
        return SCrypt.generate(secret, salt, kdf.p1(), kdf.p2(), kdf.p3(), KEY_BYTES);
      }
      Argon2BytesGenerator generator = new Argon2BytesGenerator();
      generator.init(
          new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
              .withVersion(Argon2Parameters.ARGON2_VERSION_13)
              .withMemoryAsKB(kdf.p1())
              .withIterations(kdf.p2())
              .withParallelism(kdf.p3())
              .withSalt(salt)
              .build());
      byte[] key = new byte[KEY_BYTES];
      generator.generateBytes(secret, key);
      return key;
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  private static byte[] crypt(int mode, byte[] key, byte[] nonce, byte[] aad, byte[] input)
      throws AEADBadTagException {
    try {
      return AesGcm.crypt(mode, key, nonce, aad, input);
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new AppException(CANNOT_DECRYPT, e);
    }
  }
}
