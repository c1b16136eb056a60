package io.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.core.enrollment.Enrollment;
import io.latchkey.core.enrollment.EnrollmentState;
import io.latchkey.core.method.MethodKind;
import io.latchkey.core.otp.OtpParameters;
import io.latchkey.core.otp.Secret;
import io.latchkey.core.user.User;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;

class JdbcEnrollmentRepositoryTest extends StoreTest {
  private static final Duration STEP_DEADLINE = Duration.ofMinutes(10);

  private JdbcEnrollmentRepository enrollments;
  private User alice;

  @BeforeEach
  void repository() {
    enrollments = new JdbcEnrollmentRepository(jdbc, cipher);
    alice = insertUser("alice");
  }

  @Test
  void pendingEnrollmentReadsBackWithItsSecret() {
    Enrollment attempt = pending(alice, Secret.generate(RANDOM), T0, T0.plus(STEP_DEADLINE));

    assertThat(enrollments.insertPending(attempt)).isTrue();

    assertThat(enrollments.findById(attempt.id())).contains(attempt);
    assertThat(enrollments.findPending(alice.id(), MethodKind.TOTP)).contains(attempt);
    assertThat(enrollments.findLatest(alice.id(), MethodKind.TOTP)).contains(attempt);
    assertThat(enrollments.findById(UUID.randomUUID())).isEmpty();
  }

  @Test
  void onlyOnePendingEnrollmentPerUserAndKind() {
    Enrollment first = pending(alice, Secret.generate(RANDOM), T0, T0.plus(STEP_DEADLINE));
    Enrollment secondTab =
        pending(alice, Secret.generate(RANDOM), T0.plusSeconds(2), T0.plus(STEP_DEADLINE));
    User bob = insertUser("bob");

    assertThat(enrollments.insertPending(first)).isTrue();
    assertThat(enrollments.insertPending(secondTab)).isFalse();
    assertThat(enrollments.insertPending(pending(bob, Secret.generate(RANDOM), T0, T0)))
        .as("another user's registration is independent")
        .isTrue();

    assertThat(enrollments.findPending(alice.id(), MethodKind.TOTP)).contains(first);
    assertThat(enrollments.findById(secondTab.id())).isEmpty();
  }

  @Test
  void onlyOnePendingEnrollmentPerUserAndKindEvenWhenRacing() throws Exception {
    List<Boolean> results =
        race(
            20,
            () ->
                enrollments.insertPending(
                    pending(alice, Secret.generate(RANDOM), T0, T0.plus(STEP_DEADLINE))));

    assertThat(results).containsOnlyOnce(true);
    assertThat(jdbc.sql("SELECT COUNT(*) FROM enrollments").query(Long.class).single())
        .isEqualTo(1);
  }

  @Test
  void aFinishedEnrollmentFreesThePendingSlot() {
    Enrollment first = pending(alice, Secret.generate(RANDOM), T0, T0.plus(STEP_DEADLINE));
    enrollments.insertPending(first);

    enrollments.finish(first.id(), EnrollmentState.TIMED_OUT, T0.plus(STEP_DEADLINE));
    Enrollment retry =
        attempt(
            alice,
            first.flowId(),
            2,
            Secret.generate(RANDOM),
            T0.plus(STEP_DEADLINE),
            T0.plus(STEP_DEADLINE).plus(STEP_DEADLINE));

    assertThat(enrollments.insertPending(retry)).isTrue();
    assertThat(enrollments.findPending(alice.id(), MethodKind.TOTP)).contains(retry);
  }

  @Test
  void finishWipesThePendingSecret() {
    Enrollment attempt = pending(alice, Secret.generate(RANDOM), T0, T0.plus(STEP_DEADLINE));
    enrollments.insertPending(attempt);

    assertThat(enrollments.finish(attempt.id(), EnrollmentState.COMPLETED, T0.plusSeconds(40)))
        .isTrue();

    Map<String, Object> row =
        jdbc.sql(
                "SELECT state, secret_sealed, key_id, pending_key, finished_at FROM enrollments"
                    + " WHERE id = :id")
            .param("id", attempt.id())
            .query()
            .singleRow();
    assertThat(row.get("state")).isEqualTo("COMPLETED");
    assertThat(row.get("secret_sealed")).isNull();
    assertThat(row.get("key_id")).isNull();
    assertThat(row.get("pending_key")).isNull();
    assertThat(row.get("finished_at")).isNotNull();
    Enrollment finished = enrollments.findById(attempt.id()).orElseThrow();
    assertThat(finished.secret()).isNull();
    assertThat(finished.state()).isEqualTo(EnrollmentState.COMPLETED);
    assertThat(enrollments.findPending(alice.id(), MethodKind.TOTP)).isEmpty();
  }

  @Test
  void finishHappensOnceEvenWhenCompletionAndTimeOutRace() throws Exception {
    Enrollment attempt = pending(alice, Secret.generate(RANDOM), T0, T0.plus(STEP_DEADLINE));
    enrollments.insertPending(attempt);
    AtomicInteger turn = new AtomicInteger();

    List<Boolean> results =
        race(
            20,
            () ->
                enrollments.finish(
                    attempt.id(),
                    turn.getAndIncrement() % 2 == 0
                        ? EnrollmentState.COMPLETED
                        : EnrollmentState.TIMED_OUT,
                    T0.plus(STEP_DEADLINE)));

    assertThat(results).containsOnlyOnce(true);
    assertThat(enrollments.finish(attempt.id(), EnrollmentState.SUPERSEDED, T0)).isFalse();
  }

  @Test
  void finishRefusesStartedAsItsTarget() {
    Enrollment attempt = pending(alice, Secret.generate(RANDOM), T0, T0.plus(STEP_DEADLINE));
    enrollments.insertPending(attempt);

    assertThatThrownBy(() -> enrollments.finish(attempt.id(), EnrollmentState.STARTED, T0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theDatabaseRefusesAFinalRowThatStillHoldsASecret() {
    Enrollment attempt = pending(alice, Secret.generate(RANDOM), T0, T0.plus(STEP_DEADLINE));
    enrollments.insertPending(attempt);

    assertThatThrownBy(
            () ->
                jdbc.sql(
                        "UPDATE enrollments SET state = 'COMPLETED', pending_key = NULL,"
                            + " finished_at = created_at WHERE id = :id")
                    .param("id", attempt.id())
                    .update())
        .isInstanceOf(DataIntegrityViolationException.class);
  }

  @Test
  void findLatestReturnsTheNewestAttemptEvenWithinOneInstant() {
    Enrollment first = pending(alice, Secret.generate(RANDOM), T0, T0);
    enrollments.insertPending(first);
    enrollments.finish(first.id(), EnrollmentState.TIMED_OUT, T0);
    // Same instant, as under a fixed clock: insertion order decides.
    Enrollment second = attempt(alice, first.flowId(), 2, Secret.generate(RANDOM), T0, T0);
    enrollments.insertPending(second);

    assertThat(enrollments.findLatest(alice.id(), MethodKind.TOTP))
        .hasValueSatisfying(latest -> assertThat(latest.id()).isEqualTo(second.id()));
    assertThat(enrollments.findLatest(insertUser("bob").id(), MethodKind.TOTP)).isEmpty();
  }

  @Test
  void findOverdueListsPendingAttemptsPastTheirDeadlineOldestFirst() {
    User bob = insertUser("bob");
    User carol = insertUser("carol");
    User dave = insertUser("dave");
    Instant now = T0.plus(Duration.ofMinutes(30));
    Enrollment bobsOverdue = pending(bob, Secret.generate(RANDOM), T0, now.minusSeconds(60));
    Enrollment alicesOverdue = pending(alice, Secret.generate(RANDOM), T0, now.minusSeconds(600));
    Enrollment carolsExactlyDue = pending(carol, Secret.generate(RANDOM), T0, now);
    Enrollment davesFresh = pending(dave, Secret.generate(RANDOM), T0, now.plusSeconds(1));
    for (Enrollment each : List.of(bobsOverdue, alicesOverdue, carolsExactlyDue, davesFresh)) {
      enrollments.insertPending(each);
    }
    enrollments.finish(bobsOverdue.id(), EnrollmentState.COMPLETED, now);

    assertThat(enrollments.findOverdue(now, 10))
        .extracting(Enrollment::id)
        .containsExactly(alicesOverdue.id(), carolsExactlyDue.id());
    assertThat(enrollments.findOverdue(now, 1)).hasSize(1);
  }

  @Test
  void pendingSecretIsSealedToItsRow() {
    User bob = insertUser("bob");
    Enrollment alices = pending(alice, Secret.generate(RANDOM), T0, T0.plus(STEP_DEADLINE));
    Enrollment bobs = pending(bob, Secret.generate(RANDOM), T0, T0.plus(STEP_DEADLINE));
    enrollments.insertPending(alices);
    enrollments.insertPending(bobs);

    jdbc.sql(
            "UPDATE enrollments SET secret_sealed = (SELECT secret_sealed FROM enrollments"
                + " WHERE id = :from) WHERE id = :to")
        .param("from", alices.id())
        .param("to", bobs.id())
        .update();

    assertThatThrownBy(() -> enrollments.findById(bobs.id()))
        .isInstanceOf(IllegalStateException.class);
    assertThat(enrollments.findById(alices.id())).contains(alices);
  }

  @Test
  void insertPendingRefusesAFinalStateOrAMissingSecret() {
    Enrollment noSecret =
        new Enrollment(
            UUID.randomUUID(),
            UUID.randomUUID(),
            alice.id(),
            MethodKind.TOTP,
            EnrollmentState.STARTED,
            1,
            null,
            OtpParameters.TOTP_DEFAULT,
            T0,
            T0,
            null,
            "",
            "");

    assertThatThrownBy(() -> enrollments.insertPending(noSecret))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
