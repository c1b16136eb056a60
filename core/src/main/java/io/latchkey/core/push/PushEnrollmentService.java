package io.latchkey.core.push;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.enrollment.RegistrationPolicy;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.method.Method;
import io.latchkey.core.method.MethodId;
import io.latchkey.core.method.MethodKind;
import io.latchkey.core.method.MethodRepository;
import io.latchkey.core.notice.NoticeKind;
import io.latchkey.core.notice.Notices;
import io.latchkey.core.tx.Transactions;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserRepository;
import io.latchkey.core.verification.Lockout;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Registers a push device, one explicit transition per method (STYLE 5):
 *
 * <ol>
 *   <li>{@link #begin}: a one-time activation code in a QR code, with a step deadline. A reload or
 *       a second tab gets the same attempt and the same code.
 *   <li>{@link #activate}: the device presents the code, its public key (with proof that it holds
 *       the private key) and its posture. The posture and network rules may refuse it, naming the
 *       rule. Otherwise the device is stored as pending and a test challenge goes out, with a new
 *       deadline for the approval step.
 *   <li>{@link #testApproved}: approving the test (with the number the page shows) makes the device
 *       a method. {@link #testDenied} ends the attempt.
 *   <li>{@link #current} / {@link #expireOverdue}: a passed deadline times the attempt out.
 *   <li>{@link #retry}: Next. After a time-out while waiting for approval, the same device gets a
 *       fresh test challenge; otherwise a fresh activation code (the old one is refused).
 * </ol>
 */
public final class PushEnrollmentService {
  private static final Duration MAX_TEST_WAIT = PushPolicy.MAX_TTL;

  private final PushEnrollmentRepository enrollments;
  private final PushDeviceRepository devices;
  private final ChallengeRepository challenges;
  private final ChallengePublisher publisher;
  private final MethodRepository methods;
  private final UserRepository users;
  private final Transactions transactions;
  private final ActivationCodes codes;
  private final NumberSource numbers;
  private final AuditLog audit;
  private final Clock clock;
  private final Supplier<RegistrationPolicy> registration;
  private final Supplier<PushPolicy> policy;
  private final Notices notices;
  private final io.latchkey.core.enrollment.RegistrationGuard guard;

  /** Without a limit on registration attempts (tests of push alone). */
  public PushEnrollmentService(
      PushEnrollmentRepository enrollments,
      PushDeviceRepository devices,
      ChallengeRepository challenges,
      ChallengePublisher publisher,
      MethodRepository methods,
      UserRepository users,
      Transactions transactions,
      ActivationCodes codes,
      NumberSource numbers,
      AuditLog audit,
      Clock clock,
      Supplier<RegistrationPolicy> registration,
      Supplier<PushPolicy> policy,
      Notices notices) {
    this(
        enrollments,
        devices,
        challenges,
        publisher,
        methods,
        users,
        transactions,
        codes,
        numbers,
        audit,
        clock,
        registration,
        policy,
        notices,
        io.latchkey.core.enrollment.RegistrationGuard.NONE);
  }

  /**
   * @param guard asked before every new attempt (start or retry): the automatic block on too many
   */
  public PushEnrollmentService(
      PushEnrollmentRepository enrollments,
      PushDeviceRepository devices,
      ChallengeRepository challenges,
      ChallengePublisher publisher,
      MethodRepository methods,
      UserRepository users,
      Transactions transactions,
      ActivationCodes codes,
      NumberSource numbers,
      AuditLog audit,
      Clock clock,
      Supplier<RegistrationPolicy> registration,
      Supplier<PushPolicy> policy,
      Notices notices,
      io.latchkey.core.enrollment.RegistrationGuard guard) {
    this.guard = guard;
    this.enrollments = enrollments;
    this.devices = devices;
    this.challenges = challenges;
    this.publisher = publisher;
    this.methods = methods;
    this.users = users;
    this.transactions = transactions;
    this.codes = codes;
    this.numbers = numbers;
    this.audit = audit;
    this.clock = clock;
    this.registration = registration;
    this.policy = policy;
    this.notices = notices;
  }

  /** What the device sends to activate (docs/PUSH-PROTOCOL.md §3). */
  public record ActivationRequest(
      String code, String name, KeyAlgorithm algorithm, byte[] publicKey, Posture posture) {}

  /**
   * A successful activation.
   *
   * @param warnings message keys of the warnings (posture or network rules set to warn)
   */
  public record Activation(
      PushDevice device, User user, PushEnrollment enrollment, List<String> warnings) {}

  /** The QR code's contents for a pending attempt that awaits activation. */
  public ActivationUri activationUri(PushEnrollment enrollment, URI server) {
    if (enrollment.state() != PushEnrollmentState.AWAITING_ACTIVATION) {
      throw new LatchkeyException(ErrorCode.CONFLICT, "the registration is not awaiting a device");
    }
    return new ActivationUri(server, codes.codeFor(enrollment.id()), enrollment.deadline());
  }

  /** Starts a push registration, or resumes the pending one. */
  public PushEnrollment begin(User user, RequestContext context) {
    Lockout.requireActive(user);
    requireAllowed(user, context);
    Optional<PushEnrollment> pending = current(user, context).filter(e -> e.state().pending());
    if (pending.isPresent()) {
      audit.record(
          record(AuditEventType.PUSH_REGISTRATION_RESUMED, pending.get(), user, context)
              .detail("the pending push registration was opened again (reload or second tab)")
              .build());
      return pending.get();
    }
    return startActivation(
        user, UUID.randomUUID(), 1, AuditEventType.PUSH_REGISTRATION_STARTED, context);
  }

  /**
   * Starts over for a browser session that did not start the pending attempt: the pending attempt
   * is superseded (its activation code stops working, a device it activated is revoked) and a fresh
   * activation code is made in the same flow. An activation code shown to one session is never
   * shown to another (issue 12).
   */
  public PushEnrollment replacePending(User user, RequestContext context) {
    Lockout.requireActive(user);
    requireAllowed(user, context);
    Optional<PushEnrollment> pending = current(user, context).filter(e -> e.state().pending());
    if (pending.isEmpty() || !supersede(pending.get())) {
      return begin(user, context);
    }
    PushEnrollment old = pending.get();
    return startActivation(
        user, old.flowId(), old.attempt() + 1, AuditEventType.PUSH_REGISTRATION_RETRIED, context);
  }

  /**
   * Ends the user's pending push registration, if any, because another method was just registered:
   * a registration left open elsewhere (perhaps by someone with the password alone, while the user
   * had nothing to prove) cannot complete later (issue 12).
   */
  public void supersedePending(User user, RequestContext context) {
    current(user, context).filter(e -> e.state().pending()).ifPresent(this::supersede);
  }

  private boolean supersede(PushEnrollment enrollment) {
    Instant now = clock.instant();
    if (!enrollments.finish(
        enrollment.id(), PushEnrollmentState.SUPERSEDED, now, null, null, null)) {
      return false;
    }
    if (enrollment.deviceId() != null) {
      devices.revoke(enrollment.deviceId(), now);
    }
    return true;
  }

  /** The user's latest attempt, timed out first if its deadline passed. */
  public Optional<PushEnrollment> current(User user, RequestContext context) {
    Optional<PushEnrollment> latest = enrollments.findLatest(user.id());
    if (latest.isPresent() && latest.get().expiredAt(clock.instant())) {
      timeOut(latest.get(), user, context);
      return enrollments.findById(latest.get().id());
    }
    return latest;
  }

  /**
   * Next: after a time-out in the approval step, a fresh test challenge to the same device; after
   * any other ending, a fresh activation code. A pending attempt (another tab did it) is returned.
   */
  public PushEnrollment retry(User user, RequestContext context) {
    Lockout.requireActive(user);
    requireAllowed(user, context);
    Optional<PushEnrollment> latest = current(user, context);
    if (latest.isEmpty() || latest.get().state() == PushEnrollmentState.COMPLETED) {
      return begin(user, context);
    }
    PushEnrollment last = latest.get();
    if (last.state().pending()) {
      return last;
    }
    if (last.state() == PushEnrollmentState.TIMED_OUT && last.deviceId() != null) {
      Optional<PushDevice> device =
          devices
              .findById(last.deviceId())
              .filter(d -> d.state() == PushDevice.DeviceState.PENDING);
      if (device.isPresent()) {
        return resendTest(user, last, device.get(), context);
      }
    }
    if (last.deviceId() != null) {
      devices.revoke(last.deviceId(), clock.instant());
    }
    return startActivation(
        user, last.flowId(), last.attempt() + 1, AuditEventType.PUSH_REGISTRATION_RETRIED, context);
  }

  /**
   * A device presents an activation code.
   *
   * @param proof the activation request as signed with the new key (proof of possession)
   * @throws LatchkeyException {@code invalid_code} for an unknown or used code, {@code
   *     enrollment_timed_out} after the deadline, {@code device_not_compliant} or {@code
   *     network_mismatch} when a rule refuses (explanations name it), {@code unauthorized} for a
   *     bad proof
   */
  public Activation activate(
      ActivationRequest request, SignedRequest proof, RequestContext context) {
    PushPolicy rules = policy.get();
    Optional<PushEnrollment> found =
        enrollments.findAwaitingActivation(ActivationCodes.hash(request.code()));
    if (found.isEmpty()) {
      audit.record(
          AuditEvent.of(AuditEventType.PUSH_ACTIVATION_REJECTED, context, clock.instant())
              .failure(ErrorCode.INVALID_CODE.code())
              .detail(
                  "an activation code that is unknown, already used or replaced by Next was presented")
              .build());
      throw new LatchkeyException(ErrorCode.INVALID_CODE, "unknown or used activation code");
    }
    PushEnrollment enrollment = found.get();
    User user =
        users
            .findById(enrollment.userId())
            .orElseThrow(() -> new LatchkeyException(ErrorCode.INVALID_CODE, "user is gone"));
    if (!proof.fresh(clock.instant())
        || !request.algorithm().verify(publicKey(request), proof.payload(), proof.signature())) {
      audit.record(
          record(AuditEventType.PUSH_ACTIVATION_REJECTED, enrollment, user, context)
              .failure(ErrorCode.UNAUTHORIZED.code())
              .detail(
                  proof.fresh(clock.instant())
                      ? "the activation was not signed by the key it presented"
                      : "the device's clock is "
                          + proof.skew(clock.instant()).toSeconds()
                          + " s from the server's")
              .build());
      throw new LatchkeyException(
          ErrorCode.UNAUTHORIZED,
          "bad proof of possession",
          proof.fresh(clock.instant()) ? List.of() : List.of("device.clock_skewed"));
    }
    Lockout.requireActive(user);
    if (enrollment.expiredAt(clock.instant())) {
      timeOut(enrollment, user, context);
      throw new LatchkeyException(ErrorCode.ENROLLMENT_TIMED_OUT, "the activation code expired");
    }

    List<PostureCheck.Finding> findings = PostureCheck.evaluate(request.posture(), rules);
    List<PostureCheck.Finding> refusals =
        findings.stream().filter(f -> f.action() == RuleAction.REFUSE).toList();
    String evidence =
        "device \""
            + request.name()
            + "\" from "
            + context.ip()
            + ", browser from "
            + enrollment.browserIp()
            + "; posture: "
            + PostureCheck.summary(request.posture());
    if (!refusals.isEmpty()) {
      refuse(
          enrollment,
          user,
          context,
          ErrorCode.DEVICE_NOT_COMPLIANT,
          refusals.stream().map(PostureCheck.Finding::messageKey).toList(),
          "Refused by posture policy ("
              + String.join(", ", refusals.stream().map(f -> f.rule().policyKey()).toList())
              + "): "
              + String.join("; ", refusals.stream().map(f -> f.rule().description()).toList())
              + ". "
              + evidence);
      throw new LatchkeyException(
          ErrorCode.DEVICE_NOT_COMPLIANT,
          "posture rules refused the device: "
              + String.join(", ", refusals.stream().map(f -> f.rule().wireName()).toList()),
          refusals.stream().map(PostureCheck.Finding::messageKey).toList());
    }
    NetworkRule network = rules.network();
    boolean sameNetwork = network.sameNetwork(enrollment.browserIp(), context.ip());
    if (network.action() == RuleAction.REFUSE && !sameNetwork) {
      refuse(
          enrollment,
          user,
          context,
          ErrorCode.NETWORK_MISMATCH,
          List.of("network.mismatch.refused"),
          "Refused by network policy: the browser came from "
              + enrollment.browserIp()
              + " and the device from "
              + context.ip()
              + " (compared on /"
              + network.ipv4Prefix()
              + " for IPv4, /"
              + network.ipv6Prefix()
              + " for IPv6). "
              + evidence);
      throw new LatchkeyException(
          ErrorCode.NETWORK_MISMATCH,
          "browser " + enrollment.browserIp() + " and device " + context.ip() + " differ",
          List.of("network.mismatch.refused"));
    }

    List<String> warnings = new ArrayList<>();
    findings.stream()
        .filter(f -> f.action() == RuleAction.WARN)
        .forEach(f -> warnings.add(f.messageKey()));
    if (network.action() == RuleAction.WARN && !sameNetwork) {
      warnings.add("network.mismatch.warned");
    }
    Instant now = clock.instant();
    Duration offset = request.posture().clockOffset(now);
    if (offset.abs().compareTo(Duration.ofSeconds(30)) > 0) {
      warnings.add("device.clock_offset.warned");
    }

    PushDevice device =
        new PushDevice(
            UUID.randomUUID(),
            user.id(),
            null,
            enrollment.flowId(),
            request.name(),
            request.algorithm(),
            request.publicKey(),
            request.posture(),
            PushDevice.DeviceState.PENDING,
            now,
            context.ip());
    Challenge test = testChallenge(user, device, enrollment.browserIp(), context);
    transactions.inTransaction(
        () -> {
          devices.insert(device);
          challenges.insert(test);
          if (!enrollments.activated(
              enrollment.id(), device.id(), context.ip(), test.id(), test.expiresAt())) {
            throw new LatchkeyException(
                ErrorCode.INVALID_CODE, "the activation code was used meanwhile");
          }
          return true;
        });
    audit.record(
        record(AuditEventType.PUSH_DEVICE_ACTIVATED, enrollment, user, context)
            .detail(
                "Device activated: "
                    + evidence
                    + "; clock offset "
                    + offset.toSeconds()
                    + " s. Test request sent, to be approved by "
                    + test.expiresAt()
                    + ".")
            .build());
    if (!warnings.isEmpty()) {
      audit.record(
          record(AuditEventType.PUSH_DEVICE_WARNING, enrollment, user, context)
              .reason(String.join(",", warnings))
              .detail(
                  "Allowed with warnings ("
                      + String.join(", ", warnings)
                      + "): "
                      + evidence
                      + "; clock offset "
                      + offset.toSeconds()
                      + " s")
              .build());
    }
    audit.record(
        record(AuditEventType.PUSH_CHALLENGE_CREATED, enrollment, user, context)
            .detail(
                "registration test request " + test.id() + " created, expires " + test.expiresAt())
            .build());
    publisher.publish(test);
    return new Activation(
        device, user, enrollments.findById(enrollment.id()).orElseThrow(), List.copyOf(warnings));
  }

  /** The test challenge was approved with the right number: the device becomes a method. */
  public void testApproved(Challenge challenge, PushDevice device, RequestContext context) {
    Optional<PushEnrollment> found = enrollments.findByTestChallenge(challenge.id());
    if (found.isEmpty()) {
      return;
    }
    PushEnrollment enrollment = found.get();
    User user = users.findById(enrollment.userId()).orElseThrow();
    Instant now = clock.instant();
    boolean completed =
        transactions.inTransaction(
            () -> {
              if (!enrollments.finish(
                  enrollment.id(), PushEnrollmentState.COMPLETED, now, null, null, null)) {
                return false;
              }
              Method method =
                  new Method(
                      MethodId.random(),
                      user.id(),
                      MethodKind.PUSH,
                      "Push approval: " + device.name(),
                      now,
                      enrollment.browserIp(),
                      enrollment.userAgent(),
                      now);
              methods.insert(method);
              if (!devices.activate(device.id(), method.id())) {
                throw new LatchkeyException(ErrorCode.CONFLICT, "the device changed meanwhile");
              }
              notices.send(
                  user.id(),
                  NoticeKind.METHOD_ADDED,
                  context,
                  java.util.Map.of("method", MethodKind.PUSH.name(), "device", device.name()));
              return true;
            });
    if (completed) {
      audit.record(
          record(AuditEventType.PUSH_REGISTRATION_COMPLETED, enrollment, user, context)
              .detail(
                  "push device \""
                      + device.name()
                      + "\" registered (attempt "
                      + enrollment.attempt()
                      + "); the test request was approved from "
                      + context.ip())
              .build());
    }
  }

  /** The user denied (or reported) the test challenge: the attempt ends; Next starts again. */
  public void testDenied(Challenge challenge, RequestContext context) {
    testRefused(
        challenge,
        context,
        ErrorCode.CHALLENGE_DENIED,
        "the test request was denied on the device");
  }

  /**
   * The app typed a number that is not the page's for the test challenge: the attempt ends as a
   * number mismatch (not a denial), so that the page, the app, the audit and the diagnosis agree
   * (issue 15); Next starts again.
   */
  public void testNumberMismatch(Challenge challenge, RequestContext context) {
    testRefused(
        challenge,
        context,
        ErrorCode.NUMBER_MISMATCH,
        "the number typed in the app for the test request did not match the number the"
            + " registration page showed");
  }

  private void testRefused(
      Challenge challenge, RequestContext context, ErrorCode code, String detail) {
    enrollments
        .findByTestChallenge(challenge.id())
        .ifPresent(
            enrollment -> {
              if (enrollments.finish(
                  enrollment.id(),
                  PushEnrollmentState.REFUSED,
                  clock.instant(),
                  code.code(),
                  null,
                  context.correlationId())) {
                users
                    .findById(enrollment.userId())
                    .ifPresent(
                        user ->
                            audit.record(
                                record(
                                        AuditEventType.PUSH_REGISTRATION_REFUSED,
                                        enrollment,
                                        user,
                                        context)
                                    .failure(code.code())
                                    .detail(detail)
                                    .build()));
                devices.revoke(enrollment.deviceId(), clock.instant());
              }
            });
  }

  /**
   * The time-out page is being shown for {@code enrollment}: unless this very request timed it out,
   * an event under this request's correlation ID joins the registration's flow, so that the ID on
   * the page (first view or reload) diagnoses to the time-out the background sweep or an earlier
   * request recorded under its own ID (issue 15).
   */
  public void timeoutShown(PushEnrollment enrollment, User user, RequestContext context) {
    if (context.correlationId().equals(enrollment.failureCorrelationId())) {
      return;
    }
    audit.record(
        record(AuditEventType.PUSH_REGISTRATION_TIMEOUT_SHOWN, enrollment, user, context)
            .failure(ErrorCode.ENROLLMENT_TIMED_OUT.code())
            .detail(
                "the time-out page was shown for attempt "
                    + enrollment.attempt()
                    + " (step deadline "
                    + enrollment.deadline()
                    + ", timed out under correlation ID "
                    + enrollment.failureCorrelationId()
                    + "); the time-out itself is recorded in this registration's timeline")
            .build());
  }

  /** Times out every overdue pending attempt (the sweeper). */
  public int expireOverdue(RequestContext context) {
    int count = 0;
    for (PushEnrollment enrollment : enrollments.findOverdue(clock.instant(), 100)) {
      Optional<User> user = users.findById(enrollment.userId());
      if (user.isPresent() && timeOut(enrollment, user.get(), context)) {
        count++;
      }
    }
    return count;
  }

  private boolean timeOut(PushEnrollment enrollment, User user, RequestContext context) {
    if (!enrollments.finish(
        enrollment.id(),
        PushEnrollmentState.TIMED_OUT,
        clock.instant(),
        ErrorCode.ENROLLMENT_TIMED_OUT.code(),
        null,
        context.correlationId())) {
      return false;
    }
    String what =
        enrollment.state() == PushEnrollmentState.AWAITING_ACTIVATION
            ? "No device activated with the QR code"
            : "The test request to device "
                + enrollment.deviceId()
                + " (from "
                + enrollment.deviceIp()
                + ") was not approved";
    audit.record(
        record(AuditEventType.PUSH_REGISTRATION_TIMED_OUT, enrollment, user, context)
            .failure(ErrorCode.ENROLLMENT_TIMED_OUT.code())
            .reason(
                enrollment.state() == PushEnrollmentState.AWAITING_ACTIVATION
                    ? "activation_timed_out"
                    : "test_approval_timed_out")
            .detail(
                what
                    + " before the step deadline "
                    + enrollment.deadline()
                    + " (attempt "
                    + enrollment.attempt()
                    + ", started "
                    + enrollment.createdAt()
                    + "). "
                    + io.latchkey.core.enrollment.EnrollmentService.stepDeadline(
                        enrollment.createdAt(), enrollment.deadline()))
            .build());
    if (enrollment.testChallengeId() != null) {
      challenges.expire(enrollment.testChallengeId(), clock.instant());
    }
    return true;
  }

  private void refuse(
      PushEnrollment enrollment,
      User user,
      RequestContext context,
      ErrorCode code,
      List<String> reasons,
      String detail) {
    enrollments.finish(
        enrollment.id(),
        PushEnrollmentState.REFUSED,
        clock.instant(),
        code.code(),
        String.join(",", reasons),
        context.correlationId());
    audit.record(
        record(AuditEventType.PUSH_REGISTRATION_REFUSED, enrollment, user, context)
            .failure(code.code())
            .detail(detail)
            .build());
  }

  private void requireAllowed(User user, RequestContext context) {
    io.latchkey.core.enrollment.AllowedMethods.require(
        registration.get(), MethodKind.PUSH, "push approval", user, audit, clock, context);
  }

  private PushEnrollment startActivation(
      User user, UUID flowId, int attempt, AuditEventType event, RequestContext context) {
    guard.beforeAttempt(user, context);
    Instant now = clock.instant();
    UUID id = UUID.randomUUID();
    PushEnrollment attemptRecord =
        new PushEnrollment(
            id,
            flowId,
            user.id(),
            PushEnrollmentState.AWAITING_ACTIVATION,
            attempt,
            ActivationCodes.hash(codes.codeFor(id)),
            now,
            now.plus(registration.get().stepDeadline()),
            context.correlationId(),
            context.ip(),
            context.userAgent(),
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    return insert(attemptRecord, user, event, context, "new activation code issued");
  }

  private PushEnrollment resendTest(
      User user, PushEnrollment last, PushDevice device, RequestContext context) {
    guard.beforeAttempt(user, context);
    Instant now = clock.instant();
    Challenge test = testChallenge(user, device, context.ip(), context);
    PushEnrollment attemptRecord =
        new PushEnrollment(
            UUID.randomUUID(),
            last.flowId(),
            user.id(),
            PushEnrollmentState.AWAITING_APPROVAL,
            last.attempt() + 1,
            null,
            now,
            test.expiresAt(),
            context.correlationId(),
            context.ip(),
            context.userAgent(),
            device.id(),
            last.deviceIp(),
            test.id(),
            null,
            null,
            null,
            null);
    PushEnrollment inserted =
        transactions.inTransaction(
            () -> {
              challenges.insert(test);
              if (!enrollments.insertPending(attemptRecord)) {
                throw new LatchkeyException(
                    ErrorCode.CONFLICT, "the registration changed; reload the page");
              }
              return attemptRecord;
            });
    audit.record(
        record(AuditEventType.PUSH_REGISTRATION_RETRIED, inserted, user, context)
            .detail(
                "test request "
                    + test.id()
                    + " sent again to device \""
                    + device.name()
                    + "\" (attempt "
                    + inserted.attempt()
                    + "), deadline "
                    + inserted.deadline())
            .build());
    publisher.publish(test);
    return inserted;
  }

  private PushEnrollment insert(
      PushEnrollment attemptRecord,
      User user,
      AuditEventType event,
      RequestContext context,
      String what) {
    if (!enrollments.insertPending(attemptRecord)) {
      return enrollments
          .findLatest(user.id())
          .filter(e -> e.state().pending())
          .orElseThrow(
              () -> new LatchkeyException(ErrorCode.CONFLICT, "registration changed; try again"));
    }
    audit.record(
        record(event, attemptRecord, user, context)
            .detail(
                what
                    + " (attempt "
                    + attemptRecord.attempt()
                    + "), deadline "
                    + attemptRecord.deadline())
            .build());
    return attemptRecord;
  }

  private Challenge testChallenge(
      User user, PushDevice device, String requesterIp, RequestContext context) {
    Instant now = clock.instant();
    Duration wait = registration.get().stepDeadline();
    if (wait.compareTo(MAX_TEST_WAIT) > 0) {
      wait = MAX_TEST_WAIT;
    }
    return new Challenge(
        UUID.randomUUID(),
        user.id(),
        user.username().value(),
        Challenge.Purpose.REGISTRATION_TEST,
        device.id(),
        "Latchkey registration test",
        requesterIp,
        numbers.next(policy.get().numberDigits()),
        now,
        now.plus(wait),
        ChallengeState.PENDING,
        null,
        null,
        context.correlationId());
  }

  private static java.security.PublicKey publicKey(ActivationRequest request) {
    try {
      return request.algorithm().publicKey(request.publicKey());
    } catch (IllegalArgumentException e) {
      throw new LatchkeyException(ErrorCode.BAD_REQUEST, "the public key is not valid");
    }
  }

  private AuditEvent.Builder record(
      AuditEventType type, PushEnrollment enrollment, User user, RequestContext context) {
    return AuditEvent.of(type, context, clock.instant())
        .flow(enrollment.flowId())
        .user(user.id(), user.username().value());
  }
}
