package io.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.push.Challenge;
import io.latchkey.core.push.Challenge.Purpose;
import io.latchkey.core.push.ChallengeRepository.Limits;
import io.latchkey.core.push.ChallengeState;
import io.latchkey.core.push.PushDevice;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;

class JdbcChallengeRepositoryTest extends StoreTest {
  private static final Duration TTL = Duration.ofSeconds(60);
  private static final Limits GENEROUS = new Limits(100, 100, T0.minus(Duration.ofMinutes(10)));

  private JdbcChallengeRepository challenges;
  private User alice;
  private PushDevice phone;

  @BeforeEach
  void repository() {
    challenges = new JdbcChallengeRepository(jdbc, transactions);
    alice = insertUser("alice");
    phone = insertActiveDevice(alice, T0.minusSeconds(3600));
  }

  @Test
  void aSignInChallengeReadsBackWithEveryField() {
    Challenge challenge =
        new Challenge(
            UUID.randomUUID(),
            alice.id(),
            "alice",
            Purpose.SIGN_IN,
            null,
            "Payroll",
            "2001:db8::1",
            "042917",
            T0,
            T0.plus(TTL),
            ChallengeState.PENDING,
            null,
            null,
            CorrelationId.random(RANDOM));

    assertThat(challenges.insertWithinLimits(challenge, GENEROUS)).isTrue();

    assertThat(challenges.findById(challenge.id())).contains(challenge);
    assertThat(challenges.findById(UUID.randomUUID())).isEmpty();
  }

  @Test
  void aRegistrationTestReadsBackWithItsDeviceAndItsAnswer() {
    PushDevice laptop = insertPendingDevice(alice);
    Challenge test = registrationTest(laptop, T0);
    challenges.insert(test);

    assertThat(challenges.findById(test.id())).contains(test);
    assertThat(
            challenges.answer(test.id(), ChallengeState.APPROVED, laptop.id(), T0.plusSeconds(5)))
        .isTrue();

    assertThat(challenges.findById(test.id()))
        .contains(answered(test, ChallengeState.APPROVED, laptop.id(), T0.plusSeconds(5)));
  }

  @Test
  void aChallengeWithoutCorrelationIdReadsBack() {
    Challenge challenge = signIn(alice, T0);
    Challenge bare =
        new Challenge(
            challenge.id(),
            challenge.userId(),
            challenge.username(),
            challenge.purpose(),
            null,
            challenge.application(),
            challenge.requesterIp(),
            challenge.number(),
            challenge.createdAt(),
            challenge.expiresAt(),
            ChallengeState.PENDING,
            null,
            null,
            null);
    challenges.insert(bare);

    assertThat(challenges.findById(bare.id())).contains(bare);
  }

  @Test
  void aChallengeIsAnsweredOnce() {
    Challenge challenge = signIn(alice, T0);
    challenges.insert(challenge);

    assertThat(
            challenges.answer(challenge.id(), ChallengeState.DENIED, phone.id(), T0.plusSeconds(5)))
        .isTrue();
    assertThat(
            challenges.answer(
                challenge.id(), ChallengeState.APPROVED, phone.id(), T0.plusSeconds(6)))
        .as("a replayed answer")
        .isFalse();
    assertThat(challenges.expire(challenge.id(), T0.plus(TTL))).isFalse();

    Challenge stored = challenges.findById(challenge.id()).orElseThrow();
    assertThat(stored.state()).isEqualTo(ChallengeState.DENIED);
    assertThat(stored.answeredAt()).isEqualTo(T0.plusSeconds(5));
    assertThat(stored.answeredBy()).isEqualTo(phone.id());
  }

  @Test
  void anAnswerAtOrAfterTheExpiryIsRefused() {
    Challenge challenge = signIn(alice, T0);
    challenges.insert(challenge);

    assertThat(challenges.answer(challenge.id(), ChallengeState.APPROVED, phone.id(), T0.plus(TTL)))
        .isFalse();
    assertThat(
            challenges.answer(
                challenge.id(), ChallengeState.APPROVED, phone.id(), T0.plus(TTL).plusSeconds(1)))
        .isFalse();
    assertThat(
            challenges.answer(
                challenge.id(), ChallengeState.APPROVED, phone.id(), T0.plus(TTL).minusMillis(1)))
        .isTrue();
  }

  @Test
  void expireHappensOnlyOnceTheExpiryHasPassed() {
    Challenge challenge = signIn(alice, T0);
    challenges.insert(challenge);

    assertThat(challenges.expire(challenge.id(), T0.plus(TTL).minusMillis(1))).isFalse();
    assertThat(challenges.findById(challenge.id()).orElseThrow().state())
        .isEqualTo(ChallengeState.PENDING);
    assertThat(challenges.expire(challenge.id(), T0.plus(TTL))).isTrue();
    assertThat(challenges.expire(challenge.id(), T0.plus(TTL).plusSeconds(1))).isFalse();

    Challenge expired = challenges.findById(challenge.id()).orElseThrow();
    assertThat(expired.state()).isEqualTo(ChallengeState.EXPIRED);
    assertThat(expired.answeredAt()).isNull();
    assertThat(expired.answeredBy()).isNull();
    assertThat(challenges.expire(UUID.randomUUID(), T0.plus(TTL))).isFalse();
  }

  @Test
  void racingAnswersAndExpiriesChangeTheChallengeExactlyOnce() throws Exception {
    Challenge challenge = signIn(alice, T0);
    challenges.insert(challenge);
    ChallengeState[] answers = {
      ChallengeState.APPROVED,
      ChallengeState.DENIED,
      ChallengeState.REPORTED,
      ChallengeState.NUMBER_MISMATCH
    };
    AtomicInteger turn = new AtomicInteger();

    List<Boolean> results =
        race(
            20,
            () ->
                challenges.answer(
                    challenge.id(),
                    answers[turn.getAndIncrement() % answers.length],
                    phone.id(),
                    T0.plusSeconds(5)));

    assertThat(results).containsOnlyOnce(true);
    assertThat(challenges.findById(challenge.id()).orElseThrow().state())
        .isNotEqualTo(ChallengeState.PENDING);
  }

  @Test
  void racingAnswerAndExpiryAtTheDeadlineMakeOneTransition() throws Exception {
    Challenge challenge = signIn(alice, T0);
    challenges.insert(challenge);
    AtomicInteger turn = new AtomicInteger();

    // The answers arrive just before the expiry; the sweeper runs just after.
    List<Boolean> results =
        race(
            20,
            () ->
                turn.getAndIncrement() % 2 == 0
                    ? challenges.answer(
                        challenge.id(),
                        ChallengeState.APPROVED,
                        phone.id(),
                        T0.plus(TTL).minusMillis(1))
                    : challenges.expire(challenge.id(), T0.plus(TTL)));

    assertThat(results).containsOnlyOnce(true);
  }

  @Test
  void aRegistrationTestIsAnsweredOnlyByItsDevice() {
    PushDevice laptop = insertPendingDevice(alice);
    Challenge test = registrationTest(laptop, T0);
    challenges.insert(test);

    assertThat(challenges.answer(test.id(), ChallengeState.APPROVED, phone.id(), T0.plusSeconds(1)))
        .isFalse();
    assertThat(
            challenges.answer(test.id(), ChallengeState.APPROVED, laptop.id(), T0.plusSeconds(2)))
        .isTrue();
  }

  @Test
  void answerRefusesANonAnswer() {
    Challenge challenge = signIn(alice, T0);
    challenges.insert(challenge);

    assertThatThrownBy(
            () -> challenges.answer(challenge.id(), ChallengeState.PENDING, phone.id(), T0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> challenges.answer(challenge.id(), ChallengeState.EXPIRED, phone.id(), T0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> challenges.answer(challenge.id(), ChallengeState.APPROVED, null, T0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void insertRefusesAChallengeThatIsNotNew() {
    Challenge answered = answered(signIn(alice, T0), ChallengeState.APPROVED, phone.id(), T0);

    assertThatThrownBy(() -> challenges.insert(answered))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> challenges.insertWithinLimits(answered, GENEROUS))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theDatabaseRefusesARegistrationTestWithoutItsDevice() {
    Challenge challenge = signIn(alice, T0);
    Challenge unbound =
        new Challenge(
            challenge.id(),
            challenge.userId(),
            challenge.username(),
            Purpose.REGISTRATION_TEST,
            null,
            challenge.application(),
            challenge.requesterIp(),
            challenge.number(),
            challenge.createdAt(),
            challenge.expiresAt(),
            ChallengeState.PENDING,
            null,
            null,
            null);

    assertThatThrownBy(() -> challenges.insert(unbound))
        .isInstanceOf(DataIntegrityViolationException.class);
  }

  @Test
  void theDatabaseRefusesAnAnswerWithoutItsDevice() {
    Challenge challenge = signIn(alice, T0);
    challenges.insert(challenge);

    assertThatThrownBy(
            () ->
                jdbc.sql(
                        "UPDATE push_challenges SET state = 'APPROVED', answered_at = created_at"
                            + " WHERE id = :id")
                    .param("id", challenge.id())
                    .update())
        .isInstanceOf(DataIntegrityViolationException.class);
  }

  @Test
  void insertWithinLimitsStopsAtTheOpenLimit() {
    Limits limits = new Limits(3, 100, T0.minus(Duration.ofMinutes(10)));

    for (int i = 0; i < 3; i++) {
      assertThat(challenges.insertWithinLimits(signIn(alice, T0.plusSeconds(i)), limits)).isTrue();
    }
    assertThat(challenges.insertWithinLimits(signIn(alice, T0.plusSeconds(3)), limits)).isFalse();
    assertThat(challenges.insertWithinLimits(signIn(insertUser("bob"), T0.plusSeconds(3)), limits))
        .as("another user's limit is their own")
        .isTrue();
    assertThat(count(alice.id())).isEqualTo(3);
  }

  @Test
  void answeredAndExpiredChallengesAreNoLongerOpen() {
    Limits limits = new Limits(2, 100, T0.minus(Duration.ofMinutes(10)));
    Challenge answered = signIn(alice, T0);
    Challenge lapsed = signIn(alice, T0);
    challenges.insertWithinLimits(answered, limits);
    challenges.insertWithinLimits(lapsed, limits);
    challenges.answer(answered.id(), ChallengeState.DENIED, phone.id(), T0.plusSeconds(1));

    assertThat(challenges.insertWithinLimits(signIn(alice, T0.plusSeconds(2)), limits)).isTrue();
    assertThat(challenges.insertWithinLimits(signIn(alice, T0.plusSeconds(3)), limits)).isFalse();
    // At the first one's expiry it no longer counts, though nothing marked it EXPIRED yet.
    assertThat(challenges.insertWithinLimits(signIn(alice, T0.plus(TTL)), limits)).isTrue();
    assertThat(challenges.findById(lapsed.id()).orElseThrow().state())
        .isEqualTo(ChallengeState.PENDING);
  }

  @Test
  void insertWithinLimitsStopsAtTheWindowLimit() {
    Instant windowStart = T0.plusSeconds(100);
    challenges.insert(signIn(alice, windowStart.minusMillis(1)));
    Limits limits = new Limits(100, 2, windowStart);

    assertThat(challenges.insertWithinLimits(signIn(alice, windowStart), limits)).isTrue();
    Challenge second = signIn(alice, windowStart.plusSeconds(1));
    assertThat(challenges.insertWithinLimits(second, limits)).isTrue();
    challenges.answer(second.id(), ChallengeState.APPROVED, phone.id(), windowStart.plusSeconds(2));
    assertThat(challenges.insertWithinLimits(signIn(alice, windowStart.plusSeconds(3)), limits))
        .as("answered challenges still count in the window")
        .isFalse();
    assertThat(
            challenges.insertWithinLimits(
                signIn(alice, windowStart.plusSeconds(3)),
                new Limits(100, 2, windowStart.plusSeconds(1))))
        .as("a later window start counts fewer")
        .isTrue();
  }

  @Test
  void racingInsertsNeverExceedTheOpenLimit() throws Exception {
    Limits limits = new Limits(3, 100, T0.minus(Duration.ofMinutes(10)));

    List<Boolean> results =
        race(20, () -> challenges.insertWithinLimits(signIn(alice, T0), limits));

    assertThat(results).filteredOn(inserted -> inserted).hasSize(3);
    assertThat(count(alice.id())).isEqualTo(3);
  }

  @Test
  void racingInsertsNeverExceedTheWindowLimit() throws Exception {
    Limits limits = new Limits(100, 5, T0.minus(Duration.ofMinutes(10)));

    List<Boolean> results =
        race(20, () -> challenges.insertWithinLimits(signIn(alice, T0), limits));

    assertThat(results).filteredOn(inserted -> inserted).hasSize(5);
    assertThat(count(alice.id())).isEqualTo(5);
  }

  @Test
  void racingInsertsForTwoUsersEachStopAtTheirOwnLimit() throws Exception {
    User bob = insertUser("bob");
    Limits limits = new Limits(3, 100, T0.minus(Duration.ofMinutes(10)));
    AtomicInteger turn = new AtomicInteger();

    List<Boolean> results =
        race(
            20,
            () ->
                challenges.insertWithinLimits(
                    signIn(turn.getAndIncrement() % 2 == 0 ? alice : bob, T0), limits));

    assertThat(results).filteredOn(inserted -> inserted).hasSize(6);
    assertThat(count(alice.id())).isEqualTo(3);
    assertThat(count(bob.id())).isEqualTo(3);
  }

  @Test
  void insertWithinLimitsJoinsTheCallersTransaction() {
    Limits limits = new Limits(3, 100, T0.minus(Duration.ofMinutes(10)));

    assertThatThrownBy(
            () ->
                transactions.inTransaction(
                    () -> {
                      challenges.insertWithinLimits(signIn(alice, T0), limits);
                      throw new IllegalStateException("audit write failed");
                    }))
        .hasMessage("audit write failed");

    assertThat(count(alice.id())).isZero();
  }

  @Test
  void insertWithinLimitsRefusesAnUnknownUser() {
    User ghost = newUser("ghost");

    assertThatThrownBy(() -> challenges.insertWithinLimits(signIn(ghost, T0), GENEROUS))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void listPendingForDeviceListsWhatTheDeviceMayAnswerOldestFirst() {
    User bob = insertUser("bob");
    PushDevice laptop = insertPendingDevice(alice);
    PushDevice bobsPhone = insertActiveDevice(bob, T0);
    Instant now = T0.plusSeconds(30);
    Challenge newerSignIn = signIn(alice, T0.plusSeconds(10));
    Challenge olderSignIn = signIn(alice, T0);
    Challenge phonesOwnTest = registrationTest(phone, T0.plusSeconds(20));
    Challenge laptopsTest = registrationTest(laptop, T0.plusSeconds(5));
    Challenge expired = signIn(alice, now.minus(TTL));
    Challenge answered = signIn(alice, T0);
    Challenge bobsSignIn = signIn(bob, T0);
    for (Challenge each :
        List.of(
            newerSignIn, olderSignIn, phonesOwnTest, laptopsTest, expired, answered, bobsSignIn)) {
      challenges.insert(each);
    }
    challenges.answer(answered.id(), ChallengeState.APPROVED, phone.id(), T0.plusSeconds(1));

    assertThat(challenges.listPendingForDevice(alice.id(), phone.id(), now))
        .extracting(Challenge::id)
        .containsExactly(olderSignIn.id(), newerSignIn.id(), phonesOwnTest.id());
    assertThat(challenges.listPendingForDevice(alice.id(), laptop.id(), now))
        .as("a pending device sees only its own registration test")
        .extracting(Challenge::id)
        .containsExactly(laptopsTest.id());
    assertThat(challenges.listPendingForDevice(bob.id(), bobsPhone.id(), now))
        .extracting(Challenge::id)
        .containsExactly(bobsSignIn.id());
    assertThat(challenges.listPendingForDevice(alice.id(), bobsPhone.id(), now))
        .as("another user's device sees none of alice's challenges")
        .isEmpty();

    assertThat(challenges.listPendingForDevice(alice.id(), UUID.randomUUID(), now))
        .as("an unknown device sees nothing")
        .isEmpty();

    new JdbcPushDeviceRepository(jdbc).revoke(phone.id(), now);
    new JdbcPushDeviceRepository(jdbc).revoke(laptop.id(), now);
    assertThat(challenges.listPendingForDevice(alice.id(), phone.id(), now))
        .as("a revoked device sees nothing")
        .isEmpty();
    assertThat(challenges.listPendingForDevice(alice.id(), laptop.id(), now)).isEmpty();
  }

  @Test
  void findOverdueListsPendingChallengesPastTheirExpiryOldestFirst() {
    Instant now = T0.plus(Duration.ofMinutes(5));
    Challenge older = signIn(alice, now.minus(TTL).minusSeconds(30));
    Challenge exactlyDue = signIn(alice, now.minus(TTL));
    Challenge fresh = signIn(alice, now.minus(TTL).plusSeconds(1));
    Challenge answered = signIn(alice, T0);
    for (Challenge each : List.of(exactlyDue, fresh, older, answered)) {
      challenges.insert(each);
    }
    challenges.answer(answered.id(), ChallengeState.DENIED, phone.id(), T0.plusSeconds(1));

    assertThat(challenges.findOverdue(now, 10))
        .extracting(Challenge::id)
        .containsExactly(older.id(), exactlyDue.id());
    assertThat(challenges.findOverdue(now, 1))
        .extracting(Challenge::id)
        .containsExactly(older.id());
  }

  @Test
  void countDenialsSinceCountsDenialsReportsAndWrongNumbers() {
    User bob = insertUser("bob");
    PushDevice bobsPhone = insertActiveDevice(bob, T0);
    Instant since = T0.plusSeconds(100);
    answer(alice, ChallengeState.DENIED, phone, since.minusMillis(1));
    answer(alice, ChallengeState.DENIED, phone, since);
    answer(alice, ChallengeState.REPORTED, phone, since.plusSeconds(1));
    answer(alice, ChallengeState.NUMBER_MISMATCH, phone, since.plusSeconds(2));
    answer(alice, ChallengeState.APPROVED, phone, since.plusSeconds(3));
    answer(bob, ChallengeState.DENIED, bobsPhone, since.plusSeconds(3));
    Challenge expired = signIn(alice, since);
    challenges.insert(expired);
    challenges.expire(expired.id(), since.plus(TTL));

    assertThat(challenges.countDenialsSince(alice.id(), since)).isEqualTo(3);
    assertThat(challenges.countDenialsSince(alice.id(), since.minusSeconds(1))).isEqualTo(4);
    assertThat(challenges.countDenialsSince(bob.id(), since)).isEqualTo(1);
    assertThat(challenges.countDenialsSince(alice.id(), since.plusSeconds(60))).isZero();
  }

  @Test
  void lastApprovalAtIsTheLatestApproval() {
    assertThat(challenges.lastApprovalAt(alice.id())).isEmpty();

    answer(alice, ChallengeState.APPROVED, phone, T0.plusSeconds(20));
    answer(alice, ChallengeState.APPROVED, phone, T0.plusSeconds(10));
    answer(alice, ChallengeState.DENIED, phone, T0.plusSeconds(30));

    assertThat(challenges.lastApprovalAt(alice.id())).contains(T0.plusSeconds(20));
    assertThat(challenges.lastApprovalAt(insertUser("bob").id())).isEmpty();
  }

  @Test
  void deletingTheUserDeletesTheirChallenges() {
    Challenge challenge = signIn(alice, T0);
    challenges.insert(challenge);

    jdbc.sql("DELETE FROM users WHERE id = :id").param("id", alice.id().value()).update();

    assertThat(challenges.findById(challenge.id())).isEmpty();
  }

  private void answer(User user, ChallengeState to, PushDevice device, Instant at) {
    Challenge challenge = signIn(user, at.minusSeconds(1));
    challenges.insert(challenge);
    if (!challenges.answer(challenge.id(), to, device.id(), at)) {
      throw new IllegalStateException("not answered: " + challenge);
    }
  }

  private PushDevice insertPendingDevice(User user) {
    PushDevice device = pushDevice(user, detected(), T0);
    new JdbcPushDeviceRepository(jdbc).insert(device);
    return device;
  }

  private long count(UserId userId) {
    return jdbc.sql("SELECT COUNT(*) FROM push_challenges WHERE user_id = :userId")
        .param("userId", userId.value())
        .query(Long.class)
        .single();
  }

  static Challenge signIn(User user, Instant createdAt) {
    return new Challenge(
        UUID.randomUUID(),
        user.id(),
        user.username().value(),
        Purpose.SIGN_IN,
        null,
        "Payroll",
        "192.0.2.44",
        String.format("%03d", RANDOM.nextInt(1000)),
        createdAt,
        createdAt.plus(TTL),
        ChallengeState.PENDING,
        null,
        null,
        CorrelationId.random(RANDOM));
  }

  static Challenge registrationTest(PushDevice device, Instant createdAt) {
    return new Challenge(
        UUID.randomUUID(),
        device.userId(),
        "alice",
        Purpose.REGISTRATION_TEST,
        device.id(),
        "Latchkey",
        "192.0.2.45",
        "517",
        createdAt,
        createdAt.plus(TTL),
        ChallengeState.PENDING,
        null,
        null,
        CorrelationId.random(RANDOM));
  }

  static Challenge answered(Challenge c, ChallengeState state, UUID deviceId, Instant at) {
    return new Challenge(
        c.id(),
        c.userId(),
        c.username(),
        c.purpose(),
        c.deviceId(),
        c.application(),
        c.requesterIp(),
        c.number(),
        c.createdAt(),
        c.expiresAt(),
        state,
        deviceId,
        at,
        c.correlationId());
  }
}
