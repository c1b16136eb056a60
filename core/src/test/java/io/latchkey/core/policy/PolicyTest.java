package io.latchkey.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.method.MethodKind;
import io.latchkey.core.push.PostureRule;
import io.latchkey.core.push.PushPolicy;
import io.latchkey.core.push.RuleAction;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyTest {
  static final Policy DEFAULTS =
      new Policy(
          Duration.ofMinutes(5),
          1,
          10,
          EnumSet.of(MethodKind.TOTP, MethodKind.PUSH),
          PushPolicy.defaults(),
          AutoBlockRules.defaults());

  @Test
  void everySettingHasCanonicalTextThatReadsBackToTheSamePolicy() {
    Map<PolicyKey, String> settings = DEFAULTS.settings();

    assertThat(settings).hasSize(PolicyKey.values().length);
    assertThat(settings.get(PolicyKey.REGISTRATION_STEP_DEADLINE)).isEqualTo("5m");
    assertThat(settings.get(PolicyKey.ALLOWED_METHODS)).isEqualTo("totp,push");
    assertThat(settings.get(PolicyKey.PUSH_NETWORK_RULE)).isEqualTo("warn");
    assertThat(settings.get(PolicyKey.AUTOBLOCK_PUSH_REFUSALS_MAX)).isEqualTo("0");
    assertThat(Policy.of(settings)).isEqualTo(DEFAULTS);
  }

  @Test
  void changesApplyByKeyNameAndTheDifferenceNamesEachChangedKey() {
    Policy changed =
        DEFAULTS.with(
            Map.of(
                "lockout.threshold", "5",
                "push.posture.not-rooted", "refuse",
                "registration.step-deadline", "600s",
                "methods.allowed", "push"));

    assertThat(changed.lockoutThreshold()).isEqualTo(5);
    assertThat(changed.push().posture().get(PostureRule.NOT_ROOTED)).isEqualTo(RuleAction.REFUSE);
    assertThat(changed.registrationStepDeadline()).isEqualTo(Duration.ofMinutes(10));
    assertThat(changed.allows(MethodKind.TOTP)).isFalse();
    assertThat(changed.changesFrom(DEFAULTS))
        .containsExactly(
            new PolicyChange("registration.step-deadline", "5m", "10m"),
            new PolicyChange("lockout.threshold", "10", "5"),
            new PolicyChange("methods.allowed", "totp,push", "push"),
            new PolicyChange("push.posture.not-rooted", "warn", "refuse"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "lockout.threshold|0|a whole number from 1 to 100",
        "lockout.threshold|101|a whole number from 1 to 100",
        "lockout.threshold|ten|a whole number from 1 to 100",
        "lockout.threshold|1.5|a whole number from 1 to 100",
        "totp.drift-window|11|a whole number from 0 to 10",
        "totp.drift-window|-1|a whole number from 0 to 10",
        "registration.step-deadline|2h|a duration from 1s to 1h",
        "registration.step-deadline|0s|a duration from 1s to 1h",
        "registration.step-deadline|5|a duration from 1s to 1h",
        "registration.step-deadline|5 m|a duration from 1s to 1h",
        "push.challenge-ttl|11m|a duration from 1s to 10m",
        "push.number-digits|7|a whole number from 2 to 6",
        "push.network.rule|block|off, warn or refuse",
        "push.network.rule|WARN|off, warn or refuse",
        "push.network.ipv4-prefix|33|a whole number from 0 to 32",
        "methods.allowed|''|at least one",
        "methods.allowed|totp,totp|at least one",
        "methods.allowed|sms|at least one",
        "autoblock.registrations.window|30s|a duration from 1m to 30d",
        "autoblock.push-refusals.max|101|a whole number from 0 to 100",
      })
  void anInvalidValueIsABadRequestNamingTheKeyAndTheRange(String key, String value, String range) {
    assertThatThrownBy(() -> DEFAULTS.with(Map.of(key, value)))
        .isInstanceOfSatisfying(
            LatchkeyException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
              assertThat(e.detail()).startsWith("'" + key + "' must be ").contains(range);
            });
  }

  @Test
  void anUnknownKeyIsABadRequestListingTheKeys() {
    assertThatThrownBy(() -> DEFAULTS.with(Map.of("lockout.treshold", "5")))
        .isInstanceOfSatisfying(
            LatchkeyException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
              assertThat(e.detail())
                  .contains("'lockout.treshold' is not a policy key")
                  .contains("lockout.threshold");
            });
  }

  @Test
  void theConstructorRefusesAValueOutOfRangeWhereverItComesFrom() {
    assertThatThrownBy(
            () ->
                new Policy(
                    Duration.ofMinutes(5),
                    1,
                    0,
                    EnumSet.of(MethodKind.TOTP, MethodKind.PUSH),
                    PushPolicy.defaults(),
                    AutoBlockRules.defaults()))
        .isInstanceOf(LatchkeyException.class)
        .hasMessageContaining("'lockout.threshold'");
    assertThatThrownBy(
            () ->
                new Policy(
                    Duration.ofMinutes(5),
                    1,
                    10,
                    EnumSet.noneOf(MethodKind.class),
                    PushPolicy.defaults(),
                    AutoBlockRules.defaults()))
        .hasMessageContaining("'methods.allowed'");
  }

  @Test
  void durationsAreWrittenInTheirLargestExactUnit() {
    assertThat(PolicyKey.duration(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(PolicyKey.duration(Duration.ofSeconds(120))).isEqualTo("2m");
    assertThat(PolicyKey.duration(Duration.ofHours(24))).isEqualTo("1d");
    assertThat(PolicyKey.REGISTRATION_STEP_DEADLINE.parse("1h")).isEqualTo("1h");
    assertThat(PolicyKey.REGISTRATION_STEP_DEADLINE.parse("3600s")).isEqualTo("1h");
  }
}
