package io.latchkey.core.user;

import static io.latchkey.core.testing.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.testing.CoreFixture;
import io.latchkey.core.testing.FakePasswordHasher;
import io.latchkey.core.testing.InMemoryAuditLog;
import io.latchkey.core.testing.InMemorySignInThrottleRepository;
import io.latchkey.core.testing.InMemoryUserRepository;
import io.latchkey.core.testing.MutableClock;
import io.latchkey.core.testing.Requests;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AccountsTest {
  private static final String PASSWORD = "correct horse battery staple";

  private final MutableClock clock = new MutableClock(CoreFixture.START);
  private final InMemoryUserRepository users = new InMemoryUserRepository();
  private final FakePasswordHasher hasher = new FakePasswordHasher();
  private final InMemoryAuditLog audit = new InMemoryAuditLog();
  private final InMemorySignInThrottleRepository failures = new InMemorySignInThrottleRepository();
  private final Accounts accounts =
      new Accounts(
          users,
          new SignInThrottle(failures, SignInThrottlePolicy.DEFAULT, clock),
          hasher,
          audit,
          clock,
          Requests.seededRandom(7),
          io.latchkey.core.user.PasswordRules.shipped(8));
  private final RequestContext root = Requests.by("root");

  @Test
  void bootstrapCreatesTheAdministratorWithALongOneTimePassword() {
    String password = accounts.bootstrapAdmin(Requests.by("system")).orElseThrow();

    assertThat(password).hasSizeGreaterThanOrEqualTo(20).matches("[A-Za-z2-9]+");
    User admin = accounts.require("admin");
    assertThat(admin.admin()).isTrue();
    assertThat(admin.status()).isEqualTo(UserStatus.ACTIVE);
    assertThat(accounts.signIn("admin", password, Requests.by("admin")).id()).isEqualTo(admin.id());
    AuditEvent event = audit.single(AuditEventType.ADMIN_BOOTSTRAPPED);
    assertThat(event.userId()).isEqualTo(admin.id());
    assertThat(event.toString()).doesNotContain(password);
  }

  @Test
  void bootstrapHappensOnlyOnAnEmptyRepository() {
    accounts.bootstrapAdmin(root).orElseThrow();

    assertThat(accounts.bootstrapAdmin(root)).isEmpty();
    assertThat(users.count()).isEqualTo(1);
  }

  @Test
  void bootstrapDoesNothingWhenAUserExists() {
    accounts.create("alice", null, PASSWORD, false, root);

    assertThat(accounts.bootstrapAdmin(root)).isEmpty();
    assertThat(users.findByUsername(Username.of("admin"))).isEmpty();
    assertThat(audit.ofType(AuditEventType.ADMIN_BOOTSTRAPPED)).isEmpty();
  }

  @Test
  void createStoresTheCanonicalNameAndAHashAndAuditsTheActor() {
    User created = accounts.create("  Alice ", "Alice Liddell", PASSWORD, false, root);

    assertThat(created.username().value()).isEqualTo("alice");
    assertThat(created.displayName()).isEqualTo("Alice Liddell");
    assertThat(created.admin()).isFalse();
    assertThat(users.passwordHash(created.id())).hasValue(hasher.hash(PASSWORD));
    AuditEvent event = audit.single(AuditEventType.USER_CREATED);
    assertThat(event.actor()).isEqualTo("root");
    assertThat(event.userId()).isEqualTo(created.id());
    assertThat(event.detail()).contains("root").doesNotContain(PASSWORD);
  }

  @Test
  void withoutADisplayNameTheUsernameIsShown() {
    assertThat(accounts.create("alice", "  ", null, false, root).displayName()).isEqualTo("alice");
  }

  @ParameterizedTest
  @ValueSource(strings = {"alice", "ALICE", "  Alice  ", "\uFF21\uFF4C\uFF49\uFF43\uFF45"})
  void createRefusesANameWhoseCanonicalFormIsTaken(String typed) {
    User first = accounts.create("Alice", null, PASSWORD, false, root);

    assertRefused(
        () -> accounts.create(typed, null, "another password", true, root), ErrorCode.CONFLICT);

    assertThat(users.count()).isEqualTo(1);
    assertThat(users.passwordHash(first.id())).hasValue(hasher.hash(PASSWORD));
    assertThat(audit.ofType(AuditEventType.USER_CREATED)).hasSize(1);
  }

  @Test
  void theFirstAdministratorMustChangeTheOneTimePasswordAtTheFirstSignIn() {
    accounts.bootstrapAdmin(Requests.by("system")).orElseThrow();

    User admin = accounts.require("admin");
    assertThat(users.passwordChangeRequired(admin.id())).isTrue();
  }

  @Test
  void createChecksThePasswordRulesAndDisplayNameLengths() {
    assertRefused(
        () -> accounts.create("a", null, "1234567", false, root), ErrorCode.PASSWORD_TOO_SHORT);
    assertRefused(
        () -> accounts.create("b", null, "x".repeat(257), false, root),
        ErrorCode.PASSWORD_TOO_LONG);
    assertRefused(
        () -> accounts.create("b", null, "12345678", false, root), ErrorCode.PASSWORD_TOO_COMMON);
    assertRefused(
        () -> accounts.create("c", "x".repeat(201), PASSWORD, false, root), ErrorCode.BAD_REQUEST);
    assertRefused(() -> accounts.create("d:e", null, PASSWORD, false, root), ErrorCode.BAD_REQUEST);

    assertThat(users.count()).isZero();
    assertThat(accounts.create("f", null, "18 plums ripen", false, root)).isNotNull();
  }

  @Test
  void signInAcceptsTheRightPasswordUnderAnyFormOfTheName() {
    User alice = accounts.create("alice", null, PASSWORD, false, root);

    assertThat(accounts.signIn("ALICE", PASSWORD, Requests.by("ALICE")).id()).isEqualTo(alice.id());
    assertThat(audit.single(AuditEventType.SIGN_IN_SUCCEEDED).userId()).isEqualTo(alice.id());
  }

  @Test
  void anUnknownUserAndAWrongPasswordGiveTheSameAnswerButAreAuditedApart() {
    accounts.create("alice", null, PASSWORD, false, root);

    LatchkeyException unknown =
        assertRefused(
            () -> accounts.signIn("mallory", PASSWORD, Requests.by("mallory")),
            ErrorCode.UNAUTHORIZED);
    LatchkeyException wrong =
        assertRefused(
            () -> accounts.signIn("alice", "wrong password", Requests.by("alice")),
            ErrorCode.UNAUTHORIZED);

    assertThat(unknown).hasMessage(wrong.getMessage());
    List<AuditEvent> failures = audit.ofType(AuditEventType.SIGN_IN_FAILED);
    assertThat(failures)
        .extracting(AuditEvent::reason)
        .containsExactly("unknown_user", "wrong_password");
    assertThat(failures).extracting(AuditEvent::success).containsOnly(false);
    assertThat(failures.get(0).userId()).isNull();
    assertThat(failures.get(0).username()).isEqualTo("mallory");
    assertThat(failures.get(1).userId()).isNotNull();
    for (AuditEvent failure : failures) {
      assertThat(failure.toString()).doesNotContain(PASSWORD).doesNotContain("wrong password");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mallory", "bad:name", "", "x\u200By"})
  void anUnknownOrImpossibleNameStillCostsOnePasswordCheck(String typed) {
    accounts.create("alice", null, PASSWORD, false, root);
    int before = hasher.comparedAgainst().size();

    assertRefused(() -> accounts.signIn(typed, PASSWORD, Requests.by("?")), ErrorCode.UNAUTHORIZED);

    List<String> compared = hasher.comparedAgainst();
    assertThat(compared).hasSize(before + 1);
    assertThat(compared.get(before)).isNotBlank().startsWith("$fake-sha256$");
    assertThat(audit.single(AuditEventType.SIGN_IN_FAILED).reason()).isEqualTo("unknown_user");
  }

  @Test
  void aWrongPasswordCostsOnePasswordCheckToo() {
    User alice = accounts.create("alice", null, PASSWORD, false, root);

    assertRefused(() -> accounts.signIn("alice", "nope", root), ErrorCode.UNAUTHORIZED);

    assertThat(hasher.comparedAgainst())
        .containsExactly(users.passwordHash(alice.id()).orElseThrow());
  }

  @Test
  void aUserWithoutAPasswordCannotSignIn() {
    accounts.create("alice", null, null, false, root);

    assertRefused(() -> accounts.signIn("alice", "", root), ErrorCode.UNAUTHORIZED);
    assertRefused(() -> accounts.signIn("alice", null, root), ErrorCode.UNAUTHORIZED);

    assertThat(hasher.comparedAgainst()).hasSize(2);
    assertThat(audit.ofType(AuditEventType.SIGN_IN_FAILED))
        .extracting(AuditEvent::reason)
        .containsOnly("wrong_password");
  }

  @Test
  void aCraftedNameCannotForgeALineInTheAuditLog() {
    assertRefused(
        () -> accounts.signIn("x\r\nsign_in.succeeded admin", PASSWORD, root),
        ErrorCode.UNAUTHORIZED);

    assertThat(audit.single(AuditEventType.SIGN_IN_FAILED).username())
        .doesNotContain("\r", "\n")
        .isEqualTo("x  sign_in.succeeded admin");
  }
}
