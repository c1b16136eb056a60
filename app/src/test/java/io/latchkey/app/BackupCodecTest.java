package io.latchkey.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The backup format of docs/BACKUP-FORMAT.md (SECURITY-TESTS H4): known-answer vectors made by an
 * independent implementation (Python's cryptography and hashlib), tampering anywhere, the wrong
 * password, and KDF settings below the floor or absurdly high.
 */
class BackupCodecTest {
  private static final char[] PASSWORD = "correct horse battery staple".toCharArray();
  private static final byte[] PLAINTEXT =
      "{\"accounts\":[],\"devices\":[]}".getBytes(StandardCharsets.UTF_8);

  /** Python: Argon2id m=19456 KiB t=2 p=1, salt 00..0f, nonce a0..ab (see the format doc). */
  static final String ARGON2ID_VECTOR =
      "4c4b4241434b5550010100004c00000000020000000110000102030405060708090a0b0c0d0e0f0c"
          + "a0a1a2a3a4a5a6a7a8a9aaab1c9bf51e6eb0afd916f8f6e3a7636a10a755c6984ec72527fb4c4c"
          + "6d6bedd121555bff8a0f08029c3a09f428";

  /** Python: scrypt N=2^17 r=8 p=1, same salt and nonce. */
  static final String SCRYPT_VECTOR =
      "4c4b4241434b5550010200020000000000080000000110000102030405060708090a0b0c0d0e0f0c"
          + "a0a1a2a3a4a5a6a7a8a9aaab324fc10bbabeaa249f3d648e0c0eb7a0695674133f74f3a5c45222"
          + "3208d00c0c5dc9a328a418c718afb9887f";

  private static final BackupCodec.Kdf FLOOR =
      new BackupCodec.Kdf(BackupCodec.KDF_ARGON2ID, 19 * 1024, 2, 1);

  @Test
  void knownAnswerVectorsFromAnotherImplementationOpen() {
    assertThat(BackupCodec.open(hex(ARGON2ID_VECTOR), PASSWORD)).isEqualTo(PLAINTEXT);
    assertThat(BackupCodec.open(hex(SCRYPT_VECTOR), PASSWORD)).isEqualTo(PLAINTEXT);
  }

  @Test
  void sealingWithTheVectorsSaltAndNonceGivesTheVectorsBytes() {
    SecureRandom fixed = new FixedRandom(range(0, 16), range(0xa0, 12));
    assertThat(BackupCodec.seal(PLAINTEXT, PASSWORD, FLOOR, fixed)).isEqualTo(hex(ARGON2ID_VECTOR));
  }

  @Test
  void whatThisAppWritesIsArgon2idAboveTheFloorWithAFreshSaltAndNonceEachTime() {
    byte[] one = BackupCodec.seal(PLAINTEXT, PASSWORD, new SecureRandom());
    byte[] two = BackupCodec.seal(PLAINTEXT, PASSWORD, new SecureRandom());
    BackupCodec.Header first = BackupCodec.parse(one);
    BackupCodec.Header second = BackupCodec.parse(two);
    assertThat(first.kdf()).isEqualTo(BackupCodec.DEFAULT_KDF);
    assertThat(first.kdf().p1()).isGreaterThanOrEqualTo(19 * 1024);
    assertThat(first.kdf().p2()).isGreaterThanOrEqualTo(2);
    assertThat(first.salt()).hasSize(16).isNotEqualTo(second.salt());
    assertThat(first.nonce()).hasSize(12).isNotEqualTo(second.nonce());
    assertThat(BackupCodec.open(one, PASSWORD)).isEqualTo(PLAINTEXT);
  }

  @Test
  void aWrongPasswordGivesTheOneCannotDecryptSentence() {
    assertThatThrownBy(() -> BackupCodec.open(hex(ARGON2ID_VECTOR), "wrong".toCharArray()))
        .isInstanceOf(AppException.class)
        .hasMessage(BackupCodec.CANNOT_DECRYPT);
  }

  @Test
  void changingAnyByteOfTheHeaderOrTheCiphertextIsRefused() {
    byte[] vector = hex(ARGON2ID_VECTOR);
    int headerLength = BackupCodec.parse(vector).length();
    for (int i = 0; i < vector.length; i++) {
      byte[] tampered = vector.clone();
      // Flip the lowest bit: a KDF parameter stays in range (memory 19457, 3 passes), so the
      // header's change is caught by the authentication (it is the AAD), not only by a range check.
      tampered[i] ^= 1;
      int at = i;
      assertThatThrownBy(() -> BackupCodec.open(tampered, PASSWORD))
          .as("byte %d (%s)", at, at < headerLength ? "header" : "ciphertext")
          .isInstanceOf(AppException.class);
    }
    byte[] header = vector.clone();
    header[headerLength - 1] ^= 1; // the last nonce byte
    assertThatThrownBy(() -> BackupCodec.open(header, PASSWORD))
        .hasMessage(BackupCodec.CANNOT_DECRYPT);
    byte[] body = vector.clone();
    body[headerLength + 3] ^= (byte) 0x80;
    assertThatThrownBy(() -> BackupCodec.open(body, PASSWORD))
        .hasMessage(BackupCodec.CANNOT_DECRYPT);
    byte[] truncated = Arrays.copyOf(vector, vector.length - 1);
    assertThatThrownBy(() -> BackupCodec.open(truncated, PASSWORD))
        .hasMessage(BackupCodec.CANNOT_DECRYPT);
  }

  @Test
  void kdfSettingsBelowTheFloorOrAbsurdlyHighAreRefusedBeforeAnyWork() {
    int a = BackupCodec.KDF_ARGON2ID;
    int s = BackupCodec.KDF_SCRYPT;
    BackupCodec.Kdf[] refused = {
      new BackupCodec.Kdf(a, 19 * 1024 - 1, 2, 1),
      new BackupCodec.Kdf(a, 19 * 1024, 1, 1),
      new BackupCodec.Kdf(a, 19 * 1024, 2, 0),
      new BackupCodec.Kdf(a, 4 * 1024 * 1024, 2, 1),
      new BackupCodec.Kdf(a, 19 * 1024, 1000, 1),
      new BackupCodec.Kdf(a, 19 * 1024, 2, 64),
      new BackupCodec.Kdf(s, 1 << 15, 8, 1), // Aegis's N, below OWASP's floor
      new BackupCodec.Kdf(s, 1 << 17, 4, 1),
      new BackupCodec.Kdf(s, (1 << 17) + 1, 8, 1),
      new BackupCodec.Kdf(s, 1 << 24, 8, 1),
      new BackupCodec.Kdf(7, 1 << 17, 8, 1),
    };
    byte[] vector = hex(ARGON2ID_VECTOR);
    for (BackupCodec.Kdf kdf : refused) {
      byte[] rewritten = withKdf(vector, kdf);
      assertThatThrownBy(() -> BackupCodec.open(rewritten, PASSWORD))
          .as(kdf.describe())
          .isInstanceOf(AppException.class)
          .hasMessageContaining("outside what this app accepts");
      assertThatThrownBy(() -> BackupCodec.seal(PLAINTEXT, PASSWORD, kdf, new SecureRandom()))
          .as(kdf.describe())
          .isInstanceOf(AppException.class);
    }
  }

  @Test
  void bytesThatAreNotABackupOrOfAnotherVersionSaySo() {
    assertThatThrownBy(() -> BackupCodec.open("hello".getBytes(StandardCharsets.UTF_8), PASSWORD))
        .hasMessageContaining("not a Latchkey app backup");
    byte[] future = hex(ARGON2ID_VECTOR);
    future[8] = 2;
    assertThatThrownBy(() -> BackupCodec.open(future, PASSWORD))
        .hasMessageContaining("format version 2");
  }

  private static byte[] withKdf(byte[] vector, BackupCodec.Kdf kdf) {
    byte[] out = vector.clone();
    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(out);
    buffer.position(9);
    buffer.put((byte) kdf.id()).putInt(kdf.p1()).putInt(kdf.p2()).putInt(kdf.p3());
    return out;
  }

  private static byte[] hex(String text) {
    return HexFormat.of().parseHex(text);
  }

  private static byte[] range(int from, int length) {
    byte[] out = new byte[length];
    for (int i = 0; i < length; i++) {
      out[i] = (byte) (from + i);
    }
    return out;
  }

  /** Hands out the given byte strings, one per call, as a CSPRNG would hand out random ones. */
  private static final class FixedRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final byte[][] values;
    private int next;

    FixedRandom(byte[]... values) {
      this.values = values;
    }

    @Override
    public void nextBytes(byte[] bytes) {
      System.arraycopy(values[next++], 0, bytes, 0, bytes.length);
    }
  }
}
