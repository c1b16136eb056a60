package io.latchkey.core.push;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.cloudbackup.RecoveryNotice;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.tx.Transactions;
import io.latchkey.core.user.User;
import io.latchkey.core.verification.Lockout;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Moves a push device to a new phone (SECURITY-TESTS E4): after the user restored the app's backup
 * there and proved a factor again, the device's public key is replaced by one the new phone made
 * and proved it holds. The old phone's key stops verifying at once, so its stream, its listings and
 * its answers are refused from then on; challenges go to the new phone only.
 *
 * <p>The new phone's posture is judged by the same rules as at activation: a rule set to refuse
 * refuses the re-binding, so a restore cannot carry a device past the policy.
 */
public final class DeviceRebinding {
  private final PushDeviceRepository devices;
  private final Transactions transactions;
  private final AuditLog audit;
  private final Clock clock;
  private final Supplier<PushPolicy> policy;
  private final RecoveryNotice notice;

  public DeviceRebinding(
      PushDeviceRepository devices,
      Transactions transactions,
      AuditLog audit,
      Clock clock,
      Supplier<PushPolicy> policy,
      RecoveryNotice notice) {
    this.devices = devices;
    this.transactions = transactions;
    this.audit = audit;
    this.clock = clock;
    this.policy = policy;
    this.notice = notice;
  }

  /** The new key and posture, and the request as the new key signed it (proof of possession). */
  public record Request(
      UUID deviceId,
      KeyAlgorithm algorithm,
      byte[] publicKey,
      Posture posture,
      SignedRequest proof) {}

  /**
   * @param warnings message keys of the posture rules set to warn that the new phone fails
   */
  public record Rebound(PushDevice device, List<String> warnings) {}

  /**
   * @param user the user of a session that proved a factor (user API token)
   * @throws LatchkeyException {@code not_found} (no such device of this user), {@code conflict}
   *     (the device is not active: pending or removed), {@code unauthorized} (the new key did not
   *     sign the request, or the phone's clock is off), {@code bad_request} (not a key of that
   *     type), {@code device_not_compliant} (a posture rule refused the new phone)
   */
  public Rebound rebind(User user, Request request, RequestContext context) {
    Lockout.requireActive(user);
    Optional<PushDevice> found =
        devices.findById(request.deviceId()).filter(d -> d.userId().equals(user.id()));
    if (found.isEmpty()) {
      throw refuse(
          user,
          null,
          context,
          ErrorCode.NOT_FOUND,
          List.of(),
          "no device " + request.deviceId() + " of this user is known");
    }
    PushDevice device = found.get();
    if (device.state() != PushDevice.DeviceState.ACTIVE) {
      throw refuse(
          user,
          device,
          context,
          ErrorCode.CONFLICT,
          List.of(),
          "device " + device.id() + " is " + device.state() + ", not active");
    }
    try {
      request.algorithm().publicKey(request.publicKey());
    } catch (IllegalArgumentException e) {
      throw refuse(
          user,
          device,
          context,
          ErrorCode.BAD_REQUEST,
          List.of(),
          "the new key is not a " + request.algorithm().wireName() + " public key");
    }
    SignedRequest proof = request.proof();
    if (!proof.fresh(clock.instant())) {
      throw refuse(
          user,
          device,
          context,
          ErrorCode.UNAUTHORIZED,
          List.of("device.clock_skewed"),
          "the new phone's clock is " + proof.skew(clock.instant()).toSeconds() + " s off");
    }
    if (!request
        .algorithm()
        .verify(
            request.algorithm().publicKey(request.publicKey()),
            proof.payload(),
            proof.signature())) {
      throw refuse(
          user,
          device,
          context,
          ErrorCode.UNAUTHORIZED,
          List.of(),
          "the re-binding was not signed by the key it presented");
    }
    List<PostureCheck.Finding> findings = PostureCheck.evaluate(request.posture(), policy.get());
    List<String> refusals =
        findings.stream()
            .filter(f -> f.action() == RuleAction.REFUSE)
            .map(PostureCheck.Finding::messageKey)
            .toList();
    if (!refusals.isEmpty()) {
      throw refuse(
          user,
          device,
          context,
          ErrorCode.DEVICE_NOT_COMPLIANT,
          refusals,
          "posture rules refused the new phone: "
              + String.join(", ", refusals)
              + "; posture: "
              + PostureCheck.summary(request.posture()));
    }
    List<String> warnings =
        findings.stream()
            .filter(f -> f.action() == RuleAction.WARN)
            .map(PostureCheck.Finding::messageKey)
            .toList();
    transactions.inTransaction(
        () -> {
          if (!devices.rebind(
              device.id(), request.algorithm(), request.publicKey(), request.posture())) {
            throw new LatchkeyException(ErrorCode.CONFLICT, "the device changed meanwhile");
          }
          audit.record(
              AuditEvent.of(AuditEventType.PUSH_DEVICE_REBOUND, context, clock.instant())
                  .user(user.id(), user.username().value())
                  .flow(device.flowId())
                  .detail(
                      "device \""
                          + device.name()
                          + "\" ("
                          + device.id()
                          + ") re-bound to a new "
                          + request.algorithm().wireName()
                          + " key from "
                          + context.ip()
                          + " after a restore; the old key no longer works. Posture: "
                          + PostureCheck.summary(request.posture())
                          + (warnings.isEmpty()
                              ? ""
                              : "; warnings: " + String.join(", ", warnings)))
                  .build());
          // The user is told in the same transaction (a RECOVERY notice: SECURITY-TESTS E3).
          notice.recovered(
              user.id(),
              context,
              // Where from is the notice's own (the request's address); the device is named.
              Map.of("device", device.name()));
          return true;
        });
    PushDevice rebound = devices.findById(device.id()).orElseThrow();
    return new Rebound(rebound, warnings);
  }

  private LatchkeyException refuse(
      User user,
      PushDevice device,
      RequestContext context,
      ErrorCode code,
      List<String> explanations,
      String why) {
    AuditEvent.Builder event =
        AuditEvent.of(AuditEventType.PUSH_DEVICE_REBIND_REJECTED, context, clock.instant())
            .user(user.id(), user.username().value())
            .failure(code.code())
            .detail(why);
    if (device != null) {
      event.flow(device.flowId());
    }
    audit.record(event.build());
    return new LatchkeyException(code, why, explanations);
  }
}
