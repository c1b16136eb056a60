package io.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.user.SignInThrottleRepository.Bucket;
import io.latchkey.core.user.SignInThrottleRepository.Window;
import io.latchkey.core.user.Username;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdbcSignInThrottleRepositoryTest extends StoreTest {
  private static final Duration WINDOW = Duration.ofMinutes(15);
  private static final String ATTACKER = "203.0.113.7";
  private static final Bucket ALICE = Bucket.nameAndAddress(Username.of("alice"), ATTACKER);

  private JdbcSignInThrottleRepository attempts;

  @BeforeEach
  void repository() {
    attempts = new JdbcSignInThrottleRepository(jdbc);
  }

  @Test
  void aBucketWithoutAttemptsHasNoRow() {
    assertThat(attempts.find(ALICE)).isEmpty();
  }

  @Test
  void claimsCountUpToTheLimitInTheWindowThatOpenedWithTheFirst() {
    for (int i = 0; i < 3; i++) {
      assertThat(attempts.claim(ALICE, 3, T0.plusSeconds(i), WINDOW)).isTrue();
    }

    assertThat(attempts.claim(ALICE, 3, T0.plusSeconds(10), WINDOW)).isFalse();
    assertThat(attempts.find(ALICE)).contains(new Window(3, T0));
    // The window is over 15 minutes after it opened: a new one opens with this claim.
    assertThat(attempts.claim(ALICE, 3, T0.plus(WINDOW).minusMillis(1), WINDOW)).isFalse();
    assertThat(attempts.claim(ALICE, 3, T0.plus(WINDOW), WINDOW)).isTrue();
    assertThat(attempts.find(ALICE)).contains(new Window(1, T0.plus(WINDOW)));
  }

  @Test
  void aRefundGivesOneAttemptBackButNeverGoesBelowZero() {
    attempts.claim(ALICE, 2, T0, WINDOW);
    attempts.claim(ALICE, 2, T0, WINDOW);
    assertThat(attempts.claim(ALICE, 2, T0, WINDOW)).isFalse();

    attempts.refund(ALICE);
    assertThat(attempts.claim(ALICE, 2, T0, WINDOW)).isTrue();
    for (int i = 0; i < 5; i++) {
      attempts.refund(ALICE);
    }
    assertThat(attempts.find(ALICE)).contains(new Window(0, T0));
    attempts.refund(Bucket.address("198.51.100.1"));
    assertThat(attempts.find(Bucket.address("198.51.100.1"))).isEmpty();
  }

  @Test
  void scopesNamesAndAddressesAreCountedApart() {
    insertUser("alice");

    attempts.claim(ALICE, 10, T0, WINDOW);
    attempts.claim(Bucket.nameAndAddress(Username.of("nobody"), ATTACKER), 10, T0, WINDOW);
    attempts.claim(Bucket.nameAndAddress(Username.of("NOBODY"), ATTACKER), 10, T0, WINDOW);
    attempts.claim(Bucket.nameAndAddress(Username.of("alice"), "198.51.100.1"), 10, T0, WINDOW);
    attempts.claim(Bucket.address(ATTACKER), 10, T0, WINDOW);
    attempts.claim(Bucket.GLOBAL, 10, T0, WINDOW);

    assertThat(attempts.find(ALICE)).contains(new Window(1, T0));
    assertThat(attempts.find(Bucket.nameAndAddress(Username.of("nobody"), ATTACKER)))
        .contains(new Window(2, T0));
    assertThat(attempts.find(Bucket.address(ATTACKER))).contains(new Window(1, T0));
    assertThat(attempts.find(Bucket.GLOBAL)).contains(new Window(1, T0));
    assertThat(attempts.find(Bucket.address("198.51.100.1"))).isEmpty();
  }

  @Test
  void forgetDeletesTheBucketAndTheNextClaimOpensANewWindow() {
    attempts.claim(ALICE, 2, T0, WINDOW);
    attempts.claim(ALICE, 2, T0, WINDOW);

    attempts.forget(ALICE);
    assertThat(attempts.find(ALICE)).isEmpty();
    attempts.forget(ALICE);

    assertThat(attempts.claim(ALICE, 2, T0.plusSeconds(1), WINDOW)).isTrue();
    assertThat(attempts.find(ALICE)).contains(new Window(1, T0.plusSeconds(1)));
  }

  @Test
  void purgeDeletesOnlyWindowsOpenedBeforeTheMoment() {
    attempts.claim(ALICE, 2, T0, WINDOW);
    attempts.claim(Bucket.address(ATTACKER), 2, T0.plusSeconds(60), WINDOW);

    assertThat(attempts.purgeOpenedBefore(T0.plusSeconds(60))).isEqualTo(1);

    assertThat(attempts.find(ALICE)).isEmpty();
    assertThat(attempts.find(Bucket.address(ATTACKER))).isPresent();
  }

  @Test
  void fiftyRacingClaimsOnANewBucketAdmitExactlyTheLimit() throws Exception {
    List<Boolean> admitted = race(50, () -> attempts.claim(ALICE, 7, T0, WINDOW));

    assertThat(admitted).hasSize(50);
    assertThat(admitted.stream().filter(a -> a)).hasSize(7);
    assertThat(attempts.find(ALICE)).contains(new Window(7, T0));
    assertThat(jdbc.sql("SELECT COUNT(*) FROM sign_in_attempts").query(Long.class).single())
        .isEqualTo(1);
  }

  @Test
  void fiftyRacingClaimsOnAFinishedWindowOpenOneNewWindowAndAdmitExactlyTheLimit()
      throws Exception {
    for (int i = 0; i < 7; i++) {
      attempts.claim(Bucket.GLOBAL, 7, T0, WINDOW);
    }
    List<Boolean> admitted =
        race(50, () -> attempts.claim(Bucket.GLOBAL, 7, T0.plus(WINDOW), WINDOW));

    assertThat(admitted.stream().filter(a -> a)).hasSize(7);
    assertThat(attempts.find(Bucket.GLOBAL)).contains(new Window(7, T0.plus(WINDOW)));
  }

  @Test
  void theLongestCanonicalNameAndAddressFit() {
    Bucket longest =
        Bucket.nameAndAddress(Username.of("\u5c71".repeat(Username.MAX_LENGTH)), "f".repeat(100));

    attempts.claim(longest, 1, T0, WINDOW);

    assertThat(attempts.find(longest)).contains(new Window(1, T0));
  }
}
