package io.latchkey.core.user;

import static io.latchkey.core.testing.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.method.MethodRepository;
import io.latchkey.core.notice.Notice;
import io.latchkey.core.notice.NoticeKind;
import io.latchkey.core.push.PushEnrollmentRepository;
import io.latchkey.core.testing.CoreFixture;
import io.latchkey.core.testing.DirectTransactions;
import io.latchkey.core.testing.Requests;
import io.latchkey.core.tx.Transactions;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Block, unblock and disable by an administrator: audited with who acted, the user told who did it
 * (never the reason, an internal note), and every session of theirs ended at the unblock, so
 * nothing signed in before the block works after it. Enable and reset are tested end to end in the
 * server's AccountLifecycleIT, where the methods they remove are real.
 */
class AccountLifecycleTest {
  private final CoreFixture core = new CoreFixture(5);
  private final AccountLifecycle lifecycle =
      new AccountLifecycle(
          core.users,
          unused(MethodRepository.class),
          core.enrollments,
          unused(PushEnrollmentRepository.class),
          core.backupCodeStore,
          new DirectTransactions(),
          core.audit,
          core.clock,
          core.notices,
          core.sessions);
  private final RequestContext root = Requests.by("root");
  private final User alice = core.addUser("alice");

  @Test
  void blockAndUnblockAreAuditedWithTheActingAdministratorAndTellTheUser() {
    core.users.reserveAttemptBelowLimit(alice.id(), 10);
    core.sessions.open(alice.id(), 3);

    lifecycle.block(alice, "  lost her phone ", root);

    User blocked = core.reload(alice);
    assertThat(blocked.status()).isEqualTo(UserStatus.BLOCKED);
    assertThat(blocked.blockedReason()).isEqualTo("lost her phone");
    assertThat(blocked.blockedAt()).isEqualTo(core.clock.instant());
    AuditEvent block = core.audit.single(AuditEventType.USER_BLOCKED);
    assertThat(block.actor()).isEqualTo("root");
    assertThat(block.reason()).isEqualTo("admin");
    assertThat(block.userId()).isEqualTo(alice.id());
    assertThat(block.detail()).isEqualTo("blocked by root: lost her phone");
    // While blocked, each session is refused as blocked (not lost); the unblock ends them.
    assertThat(core.sessions.ended()).isEmpty();

    RequestContext ops = Requests.by("ops");
    lifecycle.unblock(core.reload(alice), "found it", ops);

    User unblocked = core.reload(alice);
    assertThat(unblocked.status()).isEqualTo(UserStatus.ACTIVE);
    assertThat(unblocked.failedAttempts()).isZero();
    assertThat(unblocked.blockedReason()).isNull();
    AuditEvent unblock = core.audit.single(AuditEventType.USER_UNBLOCKED);
    assertThat(unblock.actor()).isEqualTo("ops");
    assertThat(unblock.correlationId()).isEqualTo(ops.correlationId());
    assertThat(unblock.detail())
        .isEqualTo("unblocked by ops: found it; 3 signed-in sessions ended");
    assertThat(core.sessions.openFor(alice.id())).isZero();

    List<Notice> told = core.noticeStore.all();
    assertThat(told)
        .extracting(Notice::kind)
        .containsExactly(NoticeKind.ACCOUNT_BLOCKED, NoticeKind.ACCOUNT_UNBLOCKED);
    assertThat(told.get(0).facts()).containsEntry("by", "root");
    assertThat(told.get(0).correlationId()).isEqualTo(root.correlationId());
    assertThat(told.get(1).facts()).containsEntry("by", "ops");
    assertThat(told.toString()).doesNotContain("lost her phone").doesNotContain("found it");
  }

  @Test
  void aResetOrAnEnableAsksForARegistrationLinkAndEndsEverySession() {
    AccountLifecycle lifecycle =
        new AccountLifecycle(
            core.users,
            nothingStored(MethodRepository.class),
            core.enrollments,
            nothingStored(PushEnrollmentRepository.class),
            core.backupCodeStore,
            new DirectTransactions(),
            core.audit,
            core.clock,
            core.notices,
            core.sessions);
    core.sessions.open(alice.id(), 2);
    assertThat(core.users.registrationLinkRequired(alice.id())).isFalse();

    lifecycle.resetMfa(alice, "lost phone", root);

    assertThat(core.users.registrationLinkRequired(alice.id())).isTrue();
    assertThat(core.sessions.ended()).containsExactly(alice.id());
    assertThat(core.audit.single(AuditEventType.MFA_RESET).detail())
        .endsWith("; 2 signed-in sessions ended");

    core.users.setRegistrationLinkRequired(alice.id(), false);
    lifecycle.disable(core.reload(alice), "", root);
    assertThat(core.users.registrationLinkRequired(alice.id())).isFalse();
    lifecycle.enable(core.reload(alice), "", root);
    assertThat(core.users.registrationLinkRequired(alice.id())).isTrue();
  }

  @Test
  void disablingTellsTheUserWhoDidIt() {
    core.sessions.open(alice.id(), 1);

    lifecycle.disable(alice, "left the company", root);

    assertThat(core.reload(alice).status()).isEqualTo(UserStatus.DISABLED);
    assertThat(core.audit.single(AuditEventType.USER_DISABLED).detail())
        .isEqualTo("disabled by root: left the company; 1 signed-in session ended");
    assertThat(core.sessions.ended()).as("ended by the disable (issue 12)").hasSize(1);
    Notice told = core.noticeStore.all().getFirst();
    assertThat(told.kind()).isEqualTo(NoticeKind.ACCOUNT_DISABLED);
    assertThat(told.facts()).containsEntry("by", "root").doesNotContainValue("left the company");
  }

  @Test
  void blockWithoutAReasonSaysAnAdministratorDidItAndAnUnblockWithNoSessionSaysNoneEnded() {
    lifecycle.block(alice, "  ", root);
    lifecycle.unblock(core.reload(alice), null, root);

    assertThat(core.audit.single(AuditEventType.USER_BLOCKED).detail())
        .isEqualTo("blocked by root: blocked by an administrator");
    assertThat(core.audit.single(AuditEventType.USER_UNBLOCKED).detail())
        .isEqualTo("unblocked by root");
    assertThat(core.sessions.ended()).containsExactly(alice.id());
  }

  @Test
  void blockingTwiceOrUnblockingAnActiveUserIsAConflictNotAuditedAndNotTold() {
    assertRefused(() -> lifecycle.unblock(alice, null, root), ErrorCode.CONFLICT);
    lifecycle.block(alice, null, root);
    assertRefused(() -> lifecycle.block(core.reload(alice), null, root), ErrorCode.CONFLICT);

    assertThat(core.audit.ofType(AuditEventType.USER_BLOCKED)).hasSize(1);
    assertThat(core.audit.ofType(AuditEventType.USER_UNBLOCKED)).isEmpty();
    assertThat(core.noticeStore.all())
        .extracting(Notice::kind)
        .containsExactly(NoticeKind.ACCOUNT_BLOCKED);
    assertThat(core.sessions.ended()).isEmpty();
  }

  @Test
  void theUnblockDisableEnableAndResetEndTheSessionsInTheTransactionOfTheChange() {
    // Were the sessions ended after the commit, a session from before the block would work for a
    // moment on an active account.
    int[] depth = {0};
    Transactions counting =
        new Transactions() {
          @Override
          public <T> T inTransaction(Supplier<T> work) {
            depth[0]++;
            try {
              return work.get();
            } finally {
              depth[0]--;
            }
          }
        };
    List<Integer> depthAtEnd = new ArrayList<>();
    UserSessions sessions =
        (user, at) -> {
          depthAtEnd.add(depth[0]);
          return core.sessions.endAll(user, at);
        };
    AccountLifecycle lifecycle =
        new AccountLifecycle(
            core.users,
            nothingStored(MethodRepository.class),
            core.enrollments,
            nothingStored(PushEnrollmentRepository.class),
            core.backupCodeStore,
            counting,
            core.audit,
            core.clock,
            core.notices,
            sessions);

    lifecycle.block(alice, "", root);
    lifecycle.unblock(core.reload(alice), "", root);
    lifecycle.disable(core.reload(alice), "", root);
    lifecycle.enable(core.reload(alice), "", root);
    lifecycle.resetMfa(core.reload(alice), "", root);

    // unblock, disable, enable and reset-mfa each end the sessions inside their transaction
    assertThat(depthAtEnd).as("the depth of transactions at each end of sessions").hasSize(4);
    assertThat(depthAtEnd).allMatch(d -> d > 0);
    assertThat(core.reload(alice).status()).isEqualTo(UserStatus.ACTIVE);
  }

  /** A store with nothing in it: every query finds nothing, every deletion deletes nothing. */
  private static <T> T nothingStored(Class<T> type) {
    return type.cast(
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              Class<?> answer = method.getReturnType();
              if (answer == Optional.class) {
                return Optional.empty();
              }
              if (answer == int.class) {
                return 0;
              }
              throw new AssertionError(type.getSimpleName() + "." + method.getName() + " called");
            }));
  }

  /** A dependency that block, unblock and disable never touch: any call fails the test. */
  private static <T> T unused(Class<T> type) {
    return type.cast(
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              throw new AssertionError(type.getSimpleName() + "." + method.getName() + " called");
            }));
  }
}
