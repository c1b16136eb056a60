package io.latchkey.core.push;

import io.latchkey.core.method.MethodId;
import io.latchkey.core.user.UserId;
import java.time.Instant;
import java.util.UUID;

/**
 * A push device: the server keeps only its public key (NIST SP 800-63B rev. 4 §3.1.3.1: never the
 * identifying secret). {@code PENDING} from activation until the registration's test challenge is
 * approved, then {@code ACTIVE} with its method; {@code REVOKED} when replaced or reset.
 *
 * @param methodId the registered method, null while pending
 * @param flowId the registration flow that activated it
 * @param activatedIp where the device came from at activation
 */
public record PushDevice(
    UUID id,
    UserId userId,
    MethodId methodId,
    UUID flowId,
    String name,
    KeyAlgorithm algorithm,
    byte[] publicKey,
    Posture posture,
    DeviceState state,
    Instant activatedAt,
    String activatedIp) {

  public enum DeviceState {
    PENDING,
    ACTIVE,
    REVOKED
  }
}
