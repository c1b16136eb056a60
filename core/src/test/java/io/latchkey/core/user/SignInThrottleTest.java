package io.latchkey.core.user;

import static io.latchkey.core.testing.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.testing.CoreFixture;
import io.latchkey.core.testing.FakePasswordHasher;
import io.latchkey.core.testing.InMemoryAuditLog;
import io.latchkey.core.testing.InMemorySignInThrottleRepository;
import io.latchkey.core.testing.InMemoryUserRepository;
import io.latchkey.core.testing.MutableClock;
import io.latchkey.core.testing.Requests;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Password-stage throttling through {@link Accounts} (SECURITY-TESTS A5 and B5). */
class SignInThrottleTest {
  private static final String PASSWORD = "correct horse battery staple";
  private static final String WRONG = "wrong password";
  private static final Duration MS = Duration.ofMillis(1);

  private final MutableClock clock = new MutableClock(CoreFixture.START);
  private final InMemoryUserRepository users = new InMemoryUserRepository();
  private final FakePasswordHasher hasher = new FakePasswordHasher();
  private final InMemoryAuditLog audit = new InMemoryAuditLog();
  private final InMemorySignInThrottleRepository failures = new InMemorySignInThrottleRepository();
  private final SignInThrottle throttle =
      new SignInThrottle(failures, SignInThrottlePolicy.DEFAULT, clock);
  private final Accounts accounts =
      new Accounts(
          users,
          throttle,
          hasher,
          audit,
          clock,
          Requests.seededRandom(7),
          io.latchkey.core.user.PasswordRules.shipped(8));

  @ParameterizedTest
  @CsvSource({"0, 0", "5, 0", "6, 1", "7, 2", "8, 4", "15, 512", "16, 900", "17, 900", "1000, 900"})
  void theDefaultPolicyWaitsOneSecondAfterTheSixthFailureAndDoublesUpToFifteenMinutes(
      int failures, long seconds) {
    assertThat(SignInThrottlePolicy.DEFAULT.delayAfter(failures))
        .isEqualTo(Duration.ofSeconds(seconds));
  }

  @Test
  void anAbsurdFailureCountStillWaitsOnlyTheCap() {
    assertThat(SignInThrottlePolicy.DEFAULT.delayAfter(Integer.MAX_VALUE))
        .isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void aPolicyRefusesSettingsThatMakeNoSense() {
    Duration second = Duration.ofSeconds(1);
    assertThatThrownBy(() -> new SignInThrottlePolicy(-1, second, second))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SignInThrottlePolicy(5, Duration.ZERO, second))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SignInThrottlePolicy(5, second, Duration.ofMillis(999)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fiveFailuresAreFreeAndTheSixthMakesTheNameWaitOneSecond() {
    accounts.create("alice", null, PASSWORD, false, Requests.by("root"));

    for (int i = 0; i < 6; i++) {
      assertThat(attempt("alice", WRONG)).isEqualTo("unauthorized");
    }
    assertThat(failures.count("alice")).isEqualTo(6);

    assertThat(attempt("alice", PASSWORD)).isEqualTo("rate_limited");
    clock.advance(Duration.ofSeconds(1).minus(MS));
    assertThat(attempt("alice", PASSWORD)).isEqualTo("rate_limited");
    clock.advance(MS);
    assertThat(attempt("alice", PASSWORD)).isEqualTo("signed in");
  }

  @Test
  void theRightPasswordDuringTheDelayIsRefusedWithoutCheckingItAndAuditedAsThrottled() {
    User alice = accounts.create("alice", null, PASSWORD, false, Requests.by("root"));
    failSixTimes("alice");
    int checked = hasher.comparedAgainst().size();

    LatchkeyException refused =
        assertRefused(
            () -> accounts.signIn("ALICE", PASSWORD, Requests.by("ALICE")), ErrorCode.RATE_LIMITED);

    assertThat(hasher.comparedAgainst()).hasSize(checked);
    assertThat(refused.getMessage()).doesNotContain(PASSWORD);
    AuditEvent last = audit.ofType(AuditEventType.SIGN_IN_FAILED).getLast();
    assertThat(last.reason()).isEqualTo("throttled");
    assertThat(last.success()).isFalse();
    assertThat(last.userId()).isEqualTo(alice.id());
    assertThat(last.toString()).doesNotContain(PASSWORD);
    assertThat(audit.ofType(AuditEventType.SIGN_IN_SUCCEEDED)).isEmpty();
    // A refused try is not a failure: it neither counts nor makes the wait longer.
    assertThat(failures.count("alice")).isEqualTo(6);
  }

  @Test
  void theDelayDoublesWithEachFailureAndStopsAtFifteenMinutes() {
    accounts.create("alice", null, PASSWORD, false, Requests.by("root"));
    failSixTimes("alice");

    List<Duration> waits = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Duration wait = measureWait("alice");
      waits.add(wait);
      clock.advance(wait);
      assertThat(attempt("alice", WRONG)).isEqualTo("unauthorized");
    }

    assertThat(waits)
        .containsExactly(
            seconds(1),
            seconds(2),
            seconds(4),
            seconds(8),
            seconds(16),
            seconds(32),
            seconds(64),
            seconds(128),
            seconds(256),
            seconds(512),
            seconds(900),
            seconds(900));
    // After the longest wait, the right password works: a delay, never a lock.
    clock.advance(measureWait("alice"));
    assertThat(attempt("alice", PASSWORD)).isEqualTo("signed in");
  }

  @Test
  void aSuccessForgetsTheFailures() {
    accounts.create("alice", null, PASSWORD, false, Requests.by("root"));
    failSixTimes("alice");
    clock.advance(Duration.ofSeconds(1));

    assertThat(attempt("alice", PASSWORD)).isEqualTo("signed in");
    assertThat(failures.count("alice")).isZero();

    // Five free failures again, then the one-second wait again.
    failSixTimes("alice");
    assertThat(measureWait("alice")).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void anUnknownNameIsThrottledExactlyLikeAKnownOne() {
    accounts.create("alice", null, PASSWORD, false, Requests.by("root"));

    List<String> known = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      known.add(answer("alice", WRONG));
      unknown.add(answer("mallory", WRONG));
    }
    known.add(answer("alice", PASSWORD));
    unknown.add(answer("mallory", PASSWORD));

    assertThat(unknown).isEqualTo(known);
    assertThat(known.subList(0, 6)).allMatch(a -> a.startsWith("unauthorized: "));
    assertThat(known.subList(6, 9)).allMatch(a -> a.startsWith("rate_limited: "));
    assertThat(failures.count("mallory")).isEqualTo(failures.count("alice")).isEqualTo(6);
    assertThat(measureWait("mallory")).isEqualTo(measureWait("alice")).isEqualTo(seconds(1));
    clock.advance(seconds(1));
    assertThat(attempt("mallory", PASSWORD)).isEqualTo("unauthorized");
    assertThat(attempt("alice", PASSWORD)).isEqualTo("signed in");
  }

  @Test
  void everyFormOfTheNameSharesOneCount() {
    accounts.create("alice", null, PASSWORD, false, Requests.by("root"));

    for (String typed : List.of("alice", "ALICE", " Alice ", "\uFF21\uFF4C\uFF49\uFF43\uFF45")) {
      attempt(typed, WRONG);
    }
    attempt("Alice", WRONG);
    attempt("ALICE", WRONG);

    assertThat(failures.count("alice")).isEqualTo(6);
    assertThat(attempt("alice", PASSWORD)).isEqualTo("rate_limited");
  }

  @Test
  void credentialsSentWithEveryRequestShareTheCountAndTheWait() {
    accounts.create("admin2", null, PASSWORD, true, Requests.by("root"));

    for (int i = 0; i < 6; i++) {
      assertRefused(
          () -> accounts.checkCredentials("admin2", WRONG, Requests.by("admin2")),
          ErrorCode.UNAUTHORIZED);
    }

    assertRefused(
        () -> accounts.checkCredentials("admin2", PASSWORD, Requests.by("admin2")),
        ErrorCode.RATE_LIMITED);
    assertThat(attempt("admin2", PASSWORD)).isEqualTo("rate_limited");
    clock.advance(Duration.ofSeconds(1));
    assertThat(accounts.checkCredentials("admin2", PASSWORD, Requests.by("admin2")).admin())
        .isTrue();
    assertThat(failures.count("admin2")).isZero();
  }

  @Test
  void anImpossibleNameIsNeverStoredAndNeverWaits() {
    for (int i = 0; i < 10; i++) {
      assertThat(attempt("bad:name", WRONG)).isEqualTo("unauthorized");
    }
    assertThat(failures.find(Username.of("bad"))).isEmpty();
  }

  private void failSixTimes(String name) {
    for (int i = 0; i < 6; i++) {
      assertThat(attempt(name, WRONG)).isEqualTo("unauthorized");
    }
  }

  /**
   * How long the name must wait from now, to the millisecond: the first moment {@link
   * SignInThrottle#isDelayed} (which changes nothing) says no. Zero when it need not wait.
   */
  private Duration measureWait(String name) {
    Username username = Username.of(name);
    Instant now = clock.instant();
    try {
      Duration wait = Duration.ZERO;
      if (!delayedAt(username, now)) {
        return wait;
      }
      // Whole seconds while it is still delayed a second later, then the last second by
      // millisecond.
      while (delayedAt(username, now.plus(wait).plusSeconds(1))) {
        wait = wait.plusSeconds(1);
      }
      while (delayedAt(username, now.plus(wait))) {
        wait = wait.plus(MS);
      }
      return wait;
    } finally {
      clock.set(now);
    }
  }

  private boolean delayedAt(Username username, Instant at) {
    clock.set(at);
    return throttle.isDelayed(username);
  }

  private String attempt(String name, String password) {
    try {
      accounts.signIn(name, password, Requests.by(name));
      return "signed in";
    } catch (LatchkeyException e) {
      return e.code().code();
    }
  }

  /** What the caller learns: the error code and the message. */
  private String answer(String name, String password) {
    try {
      accounts.signIn(name, password, Requests.by(name));
      return "signed in";
    } catch (LatchkeyException e) {
      return e.code().code() + ": " + e.getMessage();
    }
  }

  private static Duration seconds(long value) {
    return Duration.ofSeconds(value);
  }
}
