package io.latchkey.core.verification;

import static io.latchkey.core.testing.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.notice.NoticeKind;
import io.latchkey.core.testing.CoreFixture;
import io.latchkey.core.testing.Requests;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LockoutTest {
  private final CoreFixture core = new CoreFixture(3);
  private final Lockout lockout = core.lockout;
  private final User alice = core.addUser("alice");
  private final RequestContext context = Requests.by("app");

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 101})
  void theThresholdIsOneToOneHundred(int threshold) {
    assertThatIllegalArgumentException().isThrownBy(() -> new LockoutPolicy(threshold));
  }

  @Test
  void eachReservationCountsUntilASuccessResetsIt() {
    lockout.reserve(alice, context);
    lockout.reserve(alice, context);
    assertThat(core.reload(alice).failedAttempts()).isEqualTo(2);

    lockout.succeeded(alice);

    assertThat(core.reload(alice).failedAttempts()).isZero();
  }

  @Test
  void aFailureBelowTheThresholdDoesNotBlock() {
    lockout.reserve(alice, context);
    lockout.failed(alice, context);

    assertThat(core.reload(alice).status()).isEqualTo(UserStatus.ACTIVE);
    assertThat(core.audit.ofType(AuditEventType.USER_BLOCKED)).isEmpty();
    assertThat(core.noticeStore.all()).isEmpty();
  }

  @Test
  void reservationsInFlightNeverExceedTheThresholdAndTheNextOneBlocksOnce() {
    // Three attempts reserved and not yet judged (say, three racing requests), then a fourth.
    for (int i = 0; i < 3; i++) {
      lockout.reserve(alice, context);
    }

    assertRefused(() -> lockout.reserve(alice, context), ErrorCode.USER_BLOCKED);
    assertRefused(() -> lockout.reserve(alice, context), ErrorCode.USER_BLOCKED);
    lockout.failed(alice, context);

    User stored = core.reload(alice);
    assertThat(stored.failedAttempts()).isEqualTo(3);
    assertThat(stored.status()).isEqualTo(UserStatus.BLOCKED);
    assertThat(stored.blockedReason())
        .startsWith("3 consecutive failed attempts (policy lockout.threshold=3)")
        .endsWith("the last under correlation ID " + context.correlationId().value());
    assertThat(stored.blockedAt()).isEqualTo(core.clock.instant());
    AuditEvent blocked = core.audit.single(AuditEventType.USER_BLOCKED);
    assertThat(blocked.reason()).isEqualTo("too_many_failures");
    assertThat(blocked.correlationId()).isEqualTo(context.correlationId());
    // The user is told once (RFC 4226 §7.2; SECURITY-TESTS B1), under the same correlation ID.
    assertThat(core.noticeStore.all())
        .singleElement()
        .satisfies(
            notice -> {
              assertThat(notice.kind()).isEqualTo(NoticeKind.USER_BLOCKED);
              assertThat(notice.userId()).isEqualTo(alice.id());
              assertThat(notice.correlationId()).isEqualTo(context.correlationId());
              assertThat(notice.facts()).containsEntry("failures", "3");
            });
  }

  @Test
  void theBlockNamesSinceWhenTheFailuresRanAndTimeAloneNeverResetsThem() {
    java.time.Instant first = core.clock.instant();
    lockout.reserve(alice, context);
    lockout.failed(alice, context);
    core.clock.advance(java.time.Duration.ofDays(30));
    lockout.reserve(alice, context);
    lockout.failed(alice, context);
    core.clock.advance(java.time.Duration.ofDays(30));
    RequestContext last = Requests.by("app");
    lockout.reserve(alice, last);
    lockout.failed(alice, last);

    User stored = core.reload(alice);
    assertThat(stored.status()).isEqualTo(UserStatus.BLOCKED);
    assertThat(stored.blockedReason())
        .contains("3 consecutive failed attempts")
        .contains("the first at " + first)
        .contains(last.correlationId().value());
    assertThat(core.audit.single(AuditEventType.USER_BLOCKED).detail())
        .contains("the first at " + first)
        .contains("Time alone never resets the count");
  }

  @Test
  void aSuccessForgetsWhenTheFailuresBegan() {
    lockout.reserve(alice, context);
    lockout.failed(alice, context);
    lockout.succeeded(alice);
    core.clock.advance(java.time.Duration.ofHours(1));
    java.time.Instant second = core.clock.instant();
    lockout.reserve(alice, context);
    lockout.failed(alice, context);

    assertThat(core.users.failuresSince(alice.id())).contains(second);
  }

  @Test
  void aLowerThresholdAppliesToTheNextAttempt() {
    java.util.concurrent.atomic.AtomicInteger threshold =
        new java.util.concurrent.atomic.AtomicInteger(5);
    Lockout changing =
        new Lockout(
            core.users,
            core.audit,
            core.clock,
            () -> new LockoutPolicy(threshold.get()),
            new io.latchkey.core.testing.DirectTransactions(),
            core.notices);
    changing.reserve(alice, context);
    changing.failed(alice, context);
    changing.reserve(alice, context);
    changing.failed(alice, context);
    assertThat(core.reload(alice).status()).isEqualTo(UserStatus.ACTIVE);

    threshold.set(2);

    assertRefused(() -> changing.reserve(core.reload(alice), context), ErrorCode.USER_BLOCKED);
    assertThat(core.reload(alice).status()).isEqualTo(UserStatus.BLOCKED);
  }

  @Test
  void requireActiveNamesWhyTheUserIsRefused() {
    core.users.block(alice.id(), "lost phone", core.clock.instant());
    User disabled = core.users.add("dave", UserStatus.DISABLED, core.clock.instant());

    assertThat(
            assertRefused(() -> Lockout.requireActive(core.reload(alice)), ErrorCode.USER_BLOCKED))
        .hasMessageContaining("lost phone");
    assertRefused(() -> Lockout.requireActive(disabled), ErrorCode.USER_DISABLED);
    Lockout.requireActive(core.addUser("bob"));
  }

  @Test
  void anUnblockGivesAFreshCount() {
    for (int i = 0; i < 3; i++) {
      lockout.reserve(alice, context);
      lockout.failed(alice, context);
    }
    assertThat(core.reload(alice).status()).isEqualTo(UserStatus.BLOCKED);

    core.users.unblock(alice.id());

    lockout.reserve(core.reload(alice), context);
    assertThat(core.reload(alice).failedAttempts()).isEqualTo(1);
  }
}
