package io.latchkey.core.enrollment;

import io.latchkey.core.method.MethodKind;
import io.latchkey.core.user.UserId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Storage of registrations; pending secrets are sealed at rest by the implementation. */
public interface EnrollmentRepository {

  /**
   * Inserts a {@code STARTED} attempt. At most one attempt per user and kind can be pending: the
   * store enforces it with a unique key, so two tabs racing cannot both create one.
   *
   * @return false if another attempt is already pending for that user and kind
   */
  boolean insertPending(Enrollment enrollment);

  Optional<Enrollment> findById(UUID id);

  /** The user's pending attempt of that kind, if any. */
  Optional<Enrollment> findPending(UserId userId, MethodKind kind);

  /** The user's most recent attempt of that kind, whatever its state. */
  Optional<Enrollment> findLatest(UserId userId, MethodKind kind);

  /**
   * Moves a pending attempt to a final state in one conditional update ({@code WHERE state =
   * 'STARTED'}), releasing the pending key and wiping the secret.
   *
   * @return true if this call made the transition
   */
  boolean finish(UUID id, EnrollmentState to, Instant at);

  /** Pending attempts whose deadline has passed, oldest first (for the sweeper). */
  List<Enrollment> findOverdue(Instant now, int limit);
}
