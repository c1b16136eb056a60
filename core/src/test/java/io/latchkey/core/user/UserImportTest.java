package io.latchkey.core.user;

import static io.latchkey.core.testing.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.testing.CoreFixture;
import io.latchkey.core.testing.FakePasswordHasher;
import io.latchkey.core.testing.InMemoryAuditLog;
import io.latchkey.core.testing.InMemorySignInThrottleRepository;
import io.latchkey.core.testing.InMemoryUserRepository;
import io.latchkey.core.testing.MutableClock;
import io.latchkey.core.testing.Requests;
import io.latchkey.core.user.UserImport.Outcome;
import io.latchkey.core.user.UserImport.Report;
import io.latchkey.core.user.UserImport.Result;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UserImportTest {
  private final MutableClock clock = new MutableClock(CoreFixture.START);
  private final InMemoryUserRepository users = new InMemoryUserRepository();
  private final InMemoryAuditLog audit = new InMemoryAuditLog();
  private final Accounts accounts =
      new Accounts(
          users,
          new SignInThrottle(
              new InMemorySignInThrottleRepository(), SignInThrottlePolicy.DEFAULT, clock),
          new FakePasswordHasher(),
          audit,
          clock,
          Requests.seededRandom(11),
          io.latchkey.core.user.PasswordRules.shipped(8));
  private final UserImport imports = new UserImport(accounts, audit, clock);
  private final RequestContext root = Requests.by("root");

  @Test
  void eachRowIsCreatedExistsOrRefusedWithItsLine() {
    accounts.create("existing", null, "a password", false, root);

    Report report =
        imports.importCsv(
            csv(
                "username,display_name,admin",
                "Alice,Alice Liddell,false",
                "existing,Someone,false",
                "bad name,Spaces,false",
                "ALICE,Again,false",
                "bob,,yes",
                "carol,Carol,maybe",
                "dave," + "d".repeat(201) + ",no"),
            root);

    assertThat(report.rows())
        .containsExactly(
            new Result(2, "alice", Outcome.CREATED, null, null),
            new Result(3, "existing", Outcome.EXISTS, null, null),
            new Result(
                4,
                "bad name",
                Outcome.REFUSED,
                "invalid_username",
                "a username has letters, digits and . _ - @ + only (no spaces, colons, slashes or"
                    + " control characters)"),
            new Result(
                5,
                "alice",
                Outcome.REFUSED,
                "duplicate_in_file",
                "the same username is on line 2 (usernames ignore case and width)"),
            new Result(6, "bob", Outcome.CREATED, null, null),
            new Result(
                7,
                "carol",
                Outcome.REFUSED,
                "invalid_admin",
                "admin is true or false (or yes/no, 1/0, empty)"),
            new Result(
                8,
                "dave",
                Outcome.REFUSED,
                "invalid_display_name",
                "a display name has at most 200 characters"));
    assertThat(report.count(Outcome.CREATED)).isEqualTo(2);
    assertThat(report.count(Outcome.EXISTS)).isEqualTo(1);
    assertThat(report.count(Outcome.REFUSED)).isEqualTo(4);
  }

  @Test
  void importedUsersHaveNoPasswordAndTheFilesAdminAndDisplayName() {
    imports.importCsv(csv("username,display_name,admin", "erin,Erin E.,true", "frank,,"), root);

    User erin = accounts.require("erin");
    User frank = accounts.require("frank");
    assertThat(erin.admin()).isTrue();
    assertThat(erin.displayName()).isEqualTo("Erin E.");
    assertThat(frank.admin()).isFalse();
    assertThat(frank.displayName()).isEqualTo("frank");
    assertThat(users.passwordHash(erin.id())).isEmpty();
    assertThat(users.passwordHash(frank.id())).isEmpty();
  }

  @Test
  void anEmailColumnSetsWhereNoticesGoAndABadAddressRefusesItsRowOnly() {
    UserImport.Report report =
        imports.importCsv(
            csv(
                "email,username",
                "Gina@Example.COM,gina",
                ",hank",
                "\"evil@example.com\r\nBcc: all@example.com\",ivan"),
            root);

    assertThat(accounts.require("gina").email().value()).isEqualTo("Gina@example.com");
    assertThat(accounts.require("hank").email()).isNull();
    assertThat(report.count(Outcome.CREATED)).isEqualTo(2);
    assertThat(report.rows().get(2).reason()).isEqualTo("invalid_email");
    assertThat(users.findByUsername(Username.of("ivan"))).isEmpty();
  }

  @Test
  void everyCreatedUserAndTheImportItselfAreAuditedWithTheActingAdministrator() {
    imports.importCsv(csv("username", "gina", "hank", "gina"), root);

    assertThat(audit.ofType(AuditEventType.USER_CREATED))
        .extracting(AuditEvent::username, AuditEvent::actor, AuditEvent::correlationId)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("gina", "root", root.correlationId()),
            org.assertj.core.groups.Tuple.tuple("hank", "root", root.correlationId()));
    AuditEvent summary = audit.single(AuditEventType.USERS_IMPORTED);
    assertThat(summary.success()).isTrue();
    assertThat(summary.actor()).isEqualTo("root");
    assertThat(summary.detail())
        .isEqualTo("CSV import by root: 3 row(s), 2 created, 0 already existed, 1 refused");
  }

  @Test
  void aMalformedFileCreatesNobodyEvenWhenItsFirstRowsAreGood() {
    byte[] file = csv("username,admin", "ivan,false", "judy,true", "\"kate,false");

    assertRefused(() -> imports.importCsv(file, root), ErrorCode.BAD_REQUEST);

    assertThat(users.count()).isZero();
    assertThat(audit.ofType(AuditEventType.USER_CREATED)).isEmpty();
    AuditEvent refused = audit.single(AuditEventType.USERS_IMPORTED);
    assertThat(refused.success()).isFalse();
    assertThat(refused.reason()).isEqualTo("bad_request");
    assertThat(refused.detail()).contains("line 4: a quoted field is never closed");
  }

  @Test
  void whatARefusedRowHeldIsShownWithoutControlOrFormatCharacters() {
    Report report = imports.importCsv(csv("username", "\"evil\u001b[31m\r\nname\u202e\""), root);

    Result row = report.rows().getFirst();
    assertThat(row.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(row.username()).isEqualTo("evil [31m  name ");
  }

  @Test
  void importingTheSameFileAgainAnswersExistsForEveryRow() {
    byte[] file = csv("username", "lena", "mike");
    imports.importCsv(file, root);

    Report again = imports.importCsv(file, root);

    assertThat(again.rows()).extracting(Result::outcome).containsOnly(Outcome.EXISTS);
  }

  private static byte[] csv(String... lines) {
    return (String.join("\r\n", lines) + "\r\n").getBytes(StandardCharsets.UTF_8);
  }
}
