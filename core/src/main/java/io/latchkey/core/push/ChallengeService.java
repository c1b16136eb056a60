package io.latchkey.core.push;

import io.latchkey.core.alert.Alert;
import io.latchkey.core.alert.AlertRepository;
import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserRepository;
import io.latchkey.core.verification.Lockout;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Push challenges with number matching (SECURITY-TESTS F1-F4): an application creates one; the
 * number goes to the sign-in screen only; a device of the user answers with a signed approval that
 * carries the typed number, or a denial, or a fraud report. Every transition happens once.
 *
 * <p>MFA fatigue: a user has at most a few open challenges and a few per window ({@code
 * rate_limited}); a wrong number counts in the shared failure counter (new challenges never reset
 * it); denials within the window, or one fraud report, pause pushes for the user until an
 * administrator lifts the pause, with an audit record and an alert.
 */
public final class ChallengeService {
  private final ChallengeRepository challenges;
  private final PushDeviceRepository devices;
  private final PushBlockRepository blocks;
  private final AlertRepository alerts;
  private final UserRepository users;
  private final PushEnrollmentService registrations;
  private final ChallengePublisher publisher;
  private final Lockout lockout;
  private final NumberSource numbers;
  private final AuditLog audit;
  private final Clock clock;
  private final Supplier<PushPolicy> policy;
  private final PushRefusalWatch refusals;

  /** Without the account block on refusals (tests of push alone). */
  public ChallengeService(
      ChallengeRepository challenges,
      PushDeviceRepository devices,
      PushBlockRepository blocks,
      AlertRepository alerts,
      UserRepository users,
      PushEnrollmentService registrations,
      ChallengePublisher publisher,
      Lockout lockout,
      NumberSource numbers,
      AuditLog audit,
      Clock clock,
      Supplier<PushPolicy> policy) {
    this(
        challenges,
        devices,
        blocks,
        alerts,
        users,
        registrations,
        publisher,
        lockout,
        numbers,
        audit,
        clock,
        policy,
        PushRefusalWatch.NONE);
  }

  /**
   * @param refusals told of every denial and report: the optional block of the account
   */
  public ChallengeService(
      ChallengeRepository challenges,
      PushDeviceRepository devices,
      PushBlockRepository blocks,
      AlertRepository alerts,
      UserRepository users,
      PushEnrollmentService registrations,
      ChallengePublisher publisher,
      Lockout lockout,
      NumberSource numbers,
      AuditLog audit,
      Clock clock,
      Supplier<PushPolicy> policy,
      PushRefusalWatch refusals) {
    this.refusals = refusals;
    this.challenges = challenges;
    this.devices = devices;
    this.blocks = blocks;
    this.alerts = alerts;
    this.users = users;
    this.registrations = registrations;
    this.publisher = publisher;
    this.lockout = lockout;
    this.numbers = numbers;
    this.audit = audit;
    this.clock = clock;
    this.policy = policy;
  }

  /**
   * An application's sign-in challenge.
   *
   * @param application what the device shows as the requester
   * @param requesterIp the end user's address as the application saw it
   * @throws LatchkeyException {@code not_enrolled} without an active device, {@code push_blocked},
   *     {@code rate_limited}, {@code user_blocked}, {@code user_disabled}
   */
  public Challenge create(
      User user, String application, String requesterIp, RequestContext context) {
    Lockout.requireActive(user);
    PushPolicy rules = policy.get();
    Optional<PushBlock> block = blocks.find(user.id());
    if (block.isPresent()) {
      audit.record(
          event(AuditEventType.PUSH_CHALLENGE_RATE_LIMITED, user, context)
              .failure(ErrorCode.PUSH_BLOCKED.code())
              .detail(
                  "no push sent: pushes are paused since "
                      + block.get().blockedAt()
                      + " ("
                      + block.get().reason()
                      + ")")
              .build());
      throw new LatchkeyException(ErrorCode.PUSH_BLOCKED, "pushes are paused for this user");
    }
    if (devices.listActive(user.id()).isEmpty()) {
      throw new LatchkeyException(ErrorCode.NOT_ENROLLED, "the user has no push device");
    }
    Instant now = clock.instant();
    Challenge challenge =
        new Challenge(
            UUID.randomUUID(),
            user.id(),
            user.username().value(),
            Challenge.Purpose.SIGN_IN,
            null,
            application,
            requesterIp,
            numbers.next(rules.numberDigits()),
            now,
            now.plus(rules.challengeTtl()),
            ChallengeState.PENDING,
            null,
            null,
            context.correlationId());
    ChallengeRepository.Limits limits =
        new ChallengeRepository.Limits(
            rules.maxOpenChallenges(), rules.maxChallengesPerWindow(), now.minus(rules.window()));
    if (!challenges.insertWithinLimits(challenge, limits)) {
      audit.record(
          event(AuditEventType.PUSH_CHALLENGE_RATE_LIMITED, user, context)
              .failure(ErrorCode.RATE_LIMITED.code())
              .detail(
                  "no push sent: at most "
                      + rules.maxOpenChallenges()
                      + " open and "
                      + rules.maxChallengesPerWindow()
                      + " per "
                      + rules.window().toMinutes()
                      + " min")
              .build());
      throw new LatchkeyException(ErrorCode.RATE_LIMITED, "too many push requests");
    }
    audit.record(
        event(AuditEventType.PUSH_CHALLENGE_CREATED, user, context)
            .flow(challenge.id())
            .detail(
                "sign-in request "
                    + challenge.id()
                    + " from \""
                    + application
                    + "\" for "
                    + requesterIp
                    + ", expires "
                    + challenge.expiresAt())
            .build());
    publisher.publish(challenge);
    return challenge;
  }

  /** A challenge as its creator sees it; a pending one past its expiry is expired first. */
  public Challenge status(UUID id, RequestContext context) {
    Challenge challenge =
        challenges
            .findById(id)
            .orElseThrow(() -> new LatchkeyException(ErrorCode.NOT_FOUND, "no such challenge"));
    if (challenge.state() == ChallengeState.PENDING && challenge.expiredAt(clock.instant())) {
      expire(challenge, context);
      return challenges.findById(id).orElseThrow();
    }
    return challenge;
  }

  /** The challenges a device may answer now (for its stream and its listing). */
  public List<Challenge> pendingFor(PushDevice device) {
    return challenges.listPendingForDevice(device.userId(), device.id(), clock.instant());
  }

  /** Whether {@code device} may answer {@code challenge} (its user's, and its test if a test). */
  public static boolean deliverableTo(Challenge challenge, PushDevice device) {
    if (!challenge.userId().equals(device.userId())
        || device.state() == PushDevice.DeviceState.REVOKED) {
      return false;
    }
    return challenge.deviceId() == null
        ? device.state() == PushDevice.DeviceState.ACTIVE
        : challenge.deviceId().equals(device.id());
  }

  /** Records that a challenge reached a device's open connection. */
  public void delivered(Challenge challenge, PushDevice device, RequestContext context) {
    audit.record(
        AuditEvent.of(AuditEventType.PUSH_CHALLENGE_DELIVERED, context, clock.instant())
            .user(challenge.userId(), challenge.username())
            .flow(flowOf(challenge, device))
            .detail(
                "request "
                    + challenge.id()
                    + " delivered to device \""
                    + device.name()
                    + "\" ("
                    + device.id()
                    + ") connected from "
                    + context.ip())
            .build());
  }

  /** The outcome of an answer. */
  public record Answered(Challenge challenge, ChallengeState state) {}

  /**
   * A device answers. The answer must be signed by a device bound to the challenge's user over
   * (challenge, user, expiry, decision, number); it is accepted once.
   *
   * @throws LatchkeyException {@code number_mismatch}, {@code challenge_expired}, {@code conflict}
   *     (already answered: a replay), {@code unauthorized} (bad signature, revoked device), {@code
   *     forbidden} (another user's device), {@code not_found}, {@code push_blocked}, {@code
   *     user_blocked}
   */
  public Answered answer(
      UUID deviceId,
      UUID challengeId,
      Decision decision,
      String number,
      byte[] signature,
      RequestContext context) {
    Challenge challenge =
        challenges
            .findById(challengeId)
            .orElseThrow(() -> new LatchkeyException(ErrorCode.NOT_FOUND, "no such challenge"));
    Optional<PushDevice> foundDevice = devices.findById(deviceId);
    if (foundDevice.isEmpty()) {
      throw rejected(
          challenge, null, context, ErrorCode.UNAUTHORIZED, "unknown device " + deviceId);
    }
    PushDevice device = foundDevice.get();
    if (device.state() == PushDevice.DeviceState.REVOKED) {
      throw rejected(
          challenge, device, context, ErrorCode.UNAUTHORIZED, "device " + deviceId + " is revoked");
    }
    String typed = number == null ? "" : number;
    byte[] payload =
        DeviceSignatures.answer(
            challenge.id(), challenge.userId().value(), challenge.expiresAt(), decision, typed);
    if (!device
        .algorithm()
        .verify(device.algorithm().publicKey(device.publicKey()), payload, signature)) {
      throw rejected(
          challenge,
          device,
          context,
          ErrorCode.UNAUTHORIZED,
          "the answer's signature does not verify with the key of device " + deviceId);
    }
    if (!deliverableTo(challenge, device)) {
      throw rejected(
          challenge,
          device,
          context,
          ErrorCode.FORBIDDEN,
          "device " + deviceId + " is not bound to this request's user or purpose");
    }
    User user =
        users
            .findById(challenge.userId())
            .orElseThrow(() -> new LatchkeyException(ErrorCode.NOT_FOUND, "no such user"));
    Lockout.requireActive(user);
    Instant now = clock.instant();
    if (challenge.state() == ChallengeState.EXPIRED
        || challenge.state() == ChallengeState.PENDING && challenge.expiredAt(now)) {
      expire(challenge, context);
      throw rejected(
          challenge,
          device,
          context,
          ErrorCode.CHALLENGE_EXPIRED,
          "answered at " + now + ", after the expiry " + challenge.expiresAt());
    }
    if (challenge.state() != ChallengeState.PENDING) {
      throw rejected(
          challenge,
          device,
          context,
          ErrorCode.CONFLICT,
          "already " + challenge.state().wireName() + " (a repeated or replayed answer)");
    }
    if (decision == Decision.APPROVE && challenge.purpose() == Challenge.Purpose.SIGN_IN) {
      Optional<PushBlock> block = blocks.find(user.id());
      if (block.isPresent()) {
        throw rejected(
            challenge, device, context, ErrorCode.PUSH_BLOCKED, "pushes are paused for the user");
      }
    }
    devices.touch(device.id(), now);
    return switch (decision) {
      case APPROVE -> approve(challenge, device, user, typed, context);
      case DENY -> deny(challenge, device, user, ChallengeState.DENIED, context);
      case REPORT -> deny(challenge, device, user, ChallengeState.REPORTED, context);
    };
  }

  /** Whether pushes to the user are paused, and why. */
  public Optional<PushBlock> pause(User user) {
    return blocks.find(user.id());
  }

  /**
   * An administrator lifts the pause of pushes.
   *
   * @return false if pushes were not paused
   */
  public boolean liftPause(User user, String reason, RequestContext context) {
    Optional<PushBlock> block = blocks.find(user.id());
    if (block.isEmpty() || !blocks.unblock(user.id())) {
      return false;
    }
    audit.record(
        event(AuditEventType.PUSH_UNBLOCKED, user, context)
            .detail(
                "pushes resumed by "
                    + context.actor()
                    + (reason == null || reason.isBlank() ? "" : ": " + reason)
                    + " (paused since "
                    + block.get().blockedAt()
                    + ": "
                    + block.get().reason()
                    + ")")
            .build());
    return true;
  }

  /** Expires every overdue pending challenge (the sweeper). */
  public int expireOverdue(RequestContext context) {
    int count = 0;
    for (Challenge challenge : challenges.findOverdue(clock.instant(), 200)) {
      if (expire(challenge, context)) {
        count++;
      }
    }
    return count;
  }

  private Answered approve(
      Challenge challenge, PushDevice device, User user, String typed, RequestContext context) {
    lockout.reserve(user, context);
    boolean matches =
        MessageDigest.isEqual(
            typed.getBytes(StandardCharsets.UTF_8),
            challenge.number().getBytes(StandardCharsets.UTF_8));
    if (!matches) {
      boolean endedHere =
          challenges.answer(
              challenge.id(), ChallengeState.NUMBER_MISMATCH, device.id(), clock.instant());
      lockout.failed(user, context);
      if (endedHere) {
        audit.record(
            answerEvent(AuditEventType.PUSH_CHALLENGE_NUMBER_MISMATCH, challenge, device, context)
                .failure(ErrorCode.NUMBER_MISMATCH.code())
                .detail(
                    "request "
                        + challenge.id()
                        + " answered with a wrong number from device \""
                        + device.name()
                        + "\" at "
                        + context.ip()
                        + "; the request is closed and the attempt counted as a failure")
                .build());
        if (challenge.purpose() == Challenge.Purpose.REGISTRATION_TEST) {
          registrations.testNumberMismatch(challenge, context);
        }
        pauseIfTooManyDenials(user, context);
      }
      throw new LatchkeyException(ErrorCode.NUMBER_MISMATCH, "wrong number typed");
    }
    if (!challenges.answer(challenge.id(), ChallengeState.APPROVED, device.id(), clock.instant())) {
      throw raced(challenge, device, context);
    }
    lockout.succeeded(user);
    audit.record(
        answerEvent(AuditEventType.PUSH_CHALLENGE_APPROVED, challenge, device, context)
            .detail(
                "request "
                    + challenge.id()
                    + " approved with the right number on device \""
                    + device.name()
                    + "\" from "
                    + context.ip())
            .build());
    if (challenge.purpose() == Challenge.Purpose.REGISTRATION_TEST) {
      registrations.testApproved(challenge, device, context);
    }
    return new Answered(challenge, ChallengeState.APPROVED);
  }

  private Answered deny(
      Challenge challenge,
      PushDevice device,
      User user,
      ChallengeState state,
      RequestContext context) {
    if (!challenges.answer(challenge.id(), state, device.id(), clock.instant())) {
      throw raced(challenge, device, context);
    }
    boolean report = state == ChallengeState.REPORTED;
    audit.record(
        answerEvent(
                report
                    ? AuditEventType.PUSH_CHALLENGE_REPORTED
                    : AuditEventType.PUSH_CHALLENGE_DENIED,
                challenge,
                device,
                context)
            .failure(ErrorCode.CHALLENGE_DENIED.code())
            .reason(report ? "fraud_reported" : "denied")
            .detail(
                "request "
                    + challenge.id()
                    + " from \""
                    + challenge.application()
                    + "\" ("
                    + challenge.requesterIp()
                    + ") "
                    + (report ? "denied and reported as fraud" : "denied")
                    + " on device \""
                    + device.name()
                    + "\"")
            .build());
    if (challenge.purpose() == Challenge.Purpose.REGISTRATION_TEST) {
      registrations.testDenied(challenge, context);
    }
    if (report) {
      pause(
          user,
          context,
          "push_fraud_reported",
          "the user reported sign-in request "
              + challenge.id()
              + " (from \""
              + challenge.application()
              + "\", "
              + challenge.requesterIp()
              + ") as fraud");
    } else {
      pauseIfTooManyDenials(user, context);
    }
    refusals.refused(user, context);
    return new Answered(challenge, state);
  }

  private void pauseIfTooManyDenials(User user, RequestContext context) {
    PushPolicy rules = policy.get();
    Instant since = clock.instant().minus(rules.window());
    Optional<Instant> lastApproval = challenges.lastApprovalAt(user.id());
    if (lastApproval.isPresent() && lastApproval.get().isAfter(since)) {
      since = lastApproval.get();
    }
    int denials = challenges.countDenialsSince(user.id(), since);
    if (denials >= rules.denialsToBlock()) {
      pause(
          user,
          context,
          "push_denials",
          denials
              + " denied or wrongly answered requests within "
              + rules.window().toMinutes()
              + " min since the last approval");
    }
  }

  private void pause(User user, RequestContext context, String kind, String why) {
    Instant now = clock.instant();
    if (!blocks.block(new PushBlock(user.id(), why, now, context.correlationId()))) {
      return;
    }
    audit.record(
        event(AuditEventType.PUSH_BLOCKED, user, context)
            .failure(ErrorCode.PUSH_BLOCKED.code())
            .reason(kind)
            .detail("Pushes paused: " + why + ". An administrator must lift the pause.")
            .build());
    alerts.raise(
        new Alert(
            UUID.randomUUID(),
            now,
            kind,
            user.id(),
            user.username().value(),
            "Pushes to " + user.username().value() + " paused: " + why + ".",
            context.correlationId(),
            null));
  }

  private boolean expire(Challenge challenge, RequestContext context) {
    if (!challenges.expire(challenge.id(), clock.instant())) {
      return false;
    }
    audit.record(
        AuditEvent.of(AuditEventType.PUSH_CHALLENGE_EXPIRED, context, clock.instant())
            .user(challenge.userId(), challenge.username())
            .flow(flowOf(challenge, null))
            .failure(ErrorCode.CHALLENGE_EXPIRED.code())
            .detail(
                "request "
                    + challenge.id()
                    + " ("
                    + challenge.purpose().wireName()
                    + ") got no answer before "
                    + challenge.expiresAt())
            .build());
    return true;
  }

  private LatchkeyException raced(Challenge challenge, PushDevice device, RequestContext context) {
    Challenge now = challenges.findById(challenge.id()).orElse(challenge);
    if (now.state() == ChallengeState.EXPIRED) {
      return rejected(challenge, device, context, ErrorCode.CHALLENGE_EXPIRED, "expired meanwhile");
    }
    return rejected(
        challenge,
        device,
        context,
        ErrorCode.CONFLICT,
        "already " + now.state().wireName() + " by a concurrent answer");
  }

  private LatchkeyException rejected(
      Challenge challenge, PushDevice device, RequestContext context, ErrorCode code, String why) {
    AuditEvent.Builder event =
        AuditEvent.of(AuditEventType.PUSH_CHALLENGE_ANSWER_REJECTED, context, clock.instant())
            .user(challenge.userId(), challenge.username())
            .failure(code.code())
            .detail("answer to request " + challenge.id() + " refused: " + why);
    event.flow(flowOf(challenge, device));
    audit.record(event.build());
    return new LatchkeyException(code, why);
  }

  private AuditEvent.Builder answerEvent(
      AuditEventType type, Challenge challenge, PushDevice device, RequestContext context) {
    return AuditEvent.of(type, context, clock.instant())
        .user(challenge.userId(), challenge.username())
        .flow(flowOf(challenge, device));
  }

  /**
   * The timeline a challenge belongs to: its registration's flow for a test, else its own ID, so
   * one sign-in's creation, delivery and answer read as one story.
   */
  private UUID flowOf(Challenge challenge, PushDevice device) {
    if (challenge.purpose() == Challenge.Purpose.SIGN_IN) {
      return challenge.id();
    }
    if (device != null) {
      return device.flowId();
    }
    return devices.findById(challenge.deviceId()).map(PushDevice::flowId).orElse(challenge.id());
  }

  private AuditEvent.Builder event(AuditEventType type, User user, RequestContext context) {
    return AuditEvent.of(type, context, clock.instant()).user(user.id(), user.username().value());
  }
}
