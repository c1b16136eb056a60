package io.latchkey.core.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HashAlgorithmTest {

  @ParameterizedTest
  @CsvSource({
    "SHA1, SHA1",
    "sha1, SHA1",
    "Sha256, SHA256",
    "sha512, SHA512",
    "SHA512, SHA512",
  })
  void parsesNamesInAnyCase(String text, HashAlgorithm expected) {
    assertThat(HashAlgorithm.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"MD5", "SHA3-256", "SHA-1", "SHA224", "", " SHA1"})
  void rejectsOtherAlgorithmsByName(String text) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> HashAlgorithm.parse(text))
        .withMessageContaining("'" + text.replace(' ', '?') + "'")
        .withMessageContaining("SHA1, SHA256 or SHA512");
  }

  @Test
  void rejectsNull() {
    assertThatIllegalArgumentException().isThrownBy(() -> HashAlgorithm.parse(null));
  }

  @Test
  void shortensAndNeutralisesTheValueItRepeats() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> HashAlgorithm.parse("SHA1\r\nINFO forged log line"))
        .withMessageContaining("'SHA1??INFO?forge...'")
        .withMessageNotContaining("\n");
  }

  @Test
  void namesTheJcaMac() {
    assertThat(HashAlgorithm.SHA1.macName()).isEqualTo("HmacSHA1");
    assertThat(HashAlgorithm.SHA256.macName()).isEqualTo("HmacSHA256");
    assertThat(HashAlgorithm.SHA512.macName()).isEqualTo("HmacSHA512");
  }
}
