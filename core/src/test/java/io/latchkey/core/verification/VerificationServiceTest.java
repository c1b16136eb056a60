package io.latchkey.core.verification;

import static io.latchkey.core.testing.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.otp.Secret;
import io.latchkey.core.testing.CoreFixture;
import io.latchkey.core.testing.Requests;
import io.latchkey.core.totp.TotpCredential;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserStatus;
import io.latchkey.core.verification.VerificationService.Verified;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class VerificationServiceTest {
  private static final int THRESHOLD = 3;

  private final CoreFixture core = new CoreFixture(THRESHOLD);
  private final VerificationService service = core.verification;
  private final User alice = core.addUser("alice");
  private final TotpCredential credential = core.registerTotp(alice);
  private final Secret secret = credential.secret();

  @Test
  void acceptsTheCurrentCodeAndConsumesItsStep() {
    Verified verified = verify(core.code(secret, 0));

    assertThat(verified.user().id()).isEqualTo(alice.id());
    assertThat(verified.methodId()).isEqualTo(credential.methodId());
    assertThat(verified.at()).isEqualTo(core.clock.instant());
    assertThat(stored().lastUsedStep()).isEqualTo(core.currentStep());
    assertThat(core.credentials.methods().get(0).lastUsedAt()).isEqualTo(core.clock.instant());
    AuditEvent event = core.audit.single(AuditEventType.VERIFICATION_ACCEPTED);
    assertThat(event.success()).isTrue();
    assertThat(event.userId()).isEqualTo(alice.id());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ALICE", "  Alice ", "\uFF21\uFF4C\uFF49\uFF43\uFF45"})
  void findsTheUserByTheCanonicalName(String typed) {
    Verified verified = service.verify(typed, core.code(secret, 0), Requests.by("app"));

    assertThat(verified.user().id()).isEqualTo(alice.id());
  }

  @Test
  void theSameCodeTwiceIsReportedAsReusedAndCounted() {
    String code = core.code(secret, 0);
    verify(code);

    assertRefused(() -> verify(code), ErrorCode.CODE_REUSED);

    assertThat(core.reload(alice).failedAttempts()).isEqualTo(1);
    AuditEvent event = core.audit.single(AuditEventType.VERIFICATION_REUSED);
    assertThat(event.success()).isFalse();
    assertThat(event.reason()).isEqualTo("code_reused");
    assertThat(event.detail()).contains(credential.methodId().toString()).doesNotContain(code);
  }

  @Test
  void anOlderStepAfterANewerOneIsRefused() {
    verify(core.code(secret, 0));

    assertRefused(() -> verify(core.code(secret, -1)), ErrorCode.CODE_REUSED);

    assertThat(stored().lastUsedStep()).isEqualTo(core.currentStep());
  }

  @Test
  void aWrongCodeIsInvalidCountedAndAudited() {
    assertRefused(() -> verify(core.wrongCode(secret)), ErrorCode.INVALID_CODE);

    assertThat(core.reload(alice).failedAttempts()).isEqualTo(1);
    assertThat(stored().lastUsedStep()).isEqualTo(credential.lastUsedStep());
    AuditEvent event = core.audit.single(AuditEventType.VERIFICATION_REJECTED);
    assertThat(event.success()).isFalse();
    assertThat(event.reason()).isEqualTo("invalid_code");
    assertThat(event.userId()).isEqualTo(alice.id());
  }

  @Test
  void aCodeTwoStepsAwayIsOutsideTheWindow() {
    assertRefused(() -> verify(core.code(secret, 2)), ErrorCode.INVALID_CODE);
    assertRefused(() -> verify(core.code(secret, -2)), ErrorCode.INVALID_CODE);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "12345",
        "1234567",
        " 123456",
        "123 456",
        "+123456",
        "12345e",
        "\uFF11\uFF12\uFF13\uFF14\uFF15\uFF16",
        "\u0661\u0662\u0663\u0664\u0665\u0666",
        "123456\n"
      })
  void aMalformedCodeIsABadRequestAndCounted(String malformed) {
    assertRefused(() -> verify(malformed), ErrorCode.BAD_REQUEST);

    assertThat(core.reload(alice).failedAttempts()).isEqualTo(1);
    assertThat(core.audit.single(AuditEventType.VERIFICATION_REJECTED).reason())
        .isEqualTo("bad_request");
  }

  @Test
  void theRightCodeInFullWidthDigitsIsStillABadRequest() {
    String code = core.code(secret, 0);
    StringBuilder fullWidth = new StringBuilder();
    code.chars().forEach(c -> fullWidth.appendCodePoint(0xFF10 + c - '0'));

    assertRefused(() -> verify(fullWidth.toString()), ErrorCode.BAD_REQUEST);
    assertThat(stored().lastUsedStep()).isEqualTo(credential.lastUsedStep());
  }

  @Test
  void anUnknownUserIsNotFoundAndAudited() {
    assertRefused(
        () -> service.verify("Mallory", "123456", Requests.by("app")), ErrorCode.NOT_FOUND);

    AuditEvent event = core.audit.single(AuditEventType.VERIFICATION_REJECTED);
    assertThat(event.reason()).isEqualTo("not_found");
    assertThat(event.userId()).isNull();
    assertThat(event.username()).isEqualTo("mallory");
  }

  @Test
  void aUserWithoutAMethodIsNotEnrolled() {
    core.addUser("bob");

    assertRefused(
        () -> service.verify("bob", "123456", Requests.by("app")), ErrorCode.NOT_ENROLLED);

    assertThat(core.audit.single(AuditEventType.VERIFICATION_REJECTED).reason())
        .isEqualTo("not_enrolled");
  }

  @Test
  void aDisabledUserIsRefusedEvenWithTheRightCode() {
    User dave = core.users.add("dave", UserStatus.DISABLED, core.clock.instant());
    TotpCredential daves = core.registerTotp(dave);

    assertRefused(
        () -> service.verify("dave", core.code(daves.secret(), 0), Requests.by("app")),
        ErrorCode.USER_DISABLED);

    assertThat(core.credentials.get(daves.methodId()).lastUsedStep())
        .isEqualTo(daves.lastUsedStep());
  }

  @Test
  void afterThresholdFailuresTheUserIsBlockedExactlyOnceAndTheRightCodeIsRefused() {
    String wrong = core.wrongCode(secret);
    for (int i = 0; i < THRESHOLD; i++) {
      assertRefused(() -> verify(wrong), ErrorCode.INVALID_CODE);
    }

    assertThat(core.reload(alice).status()).isEqualTo(UserStatus.BLOCKED);
    assertRefused(() -> verify(core.code(secret, 0)), ErrorCode.USER_BLOCKED);
    assertRefused(() -> verify(wrong), ErrorCode.USER_BLOCKED);
    assertRefused(() -> verify("12"), ErrorCode.USER_BLOCKED);

    List<AuditEvent> blocked = core.audit.ofType(AuditEventType.USER_BLOCKED);
    assertThat(blocked).hasSize(1);
    assertThat(blocked.get(0).reason()).isEqualTo("too_many_failures");
    assertThat(blocked.get(0).userId()).isEqualTo(alice.id());
    assertThat(stored().lastUsedStep())
        .as("a blocked user's right code is not consumed")
        .isEqualTo(credential.lastUsedStep());
    assertThat(core.audit.ofType(AuditEventType.VERIFICATION_REJECTED))
        .extracting(AuditEvent::reason)
        .endsWith("user_blocked", "user_blocked", "user_blocked");
  }

  @Test
  void aSuccessResetsTheCount() {
    String wrong = core.wrongCode(secret);
    for (int i = 0; i < THRESHOLD - 1; i++) {
      assertRefused(() -> verify(wrong), ErrorCode.INVALID_CODE);
    }

    verify(core.code(secret, 0));
    assertThat(core.reload(alice).failedAttempts()).isZero();
    for (int i = 0; i < THRESHOLD - 1; i++) {
      assertRefused(() -> verify(wrong), ErrorCode.INVALID_CODE);
    }

    assertThat(core.reload(alice).status()).isEqualTo(UserStatus.ACTIVE);
    assertThat(core.audit.ofType(AuditEventType.USER_BLOCKED)).isEmpty();
  }

  @Test
  void anUnblockDoesNotReopenAUsedCode() {
    String code = core.code(secret, 0);
    verify(code);
    core.users.block(alice.id(), "admin", core.clock.instant());
    core.users.unblock(alice.id());

    assertRefused(() -> verify(code), ErrorCode.CODE_REUSED);
  }

  @Test
  void aCodeOneStepAheadIsAcceptedAndTheNextWindowIsShiftedByItsDrift() {
    verify(core.code(secret, 1));
    assertThat(stored().drift()).isEqualTo(1);
    assertThat(stored().lastUsedStep()).isEqualTo(core.currentStep() + 1);

    core.clock.advance(CoreFixture.STEP.multipliedBy(3));

    // One step behind the server would pass an unshifted window; the app runs ahead, so not here.
    assertRefused(() -> verify(core.code(secret, -1)), ErrorCode.INVALID_CODE);
    verify(core.code(secret, 2));
    assertThat(stored().drift()).isEqualTo(2);
  }

  @Test
  void theRememberedDriftShiftsTheWindowByAtMostItsWidth() {
    verify(core.code(secret, 1));
    core.clock.advance(CoreFixture.STEP.multipliedBy(3));
    verify(core.code(secret, 2));
    assertThat(stored().drift()).isEqualTo(2);
    core.clock.advance(CoreFixture.STEP.multipliedBy(4));

    assertRefused(() -> verify(core.code(secret, 3)), ErrorCode.INVALID_CODE);
    verify(core.code(secret, 2));
  }

  @Test
  void aCodeOfAnotherUsersAuthenticatorIsInvalid() {
    User bob = core.addUser("bob");
    TotpCredential bobs = core.registerTotp(bob);

    assertRefused(() -> verify(core.code(bobs.secret(), 0)), ErrorCode.INVALID_CODE);
    assertThat(core.credentials.get(bobs.methodId()).lastUsedStep()).isEqualTo(bobs.lastUsedStep());
  }

  @Test
  void fiftyRacingRequestsWithTheSameCodeAcceptExactlyOne() throws Exception {
    CoreFixture roomy = new CoreFixture(100);
    User bob = roomy.addUser("bob");
    TotpCredential bobs = roomy.registerTotp(bob);
    String code = roomy.code(bobs.secret(), 0);
    int racers = 50;
    CountDownLatch start = new CountDownLatch(1);
    List<Callable<String>> requests = new ArrayList<>();
    for (int i = 0; i < racers; i++) {
      requests.add(
          () -> {
            start.await();
            try {
              roomy.verification.verify("bob", code, Requests.by("app"));
              return "accepted";
            } catch (LatchkeyException e) {
              return e.code().code();
            }
          });
    }

    List<String> outcomes = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(racers)) {
      List<Future<String>> futures = new ArrayList<>();
      for (Callable<String> request : requests) {
        futures.add(pool.submit(request));
      }
      start.countDown();
      for (Future<String> future : futures) {
        outcomes.add(result(future));
      }
    }

    assertThat(outcomes).filteredOn("accepted"::equals).hasSize(1);
    assertThat(outcomes).filteredOn("code_reused"::equals).hasSize(racers - 1);
    assertThat(roomy.credentials.get(bobs.methodId()).lastUsedStep())
        .isEqualTo(roomy.currentStep());
    assertThat(roomy.audit.ofType(AuditEventType.VERIFICATION_ACCEPTED)).hasSize(1);
    assertThat(roomy.audit.ofType(AuditEventType.VERIFICATION_REUSED)).hasSize(racers - 1);
  }

  private static String result(Future<String> future) throws InterruptedException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      throw new AssertionError(e.getCause());
    }
  }

  private Verified verify(String code) {
    return service.verify("alice", code, Requests.by("app"));
  }

  private TotpCredential stored() {
    return core.credentials.get(credential.methodId());
  }
}
