package io.latchkey.core.user;

import static io.latchkey.core.testing.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.notice.Notice;
import io.latchkey.core.notice.NoticeKind;
import io.latchkey.core.testing.CoreFixture;
import io.latchkey.core.testing.FakePasswordHasher;
import io.latchkey.core.testing.InMemorySignInThrottleRepository;
import io.latchkey.core.testing.Requests;
import org.junit.jupiter.api.Test;

/** Every way a password changes (issue 14): by its user, as required, by an administrator. */
class PasswordChangesTest {
  private static final String OLD = "correct horse battery";
  private static final String NEW = "eight plums ripen slowly";

  private final CoreFixture core = new CoreFixture(10);
  private final FakePasswordHasher hasher = new FakePasswordHasher();
  private final Accounts accounts =
      new Accounts(
          core.users,
          new SignInThrottle(
              new InMemorySignInThrottleRepository(), SignInThrottlePolicy.DEFAULT, core.clock),
          hasher,
          core.audit,
          core.clock,
          Requests.seededRandom(5),
          PasswordRules.shipped(8));
  private final PasswordChanges passwords = core.passwordChanges(accounts, hasher);
  private final RequestContext byAlice = Requests.by("alice");
  private final User alice = accounts.create("alice", null, OLD, false, Requests.by("root"));

  @Test
  void aUserChangesTheirPasswordWithTheCurrentOneAndEveryOtherSessionEnds() {
    core.sessions.open(alice.id(), 3);

    passwords.changeOwn(alice, OLD, NEW, "this-browser", byAlice);

    assertThat(accounts.signIn("alice", NEW, byAlice).id()).isEqualTo(alice.id());
    assertRefused(() -> accounts.signIn("alice", OLD, byAlice), ErrorCode.UNAUTHORIZED);
    assertThat(core.sessions.ended()).containsExactly(alice.id());
    assertThat(notices()).extracting(Notice::kind).containsExactly(NoticeKind.PASSWORD_CHANGED);
    assertThat(notices().getFirst().facts()).containsEntry("by", "alice");
    AuditEvent changed = core.audit.ofType(AuditEventType.PASSWORD_CHANGED).getFirst();
    assertThat(changed.actor()).isEqualTo("alice");
    assertThat(changed.detail()).contains("3 signed-in sessions ended").doesNotContain(NEW);
    assertThat(core.changed).containsExactly(alice.id());
  }

  @Test
  void aWrongCurrentPasswordChangesNothingAndIsAudited() {
    assertRefused(
        () -> passwords.changeOwn(alice, "not the password", NEW, null, byAlice),
        ErrorCode.CURRENT_PASSWORD_WRONG);

    assertThat(accounts.signIn("alice", OLD, byAlice)).isNotNull();
    assertThat(core.audit.ofType(AuditEventType.PASSWORD_REJECTED))
        .singleElement()
        .satisfies(e -> assertThat(e.reason()).isEqualTo("current_password_wrong"));
    assertThat(notices()).isEmpty();
  }

  @Test
  void aNewPasswordBreakingARuleIsRefusedWithTheRuleAndNeverRecorded() {
    assertRefused(
        () -> passwords.changeOwn(alice, OLD, "short", null, byAlice),
        ErrorCode.PASSWORD_TOO_SHORT);
    assertRefused(
        () -> passwords.changeOwn(alice, OLD, "iloveyou1", null, byAlice),
        ErrorCode.PASSWORD_TOO_COMMON);
    assertRefused(
        () -> passwords.changeOwn(alice, OLD, OLD, null, byAlice), ErrorCode.PASSWORD_UNCHANGED);

    assertThat(core.audit.ofType(AuditEventType.PASSWORD_REJECTED))
        .extracting(AuditEvent::reason)
        .containsExactly("password_too_short", "password_too_common", "password_unchanged");
    assertThat(core.audit.ofType(AuditEventType.PASSWORD_REJECTED))
        .allSatisfy(e -> assertThat(e.detail()).doesNotContain("iloveyou1").doesNotContain(OLD));
    assertThat(accounts.signIn("alice", OLD, byAlice)).isNotNull();
  }

  @Test
  void anAdministratorsPasswordMustBeChangedAtTheNextSignIn() {
    core.sessions.open(alice.id(), 2);
    RequestContext byRoot = Requests.by("root");

    passwords.setByAdmin(alice, "handed over on paper", byRoot);

    assertThat(passwords.changeRequired(alice)).isTrue();
    assertThat(core.sessions.ended()).containsExactly(alice.id());
    assertThat(notices())
        .extracting(Notice::kind)
        .containsExactly(NoticeKind.PASSWORD_SET_BY_ADMIN);
    assertThat(core.audit.ofType(AuditEventType.PASSWORD_SET_BY_ADMIN).getFirst().actor())
        .isEqualTo("root");
    // An API sign-in without the new password is refused before the factor; with it, it passes.
    assertRefused(
        () -> passwords.beforeFactor(alice, null, byAlice), ErrorCode.PASSWORD_CHANGE_REQUIRED);
    assertRefused(
        () -> passwords.beforeFactor(alice, "handed over on paper", byAlice),
        ErrorCode.PASSWORD_UNCHANGED);
    assertThat(passwords.beforeFactor(alice, NEW, byAlice)).isTrue();

    passwords.completeRequiredChange(alice, NEW, byAlice);

    assertThat(passwords.changeRequired(alice)).isFalse();
    assertThat(accounts.signIn("alice", NEW, byAlice)).isNotNull();
    assertThat(passwords.beforeFactor(alice, null, byAlice)).isFalse();
    assertRefused(() -> passwords.beforeFactor(alice, NEW, byAlice), ErrorCode.CONFLICT);
  }

  @Test
  void anAdministratorCannotSetACommonPassword() {
    assertRefused(
        () -> passwords.setByAdmin(alice, "password123", Requests.by("root")),
        ErrorCode.PASSWORD_TOO_COMMON);
    assertThat(passwords.changeRequired(alice)).isFalse();
  }

  @Test
  void aRequiredChangeIsRefusedWhenNoneIsRequired() {
    assertRefused(() -> passwords.changeRequiredNow(alice, NEW, null, byAlice), ErrorCode.CONFLICT);
  }

  private java.util.List<Notice> notices() {
    return core.noticeStore.all();
  }
}
