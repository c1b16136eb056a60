package io.latchkey.core.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class SecretTest {

  private static final byte[] RFC_SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

  @Test
  void copiesTheBytesInAndOut() {
    byte[] given = RFC_SEED.clone();
    Secret secret = new Secret(given);

    given[0] = 0;
    secret.bytes()[1] = 0;

    assertThat(secret.bytes()).isEqualTo(RFC_SEED);
    assertThat(secret.length()).isEqualTo(20);
  }

  @Test
  void writesUpperCaseUnpaddedBase32AndReadsItBack() {
    Secret secret = new Secret(RFC_SEED);

    assertThat(secret.base32()).isEqualTo("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    assertThat(Secret.fromBase32("gezdgnbvgy3tqojqgezdgnbvgy3tqojq")).isEqualTo(secret);
    assertThat(Secret.fromBase32("JBSWY3DPEHPK3PXP").bytes())
        .isEqualTo(HexFormat.of().parseHex("48656c6c6f21deadbeef"));
    assertThat(Secret.fromBase32("GEZA====").base32()).isEqualTo("GEZA");
  }

  @Test
  void equalsComparesTheKeyBytes() {
    Secret secret = new Secret(RFC_SEED);
    byte[] other = RFC_SEED.clone();
    other[19] ^= 1;

    assertThat(secret).isEqualTo(new Secret(RFC_SEED)).hasSameHashCodeAs(new Secret(RFC_SEED));
    assertThat(secret).isNotEqualTo(new Secret(other));
    assertThat(secret).isNotEqualTo(new Secret(new byte[] {0x31}));
    assertThat(secret).isNotEqualTo(RFC_SEED);
  }

  @Test
  void showsOnlyTheBitLengthAndTheFingerprint() {
    // SHA-256("12345678901234567890") = 6ed645ef0e1abea1...
    Secret secret = new Secret(RFC_SEED);

    assertThat(secret.fingerprint()).isEqualTo("6ed645ef");
    assertThat(secret).hasToString("Secret[160 bits, fp=6ed645ef]");
  }

  @Property
  void neverPrintsTheKey(@ForAll @Size(min = 10, max = 128) byte[] key) {
    Secret secret = new Secret(key);
    String hex = HexFormat.of().formatHex(key);
    String printed = secret.toString();

    assertThat(printed)
        .doesNotContain(secret.base32())
        .doesNotContain(secret.base32().toLowerCase(Locale.ROOT))
        .doesNotContain(hex)
        .doesNotContain(hex.toUpperCase(Locale.ROOT))
        .isEqualTo("Secret[" + key.length * 8 + " bits, fp=" + secret.fingerprint() + "]");
    assertThat(secret.fingerprint()).matches("[0-9a-f]{8}");
  }

  @Test
  void generatesTwentyBytesFromTheRandomGiven() {
    SecureRandom counting =
        new SecureRandom() {
          private byte next;

          @Override
          public void nextBytes(byte[] bytes) {
            for (int i = 0; i < bytes.length; i++) {
              bytes[i] = next++;
            }
          }
        };

    Secret secret = Secret.generate(counting);

    assertThat(secret.length()).isEqualTo(Secret.ISSUED_BYTES).isEqualTo(20);
    assertThat(secret.bytes())
        .isEqualTo(HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f10111213"));
    assertThat(Secret.generate(counting)).isNotEqualTo(secret);
  }

  @Test
  void generatesDifferentSecretsFromARealRandom() {
    SecureRandom random = new SecureRandom();

    assertThat(Secret.generate(random)).isNotEqualTo(Secret.generate(random));
  }

  @Test
  void refusesAnEmptyKey() {
    assertThatIllegalArgumentException().isThrownBy(() -> new Secret(new byte[0]));
    assertThatIllegalArgumentException().isThrownBy(() -> Secret.fromBase32("===="));
  }

  @Test
  void acceptsKeysShorterThanTheRecommendedLength() {
    // Google's example key has 80 bits; the URI parser warns, but the key must still work.
    assertThat(Secret.fromBase32("JBSWY3DPEHPK3PXP").length()).isLessThan(Secret.MINIMUM_BYTES);
  }
}
