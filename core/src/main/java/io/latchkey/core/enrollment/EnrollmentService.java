package io.latchkey.core.enrollment;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.method.Method;
import io.latchkey.core.method.MethodId;
import io.latchkey.core.method.MethodKind;
import io.latchkey.core.notice.NoticeKind;
import io.latchkey.core.notice.Notices;
import io.latchkey.core.otp.OtpAuthUri;
import io.latchkey.core.otp.OtpCodes;
import io.latchkey.core.otp.Secret;
import io.latchkey.core.otp.TotpVerifier;
import io.latchkey.core.totp.TotpCredential;
import io.latchkey.core.totp.TotpCredentialRepository;
import io.latchkey.core.tx.Transactions;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserRepository;
import io.latchkey.core.verification.Lockout;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Registers a TOTP authenticator, one explicit transition per method (STYLE 5):
 *
 * <ol>
 *   <li>{@link #begin}: a fresh secret, bound server-side to the user, with a step deadline. A
 *       reload or a second tab gets the same pending attempt, never a second one.
 *   <li>{@link #confirm}: the first code from the app proves the scan; the attempt completes and
 *       only then becomes a method, with the confirming step already used (SECURITY-TESTS C4).
 *   <li>{@link #current} / {@link #expireOverdue}: a passed deadline times the attempt out and
 *       wipes its secret, with an audit record naming the cause.
 *   <li>{@link #retry}: Next after a time-out issues a fresh secret in the same flow; the old
 *       secret is gone and never accepted.
 * </ol>
 */
public final class EnrollmentService {
  private final EnrollmentRepository enrollments;
  private final UserRepository users;
  private final TotpCredentialRepository credentials;
  private final Transactions transactions;
  private final Lockout lockout;
  private final AuditLog audit;
  private final TotpVerifier verifier;
  private final Clock clock;
  private final SecureRandom random;
  private final java.util.function.Supplier<RegistrationPolicy> policy;
  private final Notices notices;
  private final RegistrationGuard guard;

  /** Without a limit on registration attempts (tests of the wizard alone). */
  public EnrollmentService(
      EnrollmentRepository enrollments,
      UserRepository users,
      TotpCredentialRepository credentials,
      Transactions transactions,
      Lockout lockout,
      AuditLog audit,
      TotpVerifier verifier,
      Clock clock,
      SecureRandom random,
      java.util.function.Supplier<RegistrationPolicy> policy,
      Notices notices) {
    this(
        enrollments,
        users,
        credentials,
        transactions,
        lockout,
        audit,
        verifier,
        clock,
        random,
        policy,
        notices,
        RegistrationGuard.NONE);
  }

  /**
   * @param guard asked before every new attempt (start or retry): the automatic block on too many
   */
  public EnrollmentService(
      EnrollmentRepository enrollments,
      UserRepository users,
      TotpCredentialRepository credentials,
      Transactions transactions,
      Lockout lockout,
      AuditLog audit,
      TotpVerifier verifier,
      Clock clock,
      SecureRandom random,
      java.util.function.Supplier<RegistrationPolicy> policy,
      Notices notices,
      RegistrationGuard guard) {
    this.guard = guard;
    this.enrollments = enrollments;
    this.users = users;
    this.credentials = credentials;
    this.transactions = transactions;
    this.lockout = lockout;
    this.audit = audit;
    this.verifier = verifier;
    this.clock = clock;
    this.random = random;
    this.policy = policy;
    this.notices = notices;
  }

  /** The otpauth URI the QR code of a pending attempt carries. */
  public OtpAuthUri uriFor(Enrollment enrollment, User user) {
    requirePendingSecret(enrollment);
    return OtpAuthUri.of(
        policy.get().issuer(),
        user.username().value(),
        enrollment.secret(),
        enrollment.parameters());
  }

  /**
   * Starts a registration, or resumes the pending one (reload, second tab of the same browser
   * session; another session gets {@link #replacePending} instead). A pending attempt whose
   * deadline passed is timed out and a new one started.
   */
  public Enrollment begin(User user, RequestContext context) {
    Lockout.requireActive(user);
    requireAllowed(user, context);
    Optional<Enrollment> pending = current(user, context).filter(e -> e.state().pending());
    if (pending.isPresent()) {
      audit.record(
          record(AuditEventType.REGISTRATION_RESUMED, pending.get(), user, context)
              .detail(
                  "the pending registration was opened again (reload, second tab or new sign-in)")
              .build());
      return pending.get();
    }
    return startAttempt(user, UUID.randomUUID(), 1, AuditEventType.REGISTRATION_STARTED, context);
  }

  /**
   * Starts over for a browser session that did not start the pending attempt (another browser, a
   * private window, a new sign-in): the pending attempt is superseded, so its QR code stops
   * working, and a fresh secret is made in the same flow. A secret shown to one session is never
   * shown to another (issue 12: someone with the password could otherwise plant a secret that the
   * user then registers).
   */
  public Enrollment replacePending(User user, RequestContext context) {
    Lockout.requireActive(user);
    requireAllowed(user, context);
    Optional<Enrollment> pending = current(user, context).filter(e -> e.state().pending());
    if (pending.isEmpty()) {
      return begin(user, context);
    }
    Enrollment old = pending.get();
    if (!enrollments.finish(old.id(), EnrollmentState.SUPERSEDED, clock.instant())) {
      // Confirmed or timed out meanwhile: start as usual.
      return begin(user, context);
    }
    return startAttempt(
        user, old.flowId(), old.attempt() + 1, AuditEventType.REGISTRATION_RETRIED, context);
  }

  /**
   * The user's latest attempt, timing it out first if its deadline passed (the audit record of the
   * time-out carries this request's correlation ID, which the page then shows).
   */
  public Optional<Enrollment> current(User user, RequestContext context) {
    Optional<Enrollment> latest = enrollments.findLatest(user.id(), MethodKind.TOTP);
    if (latest.isPresent() && latest.get().expiredAt(clock.instant())) {
      timeOut(latest.get(), user, context);
      return enrollments.findById(latest.get().id());
    }
    return latest;
  }

  /**
   * Next, after a time-out: a fresh secret in the same flow. If another tab already did this, its
   * pending attempt is returned instead of a second one.
   */
  public Enrollment retry(User user, RequestContext context) {
    Lockout.requireActive(user);
    requireAllowed(user, context);
    Optional<Enrollment> latest = current(user, context);
    if (latest.isEmpty()) {
      return begin(user, context);
    }
    Enrollment last = latest.get();
    if (last.state().pending()) {
      return last;
    }
    if (last.state() == EnrollmentState.COMPLETED) {
      return begin(user, context);
    }
    return startAttempt(
        user, last.flowId(), last.attempt() + 1, AuditEventType.REGISTRATION_RETRIED, context);
  }

  /** The result of a confirmation: the new method, or the one a twin request already created. */
  public record Completion(UUID enrollmentId, boolean alreadyCompleted) {}

  /**
   * Confirms a pending attempt with the first code from the app. Only the attempt bound to this
   * user can be confirmed, only with its own secret; parameters come from the server, never from
   * the request (SECURITY-TESTS A2).
   *
   * @throws LatchkeyException {@code enrollment_timed_out} after the deadline, {@code invalid_code}
   *     for a wrong code (counted toward the lockout), {@code forbidden} for another user's attempt
   */
  public Completion confirm(User user, UUID enrollmentId, String code, RequestContext context) {
    Enrollment enrollment = owned(user, enrollmentId, context);
    if (enrollment.state() == EnrollmentState.COMPLETED) {
      return new Completion(enrollment.id(), true);
    }
    return confirmPending(user, enrollment, code, context);
  }

  /**
   * The attempt {@code enrollmentId} if it is {@code user}'s.
   *
   * @throws LatchkeyException {@code not_found} for no such attempt, {@code forbidden} (audited)
   *     for another user's
   */
  public Enrollment owned(User user, UUID enrollmentId, RequestContext context) {
    Enrollment enrollment =
        enrollments
            .findById(enrollmentId)
            .orElseThrow(() -> new LatchkeyException(ErrorCode.NOT_FOUND, "no such registration"));
    if (!enrollment.userId().equals(user.id())) {
      audit.record(
          AuditEvent.of(AuditEventType.REGISTRATION_FORBIDDEN, context, clock.instant())
              .user(user.id(), user.username().value())
              .failure(ErrorCode.FORBIDDEN.code())
              .detail("tried to confirm registration " + enrollmentId + " of another user")
              .build());
      throw new LatchkeyException(ErrorCode.FORBIDDEN, "registration belongs to another user");
    }
    return enrollment;
  }

  /**
   * A confirmation of {@code enrollmentId} from a browser session that was not shown its secret
   * (issue 12): always refused. Another user's attempt is {@code forbidden} and an unknown one
   * {@code not_found} ({@link #owned}); the user's own attempt, started in another session, is a
   * {@code conflict}, audited so that the correlation ID the user is shown diagnoses it.
   *
   * @throws LatchkeyException always
   */
  public Completion refuseFromOtherSession(User user, UUID enrollmentId, RequestContext context) {
    owned(user, enrollmentId, context);
    audit.record(
        AuditEvent.of(AuditEventType.ACCESS_REFUSED, context, clock.instant())
            .user(user.id(), user.username().value())
            .failure("registration_other_session")
            .detail(
                "confirmation of registration "
                    + enrollmentId
                    + ", which another browser session of the user started")
            .build());
    throw new LatchkeyException(
        ErrorCode.CONFLICT, "the registration was started in another browser session");
  }

  private Completion confirmPending(
      User user, Enrollment enrollment, String code, RequestContext context) {
    if (enrollment.expiredAt(clock.instant())) {
      timeOut(enrollment, user, context);
      throw timedOut();
    }
    if (enrollment.state() == EnrollmentState.TIMED_OUT) {
      timeoutShown(enrollment, user, context);
      throw timedOut();
    }
    if (enrollment.state() == EnrollmentState.SUPERSEDED) {
      throw new LatchkeyException(ErrorCode.CONFLICT, "a newer registration replaced this one");
    }
    lockout.reserve(user, context);
    OptionalLong step =
        OtpCodes.isWellFormed(code, enrollment.parameters().digits())
            ? verifier.matchStep(
                enrollment.secret(), enrollment.parameters(), code, clock.instant(), 0)
            : OptionalLong.empty();
    if (step.isEmpty()) {
      lockout.failed(user, context);
      OptionalLong skew = skewSeconds(enrollment, code);
      audit.record(
          record(AuditEventType.REGISTRATION_CODE_REJECTED, enrollment, user, context)
              .failure(ErrorCode.INVALID_CODE.code())
              .reason(skew.isPresent() ? "clock_skew" : ErrorCode.INVALID_CODE.code())
              .detail(
                  skew.isPresent()
                      ? "the code typed is the new secret's code for "
                          + Math.abs(skew.getAsLong())
                          + " s "
                          + (skew.getAsLong() > 0 ? "after" : "before")
                          + " the server's time: the phone's clock is "
                          + (skew.getAsLong() > 0 ? "ahead" : "behind")
                          + " by about that much (skew="
                          + (skew.getAsLong() > 0 ? "+" : "")
                          + skew.getAsLong()
                          + "s)"
                      : "the code typed did not match the new secret")
              .build());
      throw new LatchkeyException(ErrorCode.INVALID_CODE, "registration code did not match");
    }
    boolean completedHere =
        transactions.inTransaction(
            () -> {
              if (!enrollments.finish(
                  enrollment.id(), EnrollmentState.COMPLETED, clock.instant())) {
                return false;
              }
              long current =
                  io.latchkey.core.otp.Totp.step(
                      clock.instant(), enrollment.parameters().periodSeconds());
              Method method =
                  new Method(
                      MethodId.random(),
                      user.id(),
                      MethodKind.TOTP,
                      "Authenticator app",
                      clock.instant(),
                      context.ip(),
                      context.userAgent(),
                      null);
              credentials.insert(
                  method,
                  new TotpCredential(
                      method.id(),
                      user.id(),
                      enrollment.secret(),
                      enrollment.parameters(),
                      step.getAsLong(),
                      (int) (step.getAsLong() - current)));
              notices.send(
                  user.id(),
                  NoticeKind.METHOD_ADDED,
                  context,
                  java.util.Map.of("method", MethodKind.TOTP.name()));
              return true;
            });
    lockout.succeeded(user);
    if (!completedHere) {
      return enrollments
          .findById(enrollment.id())
          .filter(e -> e.state() == EnrollmentState.COMPLETED)
          .map(e -> new Completion(e.id(), true))
          .orElseThrow(EnrollmentService::timedOut);
    }
    audit.record(
        record(AuditEventType.REGISTRATION_COMPLETED, enrollment, user, context)
            .detail("authenticator app registered (attempt " + enrollment.attempt() + ")")
            .build());
    return new Completion(enrollment.id(), false);
  }

  /**
   * How far from the server's clock (up to ten minutes either way) a rejected code would have been
   * right: evidence of a phone with a wrong clock, for the audit record and the diagnosis. Only
   * called after the code was refused; it never makes a code acceptable.
   */
  private OptionalLong skewSeconds(Enrollment enrollment, String code) {
    var parameters = enrollment.parameters();
    if (!OtpCodes.isWellFormed(code, parameters.digits())) {
      return OptionalLong.empty();
    }
    long period = parameters.periodSeconds();
    long current = io.latchkey.core.otp.Totp.step(clock.instant(), parameters.periodSeconds());
    long reach = Math.max(2, 600 / period);
    for (long distance = 2; distance <= reach; distance++) {
      for (long step : new long[] {current - distance, current + distance}) {
        if (step >= 0
            && OtpCodes.constantTimeEquals(
                io.latchkey.core.otp.Totp.generateForStep(enrollment.secret(), parameters, step),
                code)) {
          return OptionalLong.of((step - current) * period);
        }
      }
    }
    return OptionalLong.empty();
  }

  /**
   * The time-out page is being shown for {@code enrollment}: unless this very request recorded the
   * time-out, an event under this request's correlation ID joins the registration's flow, so that
   * the ID on the page (first view or reload) diagnoses to the time-out, which the background sweep
   * or an earlier request recorded under its own ID (issue 15).
   */
  public void timeoutShown(Enrollment enrollment, User user, RequestContext context) {
    if (recordedHere(audit, context, AuditEventType.REGISTRATION_TIMED_OUT)) {
      return;
    }
    audit.record(
        record(AuditEventType.REGISTRATION_TIMEOUT_SHOWN, enrollment, user, context)
            .failure(ErrorCode.ENROLLMENT_TIMED_OUT.code())
            .detail(
                "the time-out page was shown for attempt "
                    + enrollment.attempt()
                    + " (step deadline "
                    + enrollment.deadline()
                    + "); the time-out itself is recorded in this registration's timeline")
            .build());
  }

  /** Whether an event of {@code type} was recorded under this request's own correlation ID. */
  public static boolean recordedHere(AuditLog audit, RequestContext context, AuditEventType type) {
    return audit
        .search(io.latchkey.core.audit.AuditQuery.byCorrelationId(context.correlationId()))
        .stream()
        .anyMatch(e -> e.type() == type && context.correlationId().equals(e.correlationId()));
  }

  /** Times out every pending attempt whose deadline passed (a sweeper calls this). */
  public int expireOverdue(RequestContext context) {
    List<Enrollment> overdue = enrollments.findOverdue(clock.instant(), 100);
    int count = 0;
    for (Enrollment enrollment : overdue) {
      Optional<User> user = users.findById(enrollment.userId());
      if (user.isPresent() && timeOut(enrollment, user.get(), context)) {
        count++;
      }
    }
    return count;
  }

  private boolean timeOut(Enrollment enrollment, User user, RequestContext context) {
    if (!enrollments.finish(enrollment.id(), EnrollmentState.TIMED_OUT, clock.instant())) {
      return false;
    }
    audit.record(
        record(AuditEventType.REGISTRATION_TIMED_OUT, enrollment, user, context)
            .failure(ErrorCode.ENROLLMENT_TIMED_OUT.code())
            .detail(
                "No code from the authenticator app arrived before the step deadline "
                    + enrollment.deadline()
                    + " (started "
                    + enrollment.createdAt()
                    + ", attempt "
                    + enrollment.attempt()
                    + "). The pending secret was erased. "
                    + stepDeadline(enrollment.createdAt(), enrollment.deadline()))
            .build());
    return true;
  }

  /**
   * The step deadline in force when an attempt started, as {@code key=value} evidence for the
   * diagnosis: the policy setting's name and value (issue 15).
   */
  public static String stepDeadline(Instant started, Instant deadline) {
    return "setting=registration.step-deadline value="
        + io.latchkey.core.policy.PolicyKey.duration(java.time.Duration.between(started, deadline));
  }

  private void requireAllowed(User user, RequestContext context) {
    io.latchkey.core.enrollment.AllowedMethods.require(
        policy.get(), MethodKind.TOTP, "TOTP", user, audit, clock, context);
  }

  private Enrollment startAttempt(
      User user, UUID flowId, int attempt, AuditEventType event, RequestContext context) {
    guard.beforeAttempt(user, context);
    RegistrationPolicy current = policy.get();
    Instant now = clock.instant();
    Enrollment attemptRecord =
        new Enrollment(
            UUID.randomUUID(),
            flowId,
            user.id(),
            MethodKind.TOTP,
            EnrollmentState.STARTED,
            attempt,
            Secret.generate(random),
            current.parameters(),
            now,
            now.plus(current.stepDeadline()),
            context.correlationId(),
            context.ip(),
            context.userAgent());
    if (!enrollments.insertPending(attemptRecord)) {
      // Another tab or node won the race: use its attempt, never a second one.
      return enrollments
          .findPending(user.id(), MethodKind.TOTP)
          .orElseThrow(
              () -> new LatchkeyException(ErrorCode.CONFLICT, "registration changed; try again"));
    }
    audit.record(
        record(event, attemptRecord, user, context)
            .detail(
                "new secret issued (attempt " + attempt + "), deadline " + attemptRecord.deadline())
            .build());
    return attemptRecord;
  }

  private AuditEvent.Builder record(
      AuditEventType type, Enrollment enrollment, User user, RequestContext context) {
    return AuditEvent.of(type, context, clock.instant())
        .flow(enrollment.flowId())
        .user(user.id(), user.username().value());
  }

  private static void requirePendingSecret(Enrollment enrollment) {
    if (!enrollment.state().pending() || enrollment.secret() == null) {
      throw new LatchkeyException(ErrorCode.ENROLLMENT_TIMED_OUT, "registration is not pending");
    }
  }

  private static LatchkeyException timedOut() {
    return new LatchkeyException(
        ErrorCode.ENROLLMENT_TIMED_OUT, "the registration step deadline passed");
  }
}
