package io.latchkey.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.testing.InMemoryAuditLog;
import io.latchkey.core.testing.InMemoryPolicyRepository;
import io.latchkey.core.testing.MutableClock;
import io.latchkey.core.testing.Requests;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PoliciesTest {
  private static final Instant T0 = Instant.parse("2026-04-01T08:00:00Z");

  private final MutableClock clock = new MutableClock(T0);
  private final InMemoryPolicyRepository repository = new InMemoryPolicyRepository();
  private final InMemoryAuditLog audit = new InMemoryAuditLog();
  private final AtomicLong ticks = new AtomicLong();
  private final Policies policies =
      new Policies(
          repository, audit, clock, PolicyTest.DEFAULTS, ticks::get, Duration.ofSeconds(1));

  @Test
  void withoutStoredVersionsTheConfigurationIsVersionZero() {
    PolicyVersion current = policies.current();

    assertThat(current.version()).isZero();
    assertThat(current.policy()).isEqualTo(PolicyTest.DEFAULTS);
    assertThat(current.changedBy()).isEqualTo("configuration");
    assertThat(policies.history(10)).extracting(PolicyVersion::version).containsExactly(0L);
  }

  @Test
  void eachUpdateIsANewVersionWithWhoWhenWhyAndWhatChangedAndIsAudited() {
    RequestContext context = Requests.by("root");
    PolicyVersion first =
        policies.update(Map.of("lockout.threshold", "5"), "root", "fewer guesses", 0L, context);
    clock.advance(Duration.ofMinutes(3));
    PolicyVersion second =
        policies.update(
            Map.of("push.network.rule", "refuse", "lockout.threshold", "6"),
            "ops",
            "VPN abuse",
            1L,
            Requests.by("ops"));

    assertThat(first.version()).isEqualTo(1);
    assertThat(first.changedAt()).isEqualTo(T0);
    assertThat(first.changedBy()).isEqualTo("root");
    assertThat(first.reason()).isEqualTo("fewer guesses");
    assertThat(first.correlationId()).isEqualTo(context.correlationId());
    assertThat(first.changes()).containsExactly(new PolicyChange("lockout.threshold", "10", "5"));
    assertThat(second.changes())
        .containsExactly(
            new PolicyChange("lockout.threshold", "5", "6"),
            new PolicyChange("push.network.rule", "warn", "refuse"));
    assertThat(policies.current().policy().lockoutThreshold()).isEqualTo(6);
    assertThat(policies.history(10)).extracting(PolicyVersion::version).containsExactly(2L, 1L, 0L);

    List<AuditEvent> changed = audit.ofType(AuditEventType.POLICY_CHANGED);
    assertThat(changed).hasSize(2);
    assertThat(changed.get(0).correlationId()).isEqualTo(context.correlationId());
    assertThat(changed.get(0).actor()).isEqualTo("root");
    assertThat(changed.get(1).detail())
        .contains("policy version 2 by ops")
        .contains("lockout.threshold: 5 -> 6")
        .contains("push.network.rule: warn -> refuse")
        .contains("Reason: VPN abuse");
  }

  @Test
  void anUpdateAgainstAnOlderVersionIsAConflictAndChangesNothing() {
    policies.update(Map.of("lockout.threshold", "5"), "a", "one", 0L, Requests.by("a"));

    assertThatThrownBy(
            () ->
                policies.update(Map.of("lockout.threshold", "7"), "b", "two", 0L, Requests.by("b")))
        .isInstanceOfSatisfying(
            LatchkeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
    assertThat(policies.latest().policy().lockoutThreshold()).isEqualTo(5);
  }

  @Test
  void aVersionNumberTakenByAnotherNodeIsAConflict() {
    // Another node stored version 1 after this one read version 0.
    Policies otherNode =
        new Policies(repository, audit, clock, PolicyTest.DEFAULTS, ticks::get, Duration.ZERO);
    PolicyRepository racing =
        new PolicyRepository() {
          @Override
          public java.util.Optional<PolicyRecord> latest() {
            java.util.Optional<PolicyRecord> seen = repository.latest();
            otherNode.update(
                Map.of("lockout.threshold", "9"), "other", "race", null, Requests.by("other"));
            return seen;
          }

          @Override
          public boolean insert(PolicyRecord version) {
            return repository.insert(version);
          }

          @Override
          public List<PolicyRecord> history(int limit) {
            return repository.history(limit);
          }
        };
    Policies thisNode = new Policies(racing, audit, clock, PolicyTest.DEFAULTS);

    assertThatThrownBy(
            () ->
                thisNode.update(
                    Map.of("lockout.threshold", "5"), "me", "race", 0L, Requests.by("me")))
        .isInstanceOfSatisfying(
            LatchkeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
    assertThat(repository.latest().orElseThrow().settings().get("lockout.threshold"))
        .isEqualTo("9");
  }

  @Test
  void aReasonIsRequiredAndAnEmptyChangeIsRefused() {
    assertThatThrownBy(
            () -> policies.update(Map.of("lockout.threshold", "5"), "a", " ", 0L, Requests.by("a")))
        .hasMessageContaining("'reason' is required");
    assertThatThrownBy(() -> policies.update(Map.of(), "a", "why", 0L, Requests.by("a")))
        .hasMessageContaining("no setting");
  }

  @Test
  void changingASettingToItsCurrentValueMakesNoVersion() {
    PolicyVersion same =
        policies.update(Map.of("lockout.threshold", "10"), "a", "same", 0L, Requests.by("a"));

    assertThat(same.version()).isZero();
    assertThat(audit.ofType(AuditEventType.POLICY_CHANGED)).isEmpty();
  }

  @Test
  void aChangeStoredByAnotherNodeIsInForceHereWithinTheCacheBound() {
    policies.current();
    Policies otherNode = new Policies(repository, audit, clock, PolicyTest.DEFAULTS);
    otherNode.update(Map.of("totp.drift-window", "2"), "b", "skewed phones", 0L, Requests.by("b"));

    ticks.addAndGet(Duration.ofMillis(999).toNanos());
    assertThat(policies.current().policy().driftWindow()).isEqualTo(1);
    ticks.addAndGet(Duration.ofMillis(1).toNanos());
    assertThat(policies.current().policy().driftWindow()).isEqualTo(2);
  }

  @Test
  void readsWithinTheBoundShareOneDatabaseRead() {
    for (int i = 0; i < 100; i++) {
      policies.current();
    }

    assertThat(repository.reads()).isEqualTo(1);
  }
}
