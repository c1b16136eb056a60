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
    assertThat(stored.blockedReason()).isEqualTo("3 consecutive failed attempts");
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
