package io.latchkey.core.push;

import io.latchkey.core.user.UserId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Storage of push challenges. Every state change is one conditional update. */
public interface ChallengeRepository {

  /** What a new challenge must stay within; counted under a lock on the user's row. */
  record Limits(int maxOpen, int maxInWindow, Instant windowStart) {}

  /**
   * Inserts a challenge unless the user is at a limit: the count and the insert happen under a lock
   * on the user's row, so racing requests on several nodes never exceed the limits.
   *
   * @return false if a limit was reached (nothing inserted)
   */
  boolean insertWithinLimits(Challenge challenge, Limits limits);

  /** Inserts without limits (a registration's test challenge). */
  void insert(Challenge challenge);

  Optional<Challenge> findById(UUID id);

  /** Pending, unexpired challenges the device may answer (its user's sign-ins and its tests). */
  List<Challenge> listPendingForDevice(UserId userId, UUID deviceId, Instant now);

  /**
   * {@code PENDING -> to} if still pending and not expired at {@code at}.
   *
   * @return true if this call made the transition
   */
  boolean answer(UUID id, ChallengeState to, UUID deviceId, Instant at);

  /** {@code PENDING -> EXPIRED} if its expiry has passed at {@code at}. */
  boolean expire(UUID id, Instant at);

  /** Pending challenges whose expiry has passed, oldest first. */
  List<Challenge> findOverdue(Instant now, int limit);

  /**
   * Challenges of the user answered with a denial, a report or a wrong number since {@code since}.
   */
  int countDenialsSince(UserId userId, Instant since);

  /** When the user last approved a challenge, if ever. */
  Optional<Instant> lastApprovalAt(UserId userId);
}
