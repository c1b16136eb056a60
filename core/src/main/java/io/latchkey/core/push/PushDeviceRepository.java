package io.latchkey.core.push;

import io.latchkey.core.method.MethodId;
import io.latchkey.core.user.UserId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Storage of push devices (public keys and posture; nothing secret). */
public interface PushDeviceRepository {
  void insert(PushDevice device);

  Optional<PushDevice> findById(UUID id);

  /** The user's devices that may answer sign-in challenges. */
  List<PushDevice> listActive(UserId userId);

  /** {@code PENDING -> ACTIVE} with its method, in one conditional update. */
  boolean activate(UUID id, MethodId methodId);

  /** Revokes a device (any state but REVOKED); true if this call did it. */
  boolean revoke(UUID id, Instant at);

  /** Marks when the device was last seen (connected or answered). */
  void touch(UUID id, Instant at);

  /**
   * Re-binds an ACTIVE device to a new key (a restored backup on a new phone), with the new phone's
   * posture, in one conditional update: from then on only the new key's signatures verify.
   *
   * @return false if the device is not ACTIVE (revoked or pending meanwhile)
   */
  boolean rebind(UUID id, KeyAlgorithm algorithm, byte[] publicKey, Posture posture);
}
