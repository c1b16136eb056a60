package io.latchkey.core.push;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Authenticates a device's signed request (listening, listing challenges): the device exists, is
 * not revoked, signed this very request with its stored key, and its clock is within {@link
 * SignedRequest#MAX_SKEW} of the server's. Every refusal is audited with the precise reason.
 */
public final class DeviceAuthenticator {
  private final PushDeviceRepository devices;
  private final AuditLog audit;
  private final Clock clock;

  public DeviceAuthenticator(PushDeviceRepository devices, AuditLog audit, Clock clock) {
    this.devices = devices;
    this.audit = audit;
    this.clock = clock;
  }

  public PushDevice authenticate(UUID deviceId, SignedRequest request, RequestContext context) {
    Optional<PushDevice> found = devices.findById(deviceId);
    if (found.isEmpty()) {
      throw refuse(null, context, "no device " + deviceId + " is known");
    }
    PushDevice device = found.get();
    if (device.state() == PushDevice.DeviceState.REVOKED) {
      throw refuse(device, context, "device " + deviceId + " was revoked");
    }
    if (!request.fresh(clock.instant())) {
      throw new LatchkeyException(
          ErrorCode.UNAUTHORIZED,
          audited(
              device,
              context,
              "the device's clock is "
                  + request.skew(clock.instant()).toSeconds()
                  + " s from the server's (more than "
                  + SignedRequest.MAX_SKEW.toMinutes()
                  + " min allowed)"),
          List.of("device.clock_skewed"));
    }
    if (!device
        .algorithm()
        .verify(
            device.algorithm().publicKey(device.publicKey()),
            request.payload(),
            request.signature())) {
      throw refuse(device, context, "the request's signature does not verify with the device key");
    }
    devices.touch(device.id(), clock.instant());
    return device;
  }

  private LatchkeyException refuse(PushDevice device, RequestContext context, String why) {
    return new LatchkeyException(ErrorCode.UNAUTHORIZED, audited(device, context, why));
  }

  private String audited(PushDevice device, RequestContext context, String why) {
    AuditEvent.Builder event =
        AuditEvent.of(AuditEventType.PUSH_DEVICE_REQUEST_REJECTED, context, clock.instant())
            .failure(ErrorCode.UNAUTHORIZED.code())
            .detail(why);
    if (device != null) {
      event.user(device.userId(), "").flow(device.flowId());
    }
    audit.record(event.build());
    return why;
  }
}
