package io.latchkey.core.enrollment;

import static io.latchkey.core.testing.CoreFixture.POLICY;
import static io.latchkey.core.testing.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditQuery;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.notice.NoticeKind;
import io.latchkey.core.otp.OtpAuthUri;
import io.latchkey.core.otp.Secret;
import io.latchkey.core.testing.CoreFixture;
import io.latchkey.core.testing.Requests;
import io.latchkey.core.totp.TotpCredential;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserStatus;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EnrollmentServiceTest {
  private static final int THRESHOLD = 3;

  private final CoreFixture core = new CoreFixture(THRESHOLD);
  private final EnrollmentService service = core.enrollment;
  private final User alice = core.addUser("alice");
  private final RequestContext tab = Requests.by("alice");

  @Test
  void beginIssuesA160BitSecretBoundToTheUserWithThePolicyDeadline() {
    Enrollment started = service.begin(alice, tab);

    assertThat(started.state()).isEqualTo(EnrollmentState.STARTED);
    assertThat(started.userId()).isEqualTo(alice.id());
    assertThat(started.attempt()).isEqualTo(1);
    assertThat(started.secret().length() * 8).isEqualTo(160);
    assertThat(started.parameters()).isEqualTo(POLICY.parameters());
    assertThat(started.createdAt()).isEqualTo(CoreFixture.START);
    assertThat(started.deadline()).isEqualTo(CoreFixture.START.plus(POLICY.stepDeadline()));
    assertThat(started.correlationId()).isEqualTo(tab.correlationId());
    assertThat(core.enrollments.all()).containsExactly(started);

    AuditEvent event = core.audit.single(AuditEventType.REGISTRATION_STARTED);
    assertThat(event.success()).isTrue();
    assertThat(event.flowId()).isEqualTo(started.flowId());
    assertThat(event.userId()).isEqualTo(alice.id());
    assertThat(event.correlationId()).isEqualTo(tab.correlationId());
  }

  @Test
  void theQrCodeCarriesThePendingSecretUnderTheIssuerAndTheCanonicalName() {
    User mixedCase = core.addUser("Bob");
    Enrollment started = service.begin(mixedCase, tab);

    OtpAuthUri uri = service.uriFor(started, mixedCase);

    assertThat(uri.secret()).isEqualTo(started.secret());
    assertThat(uri.issuer()).isEqualTo("Latchkey");
    assertThat(uri.account()).isEqualTo("bob");
    assertThat(uri.parameters()).isEqualTo(POLICY.parameters());
  }

  @Test
  void aReloadResumesThePendingRegistrationInsteadOfStartingASecondOne() {
    Enrollment first = service.begin(alice, tab);
    core.clock.advance(Duration.ofMinutes(2));
    RequestContext secondTab = Requests.by("alice");

    Enrollment again = service.begin(alice, secondTab);

    assertThat(again).isEqualTo(first);
    assertThat(again.secret()).isEqualTo(first.secret());
    assertThat(core.enrollments.all()).hasSize(1);
    assertThat(core.audit.types())
        .containsExactly(AuditEventType.REGISTRATION_STARTED, AuditEventType.REGISTRATION_RESUMED);
    AuditEvent resumed = core.audit.single(AuditEventType.REGISTRATION_RESUMED);
    assertThat(resumed.flowId()).isEqualTo(first.flowId());
    assertThat(resumed.correlationId()).isEqualTo(secondTab.correlationId());
  }

  @Test
  void theAttemptIsStillPendingOneSecondBeforeItsDeadline() {
    Enrollment started = service.begin(alice, tab);
    core.clock.set(started.deadline().minusSeconds(1));

    assertThat(service.current(alice, tab)).hasValue(started);
    assertThat(core.audit.ofType(AuditEventType.REGISTRATION_TIMED_OUT)).isEmpty();
  }

  @Test
  void atTheDeadlineTheAttemptTimesOutOnceAndItsSecretIsWiped() {
    Enrollment started = service.begin(alice, tab);
    core.clock.set(started.deadline());
    RequestContext late = Requests.by("alice");

    Enrollment timedOut = service.current(alice, late).orElseThrow();
    Enrollment lookedAgain = service.current(alice, Requests.by("alice")).orElseThrow();

    assertThat(timedOut.id()).isEqualTo(started.id());
    assertThat(timedOut.state()).isEqualTo(EnrollmentState.TIMED_OUT);
    assertThat(timedOut.secret()).isNull();
    assertThat(lookedAgain).isEqualTo(timedOut);
    AuditEvent event = core.audit.single(AuditEventType.REGISTRATION_TIMED_OUT);
    assertThat(event.success()).isFalse();
    assertThat(event.reason()).isEqualTo("enrollment_timed_out");
    assertThat(event.flowId()).isEqualTo(started.flowId());
    assertThat(event.correlationId()).isEqualTo(late.correlationId());
    assertThat(event.detail()).contains(started.deadline().toString()).contains("erased");
  }

  @Test
  void theCorrelationIdShownAfterATimeOutLeadsToTheWholeRegistrationTimeline() {
    Enrollment started = service.begin(alice, tab);
    core.clock.set(started.deadline());
    RequestContext late = Requests.by("alice");
    service.current(alice, late);
    service.retry(alice, Requests.by("alice"));
    service.begin(core.addUser("bob"), Requests.by("bob"));

    List<AuditEvent> timeline = core.audit.search(AuditQuery.byCorrelationId(late.correlationId()));

    assertThat(timeline)
        .extracting(AuditEvent::type)
        .containsExactly(
            AuditEventType.REGISTRATION_STARTED,
            AuditEventType.REGISTRATION_TIMED_OUT,
            AuditEventType.REGISTRATION_RETRIED);
    assertThat(timeline).extracting(AuditEvent::flowId).containsOnly(started.flowId());
  }

  @Test
  void theQrCodeOfATimedOutAttemptIsNeverShownAgain() {
    Enrollment started = service.begin(alice, tab);
    core.clock.set(started.deadline());
    Enrollment timedOut = service.current(alice, tab).orElseThrow();

    assertRefused(() -> service.uriFor(timedOut, alice), ErrorCode.ENROLLMENT_TIMED_OUT);
  }

  @Test
  void nextAfterATimeOutIssuesAFreshSecretInTheSameFlowAndKillsTheOldOne() {
    Enrollment first = service.begin(alice, tab);
    core.clock.set(first.deadline().plusSeconds(40));
    RequestContext next = Requests.by("alice");

    Enrollment second = service.retry(alice, next);

    assertThat(second.id()).isNotEqualTo(first.id());
    assertThat(second.flowId()).isEqualTo(first.flowId());
    assertThat(second.attempt()).isEqualTo(2);
    assertThat(second.state()).isEqualTo(EnrollmentState.STARTED);
    assertThat(second.secret()).isNotEqualTo(first.secret());
    assertThat(second.deadline()).isEqualTo(core.clock.instant().plus(POLICY.stepDeadline()));
    Enrollment old = core.enrollments.findById(first.id()).orElseThrow();
    assertThat(old.state()).isEqualTo(EnrollmentState.TIMED_OUT);
    assertThat(old.secret()).isNull();
    assertThat(core.audit.types())
        .containsExactly(
            AuditEventType.REGISTRATION_STARTED,
            AuditEventType.REGISTRATION_TIMED_OUT,
            AuditEventType.REGISTRATION_RETRIED);
    AuditEvent retried = core.audit.single(AuditEventType.REGISTRATION_RETRIED);
    assertThat(retried.flowId()).isEqualTo(first.flowId());
    assertThat(retried.correlationId()).isEqualTo(next.correlationId());
  }

  @Test
  void pressingNextTwiceReturnsTheSamePendingAttempt() {
    Enrollment first = service.begin(alice, tab);
    core.clock.set(first.deadline());

    Enrollment second = service.retry(alice, Requests.by("alice"));
    Enrollment again = service.retry(alice, Requests.by("alice"));

    assertThat(again).isEqualTo(second);
    assertThat(core.enrollments.all()).hasSize(2);
    assertThat(core.audit.ofType(AuditEventType.REGISTRATION_RETRIED)).hasSize(1);
  }

  @Test
  void theRightCodeCompletesTheRegistrationAndCreatesExactlyOneCredential() {
    Enrollment started = service.begin(alice, tab);
    core.clock.advance(Duration.ofSeconds(45));
    String code = core.code(started.secret(), 0);

    EnrollmentService.Completion done = service.confirm(alice, started.id(), code, tab);

    assertThat(done).isEqualTo(new EnrollmentService.Completion(started.id(), false));
    Enrollment completed = core.enrollments.findById(started.id()).orElseThrow();
    assertThat(completed.state()).isEqualTo(EnrollmentState.COMPLETED);
    assertThat(completed.secret()).isNull();
    List<TotpCredential> credentials = core.credentials.findByUser(alice.id());
    assertThat(credentials).hasSize(1);
    TotpCredential credential = credentials.get(0);
    assertThat(credential.secret()).isEqualTo(started.secret());
    assertThat(credential.parameters()).isEqualTo(started.parameters());
    assertThat(credential.lastUsedStep()).isEqualTo(core.currentStep());
    assertThat(credential.drift()).isZero();
    assertThat(core.reload(alice).failedAttempts()).isZero();
    AuditEvent event = core.audit.single(AuditEventType.REGISTRATION_COMPLETED);
    assertThat(event.success()).isTrue();
    assertThat(event.flowId()).isEqualTo(started.flowId());
    assertThat(core.noticeStore.all())
        .singleElement()
        .satisfies(
            notice -> {
              assertThat(notice.kind()).isEqualTo(NoticeKind.METHOD_ADDED);
              assertThat(notice.userId()).isEqualTo(alice.id());
              assertThat(notice.facts()).containsEntry("method", "TOTP");
              assertThat(notice.correlationId()).isEqualTo(tab.correlationId());
              assertThat(notice.ip()).isEqualTo(tab.ip());
              assertThat(notice.toString()).doesNotContain(started.secret().base32());
            });
  }

  @Test
  void aRefusedOrRepeatedConfirmationWritesNoFurtherNotice() {
    Enrollment started = service.begin(alice, tab);
    assertRefused(
        () -> service.confirm(alice, started.id(), core.wrongCode(started.secret()), tab),
        ErrorCode.INVALID_CODE);
    assertThat(core.noticeStore.all()).isEmpty();

    String code = core.code(started.secret(), 0);
    service.confirm(alice, started.id(), code, tab);
    service.confirm(alice, started.id(), code, tab);

    assertThat(core.noticeStore.all()).hasSize(1);
  }

  @Test
  void theConfirmingCodeIsAlreadyUsedSoItCannotSignInAfterwards() {
    Enrollment started = service.begin(alice, tab);
    String code = core.code(started.secret(), 0);
    service.confirm(alice, started.id(), code, tab);

    assertRefused(
        () -> core.verification.verify("alice", code, Requests.by("app")), ErrorCode.CODE_REUSED);
    assertThat(core.verification.verify("alice", core.code(started.secret(), 1), tab).user().id())
        .isEqualTo(alice.id());
  }

  @Test
  void aCodeFromTheAppsClockOneStepAheadConfirmsAndItsDriftIsKept() {
    Enrollment started = service.begin(alice, tab);

    service.confirm(alice, started.id(), core.code(started.secret(), 1), tab);

    TotpCredential credential = core.credentials.findByUser(alice.id()).get(0);
    assertThat(credential.lastUsedStep()).isEqualTo(core.currentStep() + 1);
    assertThat(credential.drift()).isEqualTo(1);
  }

  @Test
  void aWrongCodeIsRejectedCountedAndAuditedAndTheAttemptStaysOpen() {
    Enrollment started = service.begin(alice, tab);

    assertRefused(
        () -> service.confirm(alice, started.id(), core.wrongCode(started.secret()), tab),
        ErrorCode.INVALID_CODE);

    assertThat(core.reload(alice).failedAttempts()).isEqualTo(1);
    assertThat(core.credentials.findByUser(alice.id())).isEmpty();
    AuditEvent event = core.audit.single(AuditEventType.REGISTRATION_CODE_REJECTED);
    assertThat(event.success()).isFalse();
    assertThat(event.reason()).isEqualTo("invalid_code");
    assertThat(event.flowId()).isEqualTo(started.flowId());
    assertThat(core.enrollments.findById(started.id()).orElseThrow().state())
        .isEqualTo(EnrollmentState.STARTED);

    service.confirm(alice, started.id(), core.code(started.secret(), 0), tab);
    assertThat(core.credentials.findByUser(alice.id())).hasSize(1);
    assertThat(core.reload(alice).failedAttempts()).isZero();
  }

  @Test
  void wrongRegistrationCodesUpToTheThresholdBlockTheUserOnce() {
    Enrollment started = service.begin(alice, tab);
    String wrong = core.wrongCode(started.secret());

    for (int i = 0; i < THRESHOLD; i++) {
      assertRefused(() -> service.confirm(alice, started.id(), wrong, tab), ErrorCode.INVALID_CODE);
    }
    assertRefused(
        () -> service.confirm(alice, started.id(), core.code(started.secret(), 0), tab),
        ErrorCode.USER_BLOCKED);

    assertThat(core.reload(alice).status()).isEqualTo(UserStatus.BLOCKED);
    assertThat(core.audit.ofType(AuditEventType.USER_BLOCKED)).hasSize(1);
    assertThat(core.credentials.findByUser(alice.id())).isEmpty();
  }

  @Test
  void confirmingAfterTheDeadlineTimesOutAndCreatesNoCredential() {
    Enrollment started = service.begin(alice, tab);
    core.clock.set(started.deadline());
    String codeOfNow = core.code(started.secret(), 0);

    assertRefused(
        () -> service.confirm(alice, started.id(), codeOfNow, tab), ErrorCode.ENROLLMENT_TIMED_OUT);
    assertRefused(
        () -> service.confirm(alice, started.id(), codeOfNow, tab), ErrorCode.ENROLLMENT_TIMED_OUT);

    assertThat(core.credentials.findByUser(alice.id())).isEmpty();
    Enrollment stored = core.enrollments.findById(started.id()).orElseThrow();
    assertThat(stored.state()).isEqualTo(EnrollmentState.TIMED_OUT);
    assertThat(stored.secret()).isNull();
    assertThat(core.audit.ofType(AuditEventType.REGISTRATION_TIMED_OUT)).hasSize(1);
  }

  @Test
  void confirmingJustBeforeTheDeadlineStillWorks() {
    Enrollment started = service.begin(alice, tab);
    core.clock.set(started.deadline().minusSeconds(1));

    service.confirm(alice, started.id(), core.code(started.secret(), 0), tab);

    assertThat(core.credentials.findByUser(alice.id())).hasSize(1);
  }

  @Test
  void confirmingAnotherUsersAttemptIsForbiddenAndAudited() {
    Enrollment victims = service.begin(alice, tab);
    User mallory = core.addUser("mallory");
    RequestContext attacker = Requests.by("mallory");

    assertRefused(
        () -> service.confirm(mallory, victims.id(), core.code(victims.secret(), 0), attacker),
        ErrorCode.FORBIDDEN);

    assertThat(core.credentials.findByUser(mallory.id())).isEmpty();
    assertThat(core.credentials.findByUser(alice.id())).isEmpty();
    assertThat(core.enrollments.findById(victims.id()).orElseThrow().state())
        .isEqualTo(EnrollmentState.STARTED);
    AuditEvent event = core.audit.single(AuditEventType.REGISTRATION_FORBIDDEN);
    assertThat(event.success()).isFalse();
    assertThat(event.reason()).isEqualTo("forbidden");
    assertThat(event.userId()).isEqualTo(mallory.id());
    assertThat(event.correlationId()).isEqualTo(attacker.correlationId());
    assertThat(event.detail()).contains(victims.id().toString());
  }

  @Test
  void anUnknownRegistrationIsNotFound() {
    service.begin(alice, tab);

    assertRefused(
        () -> service.confirm(alice, java.util.UUID.randomUUID(), "123456", tab),
        ErrorCode.NOT_FOUND);
  }

  @Test
  void confirmingTwiceIsIdempotent() {
    Enrollment started = service.begin(alice, tab);
    String code = core.code(started.secret(), 0);
    service.confirm(alice, started.id(), code, tab);

    EnrollmentService.Completion twin = service.confirm(alice, started.id(), code, tab);

    assertThat(twin).isEqualTo(new EnrollmentService.Completion(started.id(), true));
    assertThat(core.credentials.findByUser(alice.id())).hasSize(1);
    assertThat(core.audit.ofType(AuditEventType.REGISTRATION_COMPLETED)).hasSize(1);
  }

  @Test
  void aCodeFromTheOldSecretNeverConfirmsTheNewAttempt() {
    Enrollment first = service.begin(alice, tab);
    core.clock.set(first.deadline());
    Enrollment second = service.retry(alice, tab);
    String oldCode = core.code(first.secret(), 0);
    assertThat(oldCode).isNotEqualTo(core.code(second.secret(), 0));

    assertRefused(() -> service.confirm(alice, second.id(), oldCode, tab), ErrorCode.INVALID_CODE);
    assertRefused(
        () -> service.confirm(alice, first.id(), oldCode, tab), ErrorCode.ENROLLMENT_TIMED_OUT);

    assertThat(core.credentials.findByUser(alice.id())).isEmpty();
  }

  /** The right code, disguised in ways a lenient parser would forgive (SECURITY-TESTS A1). */
  enum Disguise {
    LAST_DIGIT_DROPPED(code -> code.substring(0, 5)),
    EXTRA_DIGIT(code -> code + "0"),
    LEADING_SPACE(code -> " " + code),
    TRAILING_SPACE(code -> code + " "),
    SPACE_INSIDE(code -> code.substring(0, 3) + " " + code.substring(3)),
    FULL_WIDTH(code -> shift(code, 0xFF10)),
    ARABIC_INDIC(code -> shift(code, 0x0660)),
    PLUS_SIGN(code -> "+" + code),
    NEWLINE(code -> code + "\n"),
    EMPTY(code -> ""),
    MISSING(code -> null);

    private final UnaryOperator<String> disguise;

    Disguise(UnaryOperator<String> disguise) {
      this.disguise = disguise;
    }

    private static String shift(String digits, int zero) {
      StringBuilder out = new StringBuilder();
      digits.chars().forEach(c -> out.appendCodePoint(zero + (c - '0')));
      return out.toString();
    }
  }

  @ParameterizedTest
  @EnumSource(Disguise.class)
  void aMalformedCodeNeverConfirmsEvenWhenItIsTheRightCodeInDisguise(Disguise disguise) {
    Enrollment started = service.begin(alice, tab);
    String malformed = disguise.disguise.apply(core.code(started.secret(), 0));

    assertRefused(
        () -> service.confirm(alice, started.id(), malformed, tab), ErrorCode.INVALID_CODE);

    assertThat(core.credentials.findByUser(alice.id())).isEmpty();
    assertThat(core.reload(alice).failedAttempts()).isEqualTo(1);
  }

  @Test
  void theLiteralMalformedCodesOfTheCatalogueNeverConfirm() {
    Enrollment started = service.begin(alice, tab);

    for (String malformed : List.of("12345", "\uFF11\uFF12\uFF13\uFF14\uFF15\uFF16", " 123456")) {
      core.users.resetFailures(alice.id());
      assertRefused(
          () -> service.confirm(alice, started.id(), malformed, tab), ErrorCode.INVALID_CODE);
    }
    assertThat(core.credentials.findByUser(alice.id())).isEmpty();
  }

  @Test
  void expireOverdueTimesOutAbandonedAttemptsOnly() {
    User bob = core.addUser("bob");
    User carol = core.addUser("carol");
    Enrollment alices = service.begin(alice, tab);
    Enrollment bobs = service.begin(bob, Requests.by("bob"));
    core.clock.advance(Duration.ofMinutes(3));
    Enrollment carols = service.begin(carol, Requests.by("carol"));
    core.clock.set(alices.deadline().plusSeconds(1));
    RequestContext sweeper = Requests.by("system");

    int expired = service.expireOverdue(sweeper);

    assertThat(expired).isEqualTo(2);
    assertThat(core.enrollments.findById(alices.id()).orElseThrow().state())
        .isEqualTo(EnrollmentState.TIMED_OUT);
    assertThat(core.enrollments.findById(bobs.id()).orElseThrow().secret()).isNull();
    assertThat(core.enrollments.findById(carols.id()).orElseThrow().state())
        .isEqualTo(EnrollmentState.STARTED);
    assertThat(core.audit.ofType(AuditEventType.REGISTRATION_TIMED_OUT))
        .extracting(AuditEvent::userId, AuditEvent::actor, AuditEvent::reason)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(alice.id(), "system", "enrollment_timed_out"),
            org.assertj.core.groups.Tuple.tuple(bob.id(), "system", "enrollment_timed_out"));
    assertThat(service.expireOverdue(sweeper)).isZero();
    assertThat(core.audit.ofType(AuditEventType.REGISTRATION_TIMED_OUT)).hasSize(2);
  }

  @Test
  void aBlockedUserCannotBeginOrRetry() {
    core.users.block(alice.id(), "lost phone", core.clock.instant());
    User blocked = core.reload(alice);

    assertRefused(() -> service.begin(blocked, tab), ErrorCode.USER_BLOCKED);
    assertRefused(() -> service.retry(blocked, tab), ErrorCode.USER_BLOCKED);

    assertThat(core.enrollments.all()).isEmpty();
  }

  @Test
  void aDisabledUserCannotBegin() {
    User disabled = core.users.add("dave", UserStatus.DISABLED, core.clock.instant());

    assertRefused(() -> service.begin(disabled, tab), ErrorCode.USER_DISABLED);
  }

  @Test
  void blockingDuringARegistrationStopsItsConfirmation() {
    Enrollment started = service.begin(alice, tab);
    core.users.block(alice.id(), "admin", core.clock.instant());

    assertRefused(
        () ->
            service.confirm(core.reload(alice), started.id(), core.code(started.secret(), 0), tab),
        ErrorCode.USER_BLOCKED);
    // Even through a stale copy of the user, the store's conditional reservation refuses.
    assertRefused(
        () -> service.confirm(alice, started.id(), core.code(started.secret(), 0), tab),
        ErrorCode.USER_BLOCKED);
    assertThat(core.credentials.findByUser(alice.id())).isEmpty();
  }

  @Test
  void noAuditRecordHoldsTheSecretOrACode() {
    Enrollment first = service.begin(alice, tab);
    String wrong = core.wrongCode(first.secret());
    assertRefused(() -> service.confirm(alice, first.id(), wrong, tab), ErrorCode.INVALID_CODE);
    core.clock.set(first.deadline());
    Enrollment second = service.retry(alice, tab);
    String right = core.code(second.secret(), 0);
    service.confirm(alice, second.id(), right, tab);

    List<Secret> secrets = List.of(first.secret(), second.secret());
    for (AuditEvent event : core.audit.events()) {
      String text = String.join("|", event.username(), event.reason(), event.detail());
      for (Secret secret : secrets) {
        assertThat(text).doesNotContain(secret.base32()).doesNotContainIgnoringCase(hex(secret));
      }
      for (String code : List.of(wrong, right)) {
        assertThat(
                Pattern.compile("(?<![0-9A-Za-z])" + code + "(?![0-9A-Za-z])").matcher(text).find())
            .as("%s in %s", code, text)
            .isFalse();
      }
    }
  }

  @Test
  void afterACompletedRegistrationBeginStartsANewFlow() {
    Enrollment first = service.begin(alice, tab);
    service.confirm(alice, first.id(), core.code(first.secret(), 0), tab);

    Enrollment another = service.begin(alice, tab);

    assertThat(another.flowId()).isNotEqualTo(first.flowId());
    assertThat(another.attempt()).isEqualTo(1);
    assertThat(another.secret()).isNotEqualTo(first.secret());
  }

  private static String hex(Secret secret) {
    return java.util.HexFormat.of().formatHex(secret.bytes());
  }
}
