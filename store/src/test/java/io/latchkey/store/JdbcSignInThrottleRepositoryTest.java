package io.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.user.SignInThrottleRepository.Failures;
import io.latchkey.core.user.Username;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdbcSignInThrottleRepositoryTest extends StoreTest {
  private static final Username ALICE = Username.of("alice");

  private JdbcSignInThrottleRepository failures;

  @BeforeEach
  void repository() {
    failures = new JdbcSignInThrottleRepository(jdbc);
  }

  @Test
  void aNameWithoutFailuresHasNoRow() {
    assertThat(failures.find(ALICE)).isEmpty();
  }

  @Test
  void failuresCountUpAndKeepTheLatestMoment() {
    failures.recordFailure(ALICE, T0);
    assertThat(failures.find(ALICE)).contains(new Failures(1, T0));

    failures.recordFailure(ALICE, T0.plusSeconds(5));
    failures.recordFailure(ALICE, T0.plusSeconds(7));

    assertThat(failures.find(ALICE)).contains(new Failures(3, T0.plusSeconds(7)));
  }

  @Test
  void aFailureStampedEarlierByAnotherNodeDoesNotMoveTheLatestMomentBack() {
    failures.recordFailure(ALICE, T0.plusSeconds(10));

    failures.recordFailure(ALICE, T0);

    assertThat(failures.find(ALICE)).contains(new Failures(2, T0.plusSeconds(10)));
  }

  @Test
  void namesAreCountedApartWhetherOrNotTheUserExists() {
    insertUser("alice");

    failures.recordFailure(ALICE, T0);
    failures.recordFailure(Username.of("nobody"), T0);
    failures.recordFailure(Username.of("nobody"), T0);

    assertThat(failures.find(ALICE)).contains(new Failures(1, T0));
    assertThat(failures.find(Username.of("NOBODY"))).contains(new Failures(2, T0));
  }

  @Test
  void resetForgetsTheFailuresAndTheNextOneStartsAgainAtOne() {
    failures.recordFailure(ALICE, T0);
    failures.recordFailure(ALICE, T0);

    failures.reset(ALICE);
    assertThat(failures.find(ALICE)).isEmpty();
    failures.reset(ALICE);

    failures.recordFailure(ALICE, T0.plusSeconds(1));
    assertThat(failures.find(ALICE)).contains(new Failures(1, T0.plusSeconds(1)));
  }

  @Test
  void racingFailuresOfOneNewNameAreAllCounted() throws Exception {
    List<Boolean> done =
        race(
            50,
            () -> {
              failures.recordFailure(ALICE, T0);
              return true;
            });

    assertThat(done).hasSize(50);
    assertThat(failures.find(ALICE)).contains(new Failures(50, T0));
    assertThat(jdbc.sql("SELECT COUNT(*) FROM sign_in_throttle").query(Long.class).single())
        .isEqualTo(1);
  }

  @Test
  void theLongestCanonicalNameFits() {
    Username longest = Username.of("\u5c71".repeat(Username.MAX_LENGTH));

    failures.recordFailure(longest, T0);

    assertThat(failures.find(longest)).contains(new Failures(1, T0));
  }
}
