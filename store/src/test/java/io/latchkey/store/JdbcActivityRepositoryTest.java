package io.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.enrollment.EnrollmentState;
import io.latchkey.core.otp.Secret;
import io.latchkey.core.policy.Activity;
import io.latchkey.core.push.Challenge;
import io.latchkey.core.push.ChallengeState;
import io.latchkey.core.push.PushDevice;
import io.latchkey.core.push.PushEnrollment;
import io.latchkey.core.user.User;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdbcActivityRepositoryTest extends StoreTest {
  private JdbcActivityRepository activity;
  private User alice;

  @BeforeEach
  void repository() {
    activity = new JdbcActivityRepository(jdbc);
    alice = insertUser("alice");
  }

  @Test
  void registrationAttemptsOfBothKindsSinceATimeAreCountedOldestFirst() {
    JdbcEnrollmentRepository totp = new JdbcEnrollmentRepository(jdbc, cipher);
    JdbcPushEnrollmentRepository push = new JdbcPushEnrollmentRepository(jdbc);
    var old = pending(alice, Secret.generate(RANDOM), T0, T0.plusSeconds(300));
    totp.insertPending(old);
    totp.finish(old.id(), EnrollmentState.TIMED_OUT, T0.plusSeconds(300));
    var recent = pending(alice, Secret.generate(RANDOM), T0.plusSeconds(600), T0.plusSeconds(900));
    totp.insertPending(recent);
    PushEnrollment pushAttempt =
        JdbcPushEnrollmentRepositoryTest.awaiting(
            alice,
            UUID.randomUUID(),
            2,
            JdbcPushEnrollmentRepositoryTest.codeHash(),
            T0.plusSeconds(700),
            T0.plusSeconds(1000));
    push.insertPending(pushAttempt);
    insertUser("bob");

    List<Activity> since = activity.registrationAttemptsSince(alice.id(), T0.plusSeconds(1));

    assertThat(since)
        .extracting(Activity::what)
        .containsExactly("totp registration attempt 1", "push registration attempt 2");
    assertThat(since.get(0).correlationId()).isEqualTo(recent.correlationId());
    assertThat(since.get(1).at()).isEqualTo(T0.plusSeconds(700));
    assertThat(activity.registrationAttemptsSince(alice.id(), T0)).hasSize(3);
  }

  @Test
  void deniedAndReportedPushRequestsCountButApprovalsAndWrongNumbersDoNot() {
    PushDevice phone = insertActiveDevice(alice, T0);
    JdbcChallengeRepository challenges = new JdbcChallengeRepository(jdbc, transactions);
    ChallengeState[] states = {
      ChallengeState.DENIED,
      ChallengeState.APPROVED,
      ChallengeState.REPORTED,
      ChallengeState.NUMBER_MISMATCH,
      ChallengeState.DENIED
    };
    List<Challenge> made = new java.util.ArrayList<>();
    for (int i = 0; i < states.length; i++) {
      Challenge challenge = JdbcChallengeRepositoryTest.signIn(alice, T0.plusSeconds(i * 60L));
      challenges.insert(challenge);
      challenges.answer(challenge.id(), states[i], phone.id(), T0.plusSeconds(i * 60L + 5));
      made.add(challenge);
    }

    List<Activity> refusals =
        activity.pushRefusalsSince(alice.id(), T0.plus(Duration.ofSeconds(30)));

    assertThat(refusals)
        .extracting(Activity::what)
        .containsExactly(
            "push request " + made.get(2).id() + " reported",
            "push request " + made.get(4).id() + " denied");
    assertThat(refusals.getLast().correlationId()).isEqualTo(made.get(4).correlationId());
    assertThat(activity.pushRefusalsSince(alice.id(), T0)).hasSize(3);
  }
}
