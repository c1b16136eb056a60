package io.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.push.PushEnrollment;
import io.latchkey.core.push.PushEnrollmentState;
import io.latchkey.core.user.User;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;

class JdbcPushEnrollmentRepositoryTest extends StoreTest {
  private static final Duration STEP = Duration.ofMinutes(10);

  private JdbcPushEnrollmentRepository enrollments;
  private User alice;

  @BeforeEach
  void repository() {
    enrollments = new JdbcPushEnrollmentRepository(jdbc);
    alice = insertUser("alice");
  }

  @Test
  void aNewAttemptReadsBackWithEveryField() {
    byte[] codeHash = codeHash();
    PushEnrollment attempt = awaiting(alice, UUID.randomUUID(), 1, codeHash, T0, T0.plus(STEP));

    assertThat(enrollments.insertPending(attempt)).isTrue();

    assertThat(enrollments.findById(attempt.id()))
        .hasValueSatisfying(
            found -> assertThat(found).usingRecursiveComparison().isEqualTo(attempt));
    assertThat(enrollments.findLatest(alice.id()))
        .hasValueSatisfying(
            found -> assertThat(found).usingRecursiveComparison().isEqualTo(attempt));
    assertThat(enrollments.findAwaitingActivation(codeHash.clone()))
        .hasValueSatisfying(found -> assertThat(found.id()).isEqualTo(attempt.id()));
    assertThat(enrollments.findById(UUID.randomUUID())).isEmpty();
    assertThat(enrollments.findAwaitingActivation(codeHash())).isEmpty();
    assertThat(enrollments.findLatest(insertUser("bob").id())).isEmpty();
  }

  @Test
  void aFinishedAttemptReadsBackWithEveryField() {
    PushEnrollment attempt = awaiting(alice, UUID.randomUUID(), 2, codeHash(), T0, T0.plus(STEP));
    enrollments.insertPending(attempt);
    UUID deviceId = UUID.randomUUID();
    UUID challengeId = UUID.randomUUID();
    CorrelationId failedIn = CorrelationId.random(RANDOM);
    enrollments.activated(attempt.id(), deviceId, "203.0.113.9", challengeId, T0.plusSeconds(120));

    assertThat(
            enrollments.finish(
                attempt.id(),
                PushEnrollmentState.REFUSED,
                T0.plusSeconds(30),
                "device_not_compliant",
                "posture.storage_encrypted.refused,network.mismatch.refused",
                failedIn))
        .isTrue();

    PushEnrollment expected =
        new PushEnrollment(
            attempt.id(),
            attempt.flowId(),
            alice.id(),
            PushEnrollmentState.REFUSED,
            2,
            null,
            T0,
            T0.plusSeconds(120),
            attempt.correlationId(),
            attempt.browserIp(),
            attempt.userAgent(),
            deviceId,
            "203.0.113.9",
            challengeId,
            "device_not_compliant",
            "posture.storage_encrypted.refused,network.mismatch.refused",
            failedIn,
            T0.plusSeconds(30));
    assertThat(enrollments.findById(attempt.id()))
        .hasValueSatisfying(
            found -> assertThat(found).usingRecursiveComparison().isEqualTo(expected));
    assertThat(enrollments.findByTestChallenge(challengeId))
        .hasValueSatisfying(found -> assertThat(found.id()).isEqualTo(attempt.id()));
    assertThat(enrollments.findByTestChallenge(UUID.randomUUID())).isEmpty();
  }

  @Test
  void onlyOnePendingPushRegistrationPerUser() {
    PushEnrollment first = awaiting(alice, UUID.randomUUID(), 1, codeHash(), T0, T0.plus(STEP));
    PushEnrollment secondTab =
        awaiting(alice, UUID.randomUUID(), 1, codeHash(), T0.plusSeconds(2), T0.plus(STEP));
    User bob = insertUser("bob");

    assertThat(enrollments.insertPending(first)).isTrue();
    assertThat(enrollments.insertPending(secondTab)).isFalse();
    assertThat(
            enrollments.insertPending(
                awaiting(bob, UUID.randomUUID(), 1, codeHash(), T0, T0.plus(STEP))))
        .as("another user's registration is independent")
        .isTrue();

    assertThat(enrollments.findById(secondTab.id())).isEmpty();
    assertThat(enrollments.findAwaitingActivation(secondTab.codeHash())).isEmpty();
  }

  @Test
  void onlyOnePendingPushRegistrationPerUserEvenWhenRacing() throws Exception {
    List<Boolean> results =
        race(
            20,
            () ->
                enrollments.insertPending(
                    awaiting(alice, UUID.randomUUID(), 1, codeHash(), T0, T0.plus(STEP))));

    assertThat(results).containsOnlyOnce(true);
    assertThat(jdbc.sql("SELECT COUNT(*) FROM push_enrollments").query(Long.class).single())
        .isEqualTo(1);
  }

  @Test
  void anAttemptAwaitingApprovalAlsoHoldsTheSlot() {
    PushEnrollment first = awaiting(alice, UUID.randomUUID(), 1, codeHash(), T0, T0.plus(STEP));
    enrollments.insertPending(first);
    enrollments.activated(first.id(), UUID.randomUUID(), "", UUID.randomUUID(), T0.plus(STEP));

    assertThat(
            enrollments.insertPending(
                awaiting(alice, UUID.randomUUID(), 1, codeHash(), T0, T0.plus(STEP))))
        .isFalse();
  }

  @Test
  void aReusedCodeHashIsAnErrorNotAnOccupiedSlot() {
    byte[] codeHash = codeHash();
    enrollments.insertPending(awaiting(alice, UUID.randomUUID(), 1, codeHash, T0, T0.plus(STEP)));
    User bob = insertUser("bob");

    assertThatThrownBy(
            () ->
                enrollments.insertPending(
                    awaiting(bob, UUID.randomUUID(), 1, codeHash, T0, T0.plus(STEP))))
        .isInstanceOf(DuplicateKeyException.class);
  }

  @Test
  void activationErasesTheCodeHashRecordsTheDeviceAndHappensOnce() throws Exception {
    byte[] codeHash = codeHash();
    PushEnrollment attempt = awaiting(alice, UUID.randomUUID(), 1, codeHash, T0, T0.plus(STEP));
    enrollments.insertPending(attempt);
    Instant approvalDeadline = T0.plus(STEP).plusSeconds(60);

    List<Boolean> results =
        race(
            20,
            () ->
                enrollments.activated(
                    attempt.id(),
                    UUID.randomUUID(),
                    "203.0.113.9",
                    UUID.randomUUID(),
                    approvalDeadline));

    assertThat(results).containsOnlyOnce(true);
    PushEnrollment activated = enrollments.findById(attempt.id()).orElseThrow();
    assertThat(activated.state()).isEqualTo(PushEnrollmentState.AWAITING_APPROVAL);
    assertThat(activated.codeHash()).isNull();
    assertThat(activated.deviceId()).isNotNull();
    assertThat(activated.testChallengeId()).isNotNull();
    assertThat(activated.deviceIp()).isEqualTo("203.0.113.9");
    assertThat(activated.deadline()).isEqualTo(approvalDeadline);
    assertThat(activated.finishedAt()).isNull();
    assertThat(enrollments.findAwaitingActivation(codeHash))
        .as("a used code is never found again")
        .isEmpty();
    assertThat(enrollments.findByTestChallenge(activated.testChallengeId()))
        .hasValueSatisfying(found -> assertThat(found.id()).isEqualTo(attempt.id()));
  }

  @Test
  void activatedNeedsItsDeviceAndTestChallenge() {
    PushEnrollment attempt = awaiting(alice, UUID.randomUUID(), 1, codeHash(), T0, T0.plus(STEP));
    enrollments.insertPending(attempt);

    assertThatThrownBy(() -> enrollments.activated(attempt.id(), null, "", UUID.randomUUID(), T0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> enrollments.activated(attempt.id(), UUID.randomUUID(), "", null, T0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void finishErasesTheCodeHashAndFreesTheSlot() {
    byte[] codeHash = codeHash();
    PushEnrollment attempt = awaiting(alice, UUID.randomUUID(), 1, codeHash, T0, T0.plus(STEP));
    enrollments.insertPending(attempt);

    assertThat(
            enrollments.finish(
                attempt.id(), PushEnrollmentState.TIMED_OUT, T0.plus(STEP), null, null, null))
        .isTrue();

    Map<String, Object> row =
        jdbc.sql(
                "SELECT state, code_hash, pending_key, finished_at, failure_code,"
                    + " failure_reasons, failure_correlation_id FROM push_enrollments WHERE id = :id")
            .param("id", attempt.id())
            .query()
            .singleRow();
    assertThat(row.get("state")).isEqualTo("TIMED_OUT");
    assertThat(row.get("code_hash")).isNull();
    assertThat(row.get("pending_key")).isNull();
    assertThat(row.get("finished_at")).isNotNull();
    assertThat(row.get("failure_code")).isNull();
    assertThat(row.get("failure_reasons")).isNull();
    assertThat(row.get("failure_correlation_id")).isNull();
    assertThat(enrollments.findAwaitingActivation(codeHash)).isEmpty();
    assertThat(enrollments.activated(attempt.id(), UUID.randomUUID(), "", UUID.randomUUID(), T0))
        .as("a dead code never activates")
        .isFalse();

    PushEnrollment retry =
        awaiting(alice, attempt.flowId(), 2, codeHash(), T0.plus(STEP), T0.plus(STEP).plus(STEP));
    assertThat(enrollments.insertPending(retry)).isTrue();
    assertThat(enrollments.findLatest(alice.id()))
        .hasValueSatisfying(latest -> assertThat(latest.id()).isEqualTo(retry.id()));
  }

  @Test
  void finishHappensOnceEvenWhenCompletionAndTimeOutRace() throws Exception {
    PushEnrollment attempt = awaiting(alice, UUID.randomUUID(), 1, codeHash(), T0, T0.plus(STEP));
    enrollments.insertPending(attempt);
    enrollments.activated(attempt.id(), UUID.randomUUID(), "", UUID.randomUUID(), T0.plus(STEP));
    AtomicInteger turn = new AtomicInteger();

    List<Boolean> results =
        race(
            20,
            () ->
                enrollments.finish(
                    attempt.id(),
                    turn.getAndIncrement() % 2 == 0
                        ? PushEnrollmentState.COMPLETED
                        : PushEnrollmentState.TIMED_OUT,
                    T0.plus(STEP),
                    null,
                    null,
                    null));

    assertThat(results).containsOnlyOnce(true);
    assertThat(
            enrollments.finish(attempt.id(), PushEnrollmentState.SUPERSEDED, T0, null, null, null))
        .isFalse();
  }

  @Test
  void finishRefusesAPendingTarget() {
    PushEnrollment attempt = awaiting(alice, UUID.randomUUID(), 1, codeHash(), T0, T0.plus(STEP));
    enrollments.insertPending(attempt);

    assertThatThrownBy(
            () ->
                enrollments.finish(
                    attempt.id(), PushEnrollmentState.AWAITING_APPROVAL, T0, null, null, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void insertPendingRefusesAFinalStateOrAMisplacedCodeHash() {
    PushEnrollment noCode = awaiting(alice, UUID.randomUUID(), 1, null, T0, T0.plus(STEP));
    PushEnrollment completed =
        withState(
            awaiting(alice, UUID.randomUUID(), 1, null, T0, T0.plus(STEP)),
            PushEnrollmentState.COMPLETED);
    PushEnrollment approvalWithCode =
        withState(
            awaiting(alice, UUID.randomUUID(), 1, codeHash(), T0, T0.plus(STEP)),
            PushEnrollmentState.AWAITING_APPROVAL);

    for (PushEnrollment each : List.of(noCode, completed, approvalWithCode)) {
      assertThatThrownBy(() -> enrollments.insertPending(each))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void theDatabaseRefusesACodeHashOutsideAwaitingActivation() {
    PushEnrollment attempt = awaiting(alice, UUID.randomUUID(), 1, codeHash(), T0, T0.plus(STEP));
    enrollments.insertPending(attempt);

    assertThatThrownBy(
            () ->
                jdbc.sql(
                        "UPDATE push_enrollments SET state = 'TIMED_OUT', pending_key = NULL,"
                            + " finished_at = created_at WHERE id = :id")
                    .param("id", attempt.id())
                    .update())
        .isInstanceOf(DataIntegrityViolationException.class);
    assertThatThrownBy(
            () ->
                jdbc.sql(
                        "UPDATE push_enrollments SET state = 'AWAITING_APPROVAL',"
                            + " device_id = id, test_challenge_id = id WHERE id = :id")
                    .param("id", attempt.id())
                    .update())
        .isInstanceOf(DataIntegrityViolationException.class);
    assertThatThrownBy(
            () ->
                jdbc.sql("UPDATE push_enrollments SET code_hash = NULL WHERE id = :id")
                    .param("id", attempt.id())
                    .update())
        .as("awaiting activation without a code")
        .isInstanceOf(DataIntegrityViolationException.class);
  }

  @Test
  void findLatestReturnsTheNewestAttemptEvenWithinOneInstant() {
    PushEnrollment first = awaiting(alice, UUID.randomUUID(), 1, codeHash(), T0, T0);
    enrollments.insertPending(first);
    enrollments.finish(first.id(), PushEnrollmentState.TIMED_OUT, T0, null, null, null);
    PushEnrollment second = awaiting(alice, first.flowId(), 2, codeHash(), T0, T0);
    enrollments.insertPending(second);

    assertThat(enrollments.findLatest(alice.id()))
        .hasValueSatisfying(latest -> assertThat(latest.id()).isEqualTo(second.id()));
  }

  @Test
  void findOverdueListsPendingAttemptsPastTheirDeadlineOldestFirst() {
    User bob = insertUser("bob");
    User carol = insertUser("carol");
    User dave = insertUser("dave");
    User erin = insertUser("erin");
    Instant now = T0.plus(Duration.ofMinutes(30));
    PushEnrollment bobsFinished = awaiting(bob, UUID.randomUUID(), 1, codeHash(), T0, T0);
    PushEnrollment alicesOverdue =
        awaiting(alice, UUID.randomUUID(), 1, codeHash(), T0, now.minusSeconds(600));
    PushEnrollment carolsExactlyDue = awaiting(carol, UUID.randomUUID(), 1, codeHash(), T0, now);
    PushEnrollment davesFresh =
        awaiting(dave, UUID.randomUUID(), 1, codeHash(), T0, now.plusSeconds(1));
    PushEnrollment erinsApprovalOverdue =
        awaiting(erin, UUID.randomUUID(), 1, codeHash(), T0, T0.plus(STEP));
    for (PushEnrollment each :
        List.of(bobsFinished, alicesOverdue, carolsExactlyDue, davesFresh, erinsApprovalOverdue)) {
      enrollments.insertPending(each);
    }
    enrollments.finish(bobsFinished.id(), PushEnrollmentState.COMPLETED, T0, null, null, null);
    enrollments.activated(
        erinsApprovalOverdue.id(), UUID.randomUUID(), "", UUID.randomUUID(), now.minusSeconds(60));

    assertThat(enrollments.findOverdue(now, 10))
        .extracting(PushEnrollment::id)
        .containsExactly(alicesOverdue.id(), erinsApprovalOverdue.id(), carolsExactlyDue.id());
    assertThat(enrollments.findOverdue(now, 1)).hasSize(1);
  }

  @Test
  void deletingTheUserDeletesTheirAttempts() {
    PushEnrollment attempt = awaiting(alice, UUID.randomUUID(), 1, codeHash(), T0, T0.plus(STEP));
    enrollments.insertPending(attempt);

    jdbc.sql("DELETE FROM users WHERE id = :id").param("id", alice.id().value()).update();

    assertThat(enrollments.findById(attempt.id())).isEmpty();
  }

  static PushEnrollment awaiting(
      User user, UUID flowId, int attempt, byte[] codeHash, Instant createdAt, Instant deadline) {
    return new PushEnrollment(
        UUID.randomUUID(),
        flowId,
        user.id(),
        PushEnrollmentState.AWAITING_ACTIVATION,
        attempt,
        codeHash,
        createdAt,
        deadline,
        CorrelationId.random(RANDOM),
        "198.51.100.4",
        "Mozilla/5.0 (test)",
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  private static PushEnrollment withState(PushEnrollment e, PushEnrollmentState state) {
    return new PushEnrollment(
        e.id(),
        e.flowId(),
        e.userId(),
        state,
        e.attempt(),
        e.codeHash(),
        e.createdAt(),
        e.deadline(),
        e.correlationId(),
        e.browserIp(),
        e.userAgent(),
        e.deviceId(),
        e.deviceIp(),
        e.testChallengeId(),
        e.failureCode(),
        e.failureReasons(),
        e.failureCorrelationId(),
        e.finishedAt());
  }

  /** SHA-256 of a fresh random activation code, as the service keeps it. */
  static byte[] codeHash() {
    byte[] code = new byte[16];
    RANDOM.nextBytes(code);
    try {
      return MessageDigest.getInstance("SHA-256").digest(code);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
