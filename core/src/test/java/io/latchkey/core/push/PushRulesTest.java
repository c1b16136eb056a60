package io.latchkey.core.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.core.crypto.SecretCipher;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The plain rules of push: networks, posture, numbers, activation codes, policy bounds. */
class PushRulesTest {

  @ParameterizedTest(name = "{0} vs {1} on /{2} (IPv4), /{3} (IPv6): {4}")
  @CsvSource({
    "192.0.2.10, 192.0.2.200, 24, 64, true",
    "192.0.2.10, 192.0.3.10, 24, 64, false",
    "192.0.2.10, 192.0.2.10, 32, 128, true",
    "192.0.2.10, 192.0.2.11, 32, 128, false",
    "10.1.2.3, 10.200.0.1, 8, 64, true",
    "10.1.2.3, 11.1.2.3, 0, 64, true",
    "127.0.0.1, ::ffff:127.0.0.1, 32, 128, true",
    "2001:db8:1:2::5, 2001:db8:1:2::99, 24, 64, true",
    "2001:db8:1:2::5, 2001:db8:1:3::5, 24, 64, false",
    "192.0.2.10, 2001:db8::1, 0, 0, false",
    "192.0.2.10, not-an-address, 0, 0, false",
    "example.com, example.com, 0, 0, false",
    "'', 192.0.2.1, 0, 0, false"
  })
  void networksMatchOnTheirPrefix(String a, String b, int v4, int v6, boolean same) {
    NetworkRule rule = new NetworkRule(RuleAction.REFUSE, v4, v6);
    assertThat(rule.sameNetwork(a, b)).isEqualTo(same);
    assertThat(rule.sameNetwork(b, a)).isEqualTo(same);
  }

  @Test
  void prefixLengthsOutsideTheAddressAreRefused() {
    assertThatThrownBy(() -> new NetworkRule(RuleAction.WARN, 33, 64))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new NetworkRule(RuleAction.WARN, 24, 129))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void unknownPostureValuesFailTheirRules() {
    Posture unknown = new Posture(null, null, null, "", null, false);
    PushPolicy refuseAll =
        PushPolicy.defaults()
            .withPosture(PostureRule.STORAGE_ENCRYPTED, RuleAction.REFUSE)
            .withPosture(PostureRule.NOT_ROOTED, RuleAction.REFUSE)
            .withPosture(PostureRule.NOTIFICATIONS_ENABLED, RuleAction.WARN);

    assertThat(PostureCheck.evaluate(unknown, refuseAll))
        .extracting(PostureCheck.Finding::messageKey)
        .containsExactly(
            "posture.storage_encrypted.refused",
            "posture.not_rooted.refused",
            "posture.notifications_enabled.warned");
  }

  @Test
  void aCompliantPostureFailsNothingAndOffRulesAreSkipped() {
    Posture good = new Posture(true, false, true, "1.0", Instant.EPOCH, false);
    Posture rooted = new Posture(true, true, true, "1.0", Instant.EPOCH, true);
    PushPolicy policy = PushPolicy.defaults().withPosture(PostureRule.NOT_ROOTED, RuleAction.OFF);

    assertThat(PostureCheck.evaluate(good, PushPolicy.defaults())).isEmpty();
    assertThat(PostureCheck.evaluate(rooted, policy)).isEmpty();
    assertThat(PostureCheck.summary(rooted))
        .contains("rooted=yes")
        .contains("overridden on the device");
  }

  @Test
  void numbersHaveExactlyTheDigitsAskedForAndCoverTheRange() {
    NumberSource numbers = new NumberSource(new SecureRandom());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 2_000; i++) {
      String two = numbers.next(2);
      assertThat(two).matches("[0-9]{2}");
      seen.add(two);
      assertThat(numbers.next(6)).matches("[0-9]{6}");
    }
    // 2,000 draws of 100 values: all but a vanishing chance of missing one; leading zeros kept.
    assertThat(seen).hasSize(100).contains("00", "07");
  }

  @Test
  void activationCodesAreStablePerAttemptDistinctAcrossAttemptsAndBoundToTheKey() {
    SecretCipher cipher = cipher(1);
    ActivationCodes codes = new ActivationCodes(cipher);
    UUID attempt = UUID.randomUUID();

    String code = codes.codeFor(attempt);

    assertThat(code).isEqualTo(codes.codeFor(attempt));
    assertThat(code).isNotEqualTo(codes.codeFor(UUID.randomUUID()));
    assertThat(code).isNotEqualTo(new ActivationCodes(cipher(2)).codeFor(attempt));
    assertThat(new ActivationUri(URI.create("http://127.0.0.1:8080"), code, Instant.EPOCH).code())
        .isEqualTo(code);
    assertThat(ActivationCodes.hash(code.toLowerCase(java.util.Locale.ROOT)))
        .isEqualTo(ActivationCodes.hash(code));
  }

  @Test
  void policyBoundsFollowNist() {
    PushPolicy defaults = PushPolicy.defaults();
    assertThat(defaults.challengeTtl()).isEqualTo(Duration.ofSeconds(60));
    assertThat(defaults.numberDigits()).isEqualTo(3);
    assertThatThrownBy(
            () ->
                new PushPolicy(
                    Duration.ofMinutes(11),
                    3,
                    3,
                    10,
                    Duration.ofMinutes(10),
                    3,
                    Map.of(),
                    defaults.network()))
        .hasMessageContaining("10 min");
    assertThatThrownBy(
            () ->
                new PushPolicy(
                    Duration.ofSeconds(60),
                    1,
                    3,
                    10,
                    Duration.ofMinutes(10),
                    3,
                    Map.of(),
                    defaults.network()))
        .hasMessageContaining("2 to 6");
    assertThatThrownBy(
            () ->
                new PushPolicy(
                    Duration.ofSeconds(60),
                    7,
                    3,
                    10,
                    Duration.ofMinutes(10),
                    3,
                    Map.of(),
                    defaults.network()))
        .hasMessageContaining("2 to 6");
  }

  private static SecretCipher cipher(int seed) {
    byte[] key = new byte[32];
    java.util.Arrays.fill(key, (byte) seed);
    return new SecretCipher(Map.of("k" + seed, key), "k" + seed, new SecureRandom());
  }
}
