package io.latchkey.core.user;

import static io.latchkey.core.testing.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.error.RetryLater;
import io.latchkey.core.testing.CoreFixture;
import io.latchkey.core.testing.FakePasswordHasher;
import io.latchkey.core.testing.InMemoryAuditLog;
import io.latchkey.core.testing.InMemorySignInThrottleRepository;
import io.latchkey.core.testing.InMemoryUserRepository;
import io.latchkey.core.testing.MutableClock;
import io.latchkey.core.testing.Requests;
import io.latchkey.core.user.SignInThrottlePolicy.Limit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Password-stage throttling through {@link Accounts}: counted per name and address, per address and
 * for the server (issue 14, SECURITY-TESTS A5 and B5).
 */
class SignInThrottleTest {
  private static final String PASSWORD = "correct horse battery staple";
  private static final String WRONG = "wrong password";
  private static final String ATTACKER = "203.0.113.7";
  private static final String OWNER = "198.51.100.20";
  private static final Duration MS = Duration.ofMillis(1);
  private static final Duration WINDOW = Duration.ofMinutes(15);

  private final MutableClock clock = new MutableClock(CoreFixture.START);
  private final InMemoryUserRepository users = new InMemoryUserRepository();
  private final FakePasswordHasher hasher = new FakePasswordHasher();
  private final InMemoryAuditLog audit = new InMemoryAuditLog();
  private final InMemorySignInThrottleRepository attempts = new InMemorySignInThrottleRepository();
  private final SignInThrottle throttle =
      new SignInThrottle(attempts, SignInThrottlePolicy.DEFAULT, clock);
  private final Accounts accounts =
      new Accounts(
          users,
          throttle,
          hasher,
          audit,
          clock,
          Requests.seededRandom(7),
          io.latchkey.core.user.PasswordRules.shipped(8));

  @Test
  void theDefaultsAreTenPerNameAndAddressFiftyPerAddressAndAThousandAMinuteOverall() {
    assertThat(SignInThrottlePolicy.DEFAULT.perNameAndAddress()).isEqualTo(new Limit(10, WINDOW));
    assertThat(SignInThrottlePolicy.DEFAULT.perAddress()).isEqualTo(new Limit(50, WINDOW));
    assertThat(SignInThrottlePolicy.DEFAULT.global())
        .isEqualTo(new Limit(1000, Duration.ofMinutes(1)));
  }

  @Test
  void aPolicyRefusesSettingsThatMakeNoSense() {
    assertThatThrownBy(() -> new Limit(0, WINDOW)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Limit(5, Duration.ofMillis(999)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Limit(5, Duration.ofDays(1).plus(MS)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SignInThrottlePolicy(new Limit(1, WINDOW), null, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void tenFailuresFromOneAddressMakeTheNameWaitThereUntilTheWindowEnds() {
    accounts.create("alice", null, PASSWORD, false, Requests.by("root"));

    for (int i = 0; i < 10; i++) {
      assertThat(attempt("alice", WRONG, ATTACKER)).isEqualTo("unauthorized");
      clock.advance(Duration.ofSeconds(1));
    }
    assertThat(attempts.count("alice", ATTACKER)).isEqualTo(10);

    assertThat(attempt("alice", PASSWORD, ATTACKER)).isEqualTo("rate_limited");
    // The window opened with the first failure, ten seconds ago.
    clock.advance(WINDOW.minusSeconds(10).minus(MS));
    assertThat(attempt("alice", PASSWORD, ATTACKER)).isEqualTo("rate_limited");
    clock.advance(MS);
    assertThat(attempt("alice", PASSWORD, ATTACKER)).isEqualTo("signed in");
  }

  @Test
  void theOwnersRightPasswordFromAnotherAddressSignsInWhileTheSprayingAddressWaits() {
    accounts.create("carol", null, PASSWORD, false, Requests.by("root"));

    for (int i = 0; i < 200; i++) {
      attempt("carol", WRONG, ATTACKER);
    }
    assertThat(attempt("carol", PASSWORD, ATTACKER)).isEqualTo("rate_limited");

    assertThat(attempt("carol", PASSWORD, OWNER)).isEqualTo("signed in");
    // Signing in again later from elsewhere: the spray left nothing on the owner's address.
    clock.advance(Duration.ofSeconds(30));
    assertThat(attempt("carol", PASSWORD, OWNER)).isEqualTo("signed in");
    assertThat(attempt("carol", WRONG, OWNER)).isEqualTo("unauthorized");
    assertThat(attempt("carol", PASSWORD, OWNER)).isEqualTo("signed in");
    assertThat(attempts.count("carol", OWNER)).isZero();
  }

  @Test
  void anAddressTryingManyNamesWaitsForEveryNameButOthersDoNot() {
    accounts.create("alice", null, PASSWORD, false, Requests.by("root"));

    for (int i = 0; i < 50; i++) {
      assertThat(attempt("name" + i, WRONG, ATTACKER)).isEqualTo("unauthorized");
    }
    assertThat(attempts.countAddress(ATTACKER)).isEqualTo(50);

    // The 51st name from that address, even a real one with its right password: wait.
    assertThat(attempt("alice", PASSWORD, ATTACKER)).isEqualTo("rate_limited");
    assertThat(attempt("alice", PASSWORD, OWNER)).isEqualTo("signed in");
    clock.advance(WINDOW);
    assertThat(attempt("alice", PASSWORD, ATTACKER)).isEqualTo("signed in");
  }

  @Test
  void theGlobalBudgetCountsEveryAddressAndEndsWithItsWindow() {
    Accounts small =
        withPolicy(
            new SignInThrottlePolicy(
                new Limit(10, WINDOW), new Limit(50, WINDOW), new Limit(5, Duration.ofMinutes(1))));
    small.create("alice", null, PASSWORD, false, Requests.by("root"));

    for (int i = 0; i < 5; i++) {
      assertThat(attempt(small, "name" + i, WRONG, "203.0.113." + i)).isEqualTo("unauthorized");
    }
    assertThat(attempt(small, "alice", PASSWORD, OWNER)).isEqualTo("rate_limited");
    assertThat(attempts.countGlobal()).isEqualTo(5);
    // Refused by the global budget: what the address and the name had taken is given back.
    assertThat(attempts.countAddress(OWNER)).isZero();
    assertThat(attempts.count("alice", OWNER)).isZero();

    clock.advance(Duration.ofMinutes(1));
    assertThat(attempt(small, "alice", PASSWORD, OWNER)).isEqualTo("signed in");
  }

  @Test
  void aRefusedTryIsNotCheckedAndIsAuditedWithTheWindowTheAddressAndTheCounts() {
    User alice = accounts.create("alice", null, PASSWORD, false, Requests.by("root"));
    for (int i = 0; i < 10; i++) {
      attempt("alice", WRONG, ATTACKER);
    }
    int checked = hasher.comparedAgainst().size();

    LatchkeyException refused =
        assertRefused(
            () -> accounts.signIn("ALICE", PASSWORD, Requests.from("ALICE", ATTACKER)),
            ErrorCode.RATE_LIMITED);

    assertThat(hasher.comparedAgainst()).hasSize(checked);
    assertThat(refused).isInstanceOf(RetryLater.class);
    assertThat(((RetryLater) refused).retryAfter()).isEqualTo(WINDOW);
    assertThat(refused.getMessage()).doesNotContain(PASSWORD);
    AuditEvent last = audit.ofType(AuditEventType.SIGN_IN_FAILED).getLast();
    assertThat(last.reason()).isEqualTo("throttled");
    assertThat(last.success()).isFalse();
    assertThat(last.userId()).isEqualTo(alice.id());
    assertThat(last.ip()).isEqualTo(ATTACKER);
    assertThat(last.detail())
        .isEqualTo(
            "too many attempts for this name from this address: scope=name_address"
                + " address=203.0.113.7 attempts=10 limit=10 window=900s retry-after=900s");
    assertThat(last.toString()).doesNotContain(PASSWORD);
    assertThat(audit.ofType(AuditEventType.SIGN_IN_SUCCEEDED)).isEmpty();
    // A refused try takes nothing: it neither counts nor makes the wait longer.
    assertThat(attempts.count("alice", ATTACKER)).isEqualTo(10);
    assertThat(attempts.countAddress(ATTACKER)).isEqualTo(10);
  }

  @Test
  void aSprayingAddressIsDiagnosedInEnglishAndJapaneseWithTheAddressAndTheCounts() {
    for (int i = 0; i < 50; i++) {
      attempt("name" + i, WRONG, ATTACKER);
    }
    clock.advance(Duration.ofMinutes(5));
    io.latchkey.core.audit.RequestContext refused = Requests.from("carol", ATTACKER);
    assertRefused(() -> accounts.signIn("carol", PASSWORD, refused), ErrorCode.RATE_LIMITED);

    io.latchkey.core.diagnosis.Diagnosis diagnosis =
        new io.latchkey.core.diagnosis.Diagnostician(audit, users, clock)
            .diagnose(refused.correlationId());

    io.latchkey.core.diagnosis.Finding finding = diagnosis.findings().getFirst();
    assertThat(finding.code()).isEqualTo("sign_in_throttled");
    assertThat(finding.cause())
        .isEqualTo(
            "Too many attempts from this address: 203.0.113.7 had made 50 password attempts for"
                + " any name within 900s (limit 50), so the server refused this sign-in without"
                + " checking the password, until the window ends.");
    assertThat(finding.cause(java.util.Locale.JAPANESE))
        .startsWith("このアドレスからの試行が多すぎます: 203.0.113.7 から")
        .contains("900s 以内に 50 回", "上限 50");
    assertThat(finding.remedy()).contains("never a lock", "203.0.113.7");
    assertThat(finding.remedy(java.util.Locale.JAPANESE)).contains("ロックではありません");
    assertThat(finding.evidence()).hasSize(1);
    assertThat(finding.evidence().getFirst().ip()).isEqualTo(ATTACKER);
  }

  @Test
  void aFullWindowIsRefusedWithoutAskingTheStoreAgainUntilItEnds() {
    for (int i = 0; i < 50; i++) {
      attempt("name" + i, WRONG, ATTACKER);
    }
    assertThat(attempt("name50", WRONG, ATTACKER)).isEqualTo("rate_limited");
    int stored = attempts.size();

    for (int i = 0; i < 100; i++) {
      assertThat(attempt("other" + i, WRONG, ATTACKER)).isEqualTo("rate_limited");
    }

    // No name-and-address window was even opened for the hundred: the address was known full.
    assertThat(attempts.size()).isEqualTo(stored);
    LatchkeyException refused =
        assertRefused(
            () -> accounts.signIn("late", WRONG, Requests.from("late", ATTACKER)),
            ErrorCode.RATE_LIMITED);
    assertThat(((RetryLater) refused).retryAfter()).isEqualTo(WINDOW);
    clock.advance(WINDOW);
    assertThat(attempt("other0", WRONG, ATTACKER)).isEqualTo("unauthorized");
  }

  @Test
  void aSuccessForgetsTheNamesFailuresFromThatAddressAndGivesItsAttemptBack() {
    accounts.create("alice", null, PASSWORD, false, Requests.by("root"));
    for (int i = 0; i < 9; i++) {
      attempt("alice", WRONG, OWNER);
    }

    assertThat(attempt("alice", PASSWORD, OWNER)).isEqualTo("signed in");
    assertThat(attempts.count("alice", OWNER)).isZero();
    assertThat(attempts.countAddress(OWNER)).isEqualTo(9);
    assertThat(attempts.countGlobal()).isEqualTo(9);

    // Ten failures again before the wait.
    for (int i = 0; i < 10; i++) {
      assertThat(attempt("alice", WRONG, OWNER)).isEqualTo("unauthorized");
    }
    assertThat(attempt("alice", PASSWORD, OWNER)).isEqualTo("rate_limited");
  }

  @Test
  void successesFromOneAddressNeverFillItsWindow() {
    for (int i = 0; i < 60; i++) {
      accounts.create("user" + i, null, PASSWORD, false, Requests.by("root"));
      assertThat(attempt("user" + i, PASSWORD, OWNER)).isEqualTo("signed in");
    }
    assertThat(attempts.countAddress(OWNER)).isZero();
  }

  @Test
  void anUnknownNameIsThrottledExactlyLikeAKnownOne() {
    accounts.create("alice", null, PASSWORD, false, Requests.by("root"));

    List<String> known = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      known.add(answer("alice", WRONG));
      unknown.add(answer("mallory", WRONG));
    }
    known.add(answer("alice", PASSWORD));
    unknown.add(answer("mallory", PASSWORD));

    assertThat(unknown).isEqualTo(known);
    assertThat(known.subList(0, 10)).allMatch(a -> a.startsWith("unauthorized: "));
    assertThat(known.subList(10, 13)).allMatch(a -> a.startsWith("rate_limited: "));
    assertThat(attempts.count("mallory", ATTACKER))
        .isEqualTo(attempts.count("alice", ATTACKER))
        .isEqualTo(10);
    clock.advance(WINDOW);
    assertThat(attempt("mallory", PASSWORD, ATTACKER)).isEqualTo("unauthorized");
    assertThat(attempt("alice", PASSWORD, ATTACKER)).isEqualTo("signed in");
  }

  @Test
  void everyCheckCostsExactlyOneHashWhetherTheNameExistsOrNot() {
    accounts.create("alice", null, PASSWORD, false, Requests.by("root"));
    accounts.create("nopassword", null, null, false, Requests.by("root"));

    for (String name : List.of("alice", "mallory", "nopassword", "bad:name")) {
      int before = hasher.comparedAgainst().size();
      attempt(name, WRONG, OWNER);
      assertThat(hasher.comparedAgainst()).as(name).hasSize(before + 1);
    }
    int before = hasher.comparedAgainst().size();
    attempt("alice", PASSWORD, OWNER);
    assertThat(hasher.comparedAgainst()).hasSize(before + 1);
  }

  @Test
  void everyFormOfTheNameSharesOneCount() {
    accounts.create("alice", null, PASSWORD, false, Requests.by("root"));

    for (String typed : List.of("alice", "ALICE", " Alice ", "\uFF21\uFF4C\uFF49\uFF43\uFF45")) {
      attempt(typed, WRONG, ATTACKER);
    }
    for (int i = 0; i < 6; i++) {
      attempt(i % 2 == 0 ? "Alice" : "ALICE", WRONG, ATTACKER);
    }

    assertThat(attempts.count("alice", ATTACKER)).isEqualTo(10);
    assertThat(attempt("alice", PASSWORD, ATTACKER)).isEqualTo("rate_limited");
  }

  @Test
  void credentialsSentWithEveryRequestShareTheCountAndTheWait() {
    accounts.create("admin2", null, PASSWORD, true, Requests.by("root"));

    for (int i = 0; i < 10; i++) {
      assertRefused(
          () -> accounts.checkCredentials("admin2", WRONG, Requests.from("admin2", ATTACKER)),
          ErrorCode.UNAUTHORIZED);
    }

    assertRefused(
        () -> accounts.checkCredentials("admin2", PASSWORD, Requests.from("admin2", ATTACKER)),
        ErrorCode.RATE_LIMITED);
    assertThat(attempt("admin2", PASSWORD, ATTACKER)).isEqualTo("rate_limited");
    clock.advance(WINDOW);
    assertThat(
            accounts
                .checkCredentials("admin2", PASSWORD, Requests.from("admin2", ATTACKER))
                .admin())
        .isTrue();
    assertThat(attempts.count("admin2", ATTACKER)).isZero();
  }

  @Test
  void anImpossibleNameCountsOnlyForTheAddressAndTheServer() {
    for (int i = 0; i < 10; i++) {
      assertThat(attempt("bad:name", WRONG, ATTACKER)).isEqualTo("unauthorized");
    }
    assertThat(attempts.countAddress(ATTACKER)).isEqualTo(10);
    assertThat(attempts.size()).isEqualTo(2);
  }

  @Test
  void fiftyRacingWrongPasswordsFromOneAddressAreCheckedExactlyTenTimes() throws Exception {
    accounts.create("alice", null, PASSWORD, false, Requests.by("root"));

    List<String> answers = race(50, () -> attempt("alice", WRONG, ATTACKER));

    assertThat(answers.stream().filter("unauthorized"::equals)).hasSize(10);
    assertThat(answers.stream().filter("rate_limited"::equals)).hasSize(40);
    assertThat(hasher.comparedAgainst()).hasSize(10);
  }

  @Test
  void whenEveryHashingPermitIsTakenTheCheckIsRefusedAndItsAttemptGivenBack() throws Exception {
    CountDownLatch hashing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    PasswordHasher slow =
        new PasswordHasher() {
          @Override
          public String hash(CharSequence password) {
            return hasher.hash(password);
          }

          @Override
          public boolean matches(CharSequence password, String storedHash) {
            hashing.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return hasher.matches(password, storedHash);
          }
        };
    Accounts bounded =
        new Accounts(
            users,
            throttle,
            new BoundedPasswordHasher(slow, 1),
            audit,
            clock,
            Requests.seededRandom(7),
            PasswordRules.shipped(8));
    bounded.create("alice", null, PASSWORD, false, Requests.by("root"));
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<String> first = pool.submit(() -> attempt(bounded, "alice", WRONG, OWNER));
      hashing.await();

      LatchkeyException busy =
          assertRefused(
              () -> bounded.signIn("alice", PASSWORD, Requests.from("alice", ATTACKER)),
              ErrorCode.RATE_LIMITED);

      assertThat(busy).isInstanceOf(BoundedPasswordHasher.Busy.class);
      assertThat(((RetryLater) busy).retryAfterSeconds()).isEqualTo(1);
      assertThat(attempts.count("alice", ATTACKER)).isZero();
      assertThat(attempts.countAddress(ATTACKER)).isZero();
      AuditEvent last = audit.ofType(AuditEventType.SIGN_IN_FAILED).getLast();
      assertThat(last.reason()).isEqualTo("hashing_busy");
      assertThat(last.detail()).contains("permits=1");
      release.countDown();
      assertThat(first.get()).isEqualTo("unauthorized");
      assertThat(attempt(bounded, "alice", PASSWORD, ATTACKER)).isEqualTo("signed in");
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "203.0.113.7|203.0.113.7",
        "''|unknown",
        "2001:db8:1:2:3:4:5:6|2001:db8:1:2::/64",
        "2001:db8:1:2:ffff::9|2001:db8:1:2::/64",
        "0:0:0:0:0:0:0:1|0:0:0:0::/64",
        "::ffff:192.0.2.1|192.0.2.1",
        "not:an:address|not:an:address"
      })
  void anIpv6ClientCountsAsItsSlash64Network(String ip, String counted) {
    assertThat(SignInThrottle.addressOf(ip)).isEqualTo(counted);
  }

  private Accounts withPolicy(SignInThrottlePolicy policy) {
    return new Accounts(
        users,
        new SignInThrottle(attempts, policy, clock),
        hasher,
        audit,
        clock,
        Requests.seededRandom(7),
        PasswordRules.shipped(8));
  }

  private static <T> List<T> race(int threads, Callable<T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return task.call();
                }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get());
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  private String attempt(String name, String password, String ip) {
    return attempt(accounts, name, password, ip);
  }

  private static String attempt(Accounts accounts, String name, String password, String ip) {
    try {
      accounts.signIn(name, password, Requests.from(name, ip));
      return "signed in";
    } catch (LatchkeyException e) {
      return e.code().code();
    }
  }

  /** What the caller learns: the error code and the message. */
  private String answer(String name, String password) {
    try {
      accounts.signIn(name, password, Requests.from(name, ATTACKER));
      return "signed in";
    } catch (LatchkeyException e) {
      return e.code().code() + ": " + e.getMessage();
    }
  }
}
