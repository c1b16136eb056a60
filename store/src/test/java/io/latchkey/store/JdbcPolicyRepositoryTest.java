package io.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.policy.PolicyChange;
import io.latchkey.core.policy.PolicyRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdbcPolicyRepositoryTest extends StoreTest {
  private JdbcPolicyRepository policies;

  @BeforeEach
  void repository() {
    policies = new JdbcPolicyRepository(jdbc);
  }

  static PolicyRecord version(long number, String threshold) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("lockout.threshold", threshold);
    settings.put("methods.allowed", "totp,push");
    settings.put("registration.step-deadline", "5m");
    return new PolicyRecord(
        number,
        settings,
        T0.plusSeconds(number),
        "root",
        "reason " + number,
        CorrelationId.random(RANDOM),
        List.of(new PolicyChange("lockout.threshold", "10", threshold)));
  }

  @Test
  void noVersionIsStoredAtFirst() {
    assertThat(policies.latest()).isEmpty();
    assertThat(policies.history(10)).isEmpty();
  }

  @Test
  void aStoredVersionReadsBackWithItsSettingsAndChanges() {
    PolicyRecord first = version(1, "5");

    assertThat(policies.insert(first)).isTrue();

    assertThat(policies.latest()).contains(first);
  }

  @Test
  void theNewestVersionIsLatestAndHistoryIsNewestFirst() {
    policies.insert(version(1, "5"));
    policies.insert(version(2, "6"));
    policies.insert(version(3, "7"));

    assertThat(policies.latest().orElseThrow().version()).isEqualTo(3);
    assertThat(policies.history(2)).extracting(PolicyRecord::version).containsExactly(3L, 2L);
  }

  @Test
  void aVersionNumberIsWrittenOnceEvenWhenNodesRace() throws Exception {
    List<Boolean> results = race(8, () -> policies.insert(version(1, "5")));

    assertThat(results.stream().filter(Boolean::booleanValue)).hasSize(1);
    assertThat(policies.history(10)).hasSize(1);
  }
}
