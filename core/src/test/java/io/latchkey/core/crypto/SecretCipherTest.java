package io.latchkey.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretCipherTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] KEY_2025 = key(0x25);
  private static final byte[] KEY_2026 = key(0x26);
  private static final byte[] SECRET = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
  private static final String ROW = "totp:5b3c5e1e-0000-4000-8000-000000000001";

  private final SecretCipher cipher = new SecretCipher(Map.of("k2025", KEY_2025), "k2025", RANDOM);

  @Test
  void aSealedSecretOpensWithTheAssociatedDataItWasSealedWith() {
    Sealed sealed = cipher.seal(SECRET, ROW);

    assertThat(sealed.keyId()).isEqualTo("k2025");
    assertThat(sealed.blob()).hasSize(12 + SECRET.length + 16);
    assertThat(cipher.open(sealed, ROW)).isEqualTo(SECRET);
  }

  @Test
  void theCiphertextDoesNotHoldThePlaintext() {
    byte[] blob = cipher.seal(SECRET, ROW).blob();

    assertThat(indexOf(blob, Arrays.copyOf(SECRET, 8))).isEqualTo(-1);
  }

  @Test
  void anEmptySecretRoundTrips() {
    assertThat(cipher.open(cipher.seal(new byte[0], ROW), ROW)).isEmpty();
  }

  @Test
  void aSealedSecretCopiedToAnotherRowDoesNotOpen() {
    Sealed sealed = cipher.seal(SECRET, ROW);

    assertThatIllegalStateException()
        .isThrownBy(() -> cipher.open(sealed, "totp:5b3c5e1e-0000-4000-8000-000000000002"))
        .withMessageContaining("does not open");
    assertThatIllegalStateException().isThrownBy(() -> cipher.open(sealed, ""));
    assertThatIllegalStateException().isThrownBy(() -> cipher.open(sealed, ROW + " "));
  }

  @Test
  void flippingAnyBitOfNonceCiphertextOrTagIsDetected() {
    byte[] blob = cipher.seal(SECRET, ROW).blob();

    for (int i = 0; i < blob.length; i++) {
      for (int bit = 0; bit < 8; bit += 7) {
        byte[] tampered = blob.clone();
        tampered[i] = (byte) (tampered[i] ^ (1 << bit));
        Sealed forged = new Sealed("k2025", tampered);

        assertThatIllegalStateException()
            .as("byte %d, bit %d", i, bit)
            .isThrownBy(() -> cipher.open(forged, ROW));
      }
    }
  }

  @Test
  void aTruncatedOrExtendedValueIsDetected() {
    byte[] blob = cipher.seal(SECRET, ROW).blob();

    assertThatIllegalStateException()
        .isThrownBy(
            () -> cipher.open(new Sealed("k2025", Arrays.copyOf(blob, blob.length - 1)), ROW));
    assertThatIllegalStateException()
        .isThrownBy(
            () -> cipher.open(new Sealed("k2025", Arrays.copyOf(blob, blob.length + 1)), ROW));
    assertThatIllegalStateException()
        .isThrownBy(() -> cipher.open(new Sealed("k2025", Arrays.copyOf(blob, 27)), ROW))
        .withMessageContaining("too short");
    assertThatIllegalStateException()
        .isThrownBy(() -> cipher.open(new Sealed("k2025", new byte[0]), ROW));
  }

  @Test
  void twoSealsOfTheSameSecretDifferBecauseEachHasAFreshNonce() {
    byte[] first = cipher.seal(SECRET, ROW).blob();
    byte[] second = cipher.seal(SECRET, ROW).blob();

    assertThat(Arrays.copyOf(first, 12)).isNotEqualTo(Arrays.copyOf(second, 12));
    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void aThousandSealsUseAThousandNonces() {
    java.util.Set<String> nonces = new java.util.HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      nonces.add(java.util.HexFormat.of().formatHex(cipher.seal(SECRET, ROW).blob(), 0, 12));
    }

    assertThat(nonces).hasSize(1_000);
  }

  @Test
  void afterRotationNewValuesUseTheNewKeyAndOldValuesStillOpen() {
    Sealed old = cipher.seal(SECRET, ROW);
    SecretCipher rotated =
        new SecretCipher(Map.of("k2025", KEY_2025, "k2026", KEY_2026), "k2026", RANDOM);

    Sealed fresh = rotated.seal(SECRET, ROW);

    assertThat(rotated.currentKeyId()).isEqualTo("k2026");
    assertThat(fresh.keyId()).isEqualTo("k2026");
    assertThat(rotated.open(old, ROW)).isEqualTo(SECRET);
    assertThat(rotated.open(fresh, ROW)).isEqualTo(SECRET);
  }

  @Test
  void aValueSealedWithAnUnknownKeyIsRefused() {
    SecretCipher rotated = new SecretCipher(Map.of("k2026", KEY_2026), "k2026", RANDOM);
    Sealed fresh = rotated.seal(SECRET, ROW);

    assertThatIllegalStateException()
        .isThrownBy(() -> cipher.open(fresh, ROW))
        .withMessageContaining("no key 'k2026'");
    assertThatIllegalStateException()
        .isThrownBy(() -> rotated.open(cipher.seal(SECRET, ROW), ROW))
        .withMessageContaining("no key 'k2025'");
  }

  @Test
  void aValueRelabelledWithAnotherKeyIdDoesNotOpen() {
    SecretCipher both =
        new SecretCipher(Map.of("k2025", KEY_2025, "k2026", KEY_2026), "k2025", RANDOM);
    Sealed sealed = both.seal(SECRET, ROW);

    assertThatIllegalStateException()
        .isThrownBy(() -> both.open(new Sealed("k2026", sealed.blob()), ROW));
  }

  @Test
  void refusesAKeyRingWithoutTheCurrentKeyOrWithAShortKey() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new SecretCipher(Map.of("k2025", KEY_2025), "k2026", RANDOM));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new SecretCipher(Map.of("k", new byte[16]), "k", RANDOM))
        .withMessageContaining("32 bytes");
  }

  @Test
  void sealedCopiesItsBytesAndNeverPrintsThem() {
    byte[] blob = cipher.seal(SECRET, ROW).blob();
    Sealed sealed = new Sealed("k2025", blob);
    blob[0] = (byte) (blob[0] ^ 1);
    sealed.blob()[1] = (byte) (sealed.blob()[1] ^ 1);

    assertThat(cipher.open(sealed, ROW)).isEqualTo(SECRET);
    assertThat(sealed).hasToString("Sealed[key=k2025, 48 bytes]");
    assertThat(sealed).isEqualTo(new Sealed("k2025", sealed.blob()));
  }

  private static byte[] key(int fill) {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) fill);
    return key;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    return -1;
  }
}
