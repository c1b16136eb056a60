package io.latchkey.core.push;

import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.user.UserId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Storage of push registration attempts; at most one pending per user, enforced by the store. */
public interface PushEnrollmentRepository {
  /**
   * Inserts a pending attempt (either pending state).
   *
   * @return false if the user already has a pending push registration
   */
  boolean insertPending(PushEnrollment enrollment);

  Optional<PushEnrollment> findById(UUID id);

  Optional<PushEnrollment> findLatest(UserId userId);

  /** The attempt awaiting activation with this activation-code hash, if any. */
  Optional<PushEnrollment> findAwaitingActivation(byte[] codeHash);

  /** The attempt whose test challenge this is. */
  Optional<PushEnrollment> findByTestChallenge(UUID challengeId);

  /**
   * {@code AWAITING_ACTIVATION -> AWAITING_APPROVAL}: records the device and the test challenge,
   * erases the activation code's hash and sets the approval step's deadline, conditionally.
   */
  boolean activated(
      UUID id, UUID deviceId, String deviceIp, UUID testChallengeId, Instant approvalDeadline);

  /**
   * Moves a pending attempt to a final state in one conditional update, erasing the code hash.
   *
   * @param failureCode null unless it ended in a failure the page must name
   * @param failureReasons message keys of what exactly failed, comma-separated, or null
   */
  boolean finish(
      UUID id,
      PushEnrollmentState to,
      Instant at,
      String failureCode,
      String failureReasons,
      CorrelationId failureCorrelationId);

  /** Pending attempts whose deadline has passed, oldest first. */
  List<PushEnrollment> findOverdue(Instant now, int limit);
}
