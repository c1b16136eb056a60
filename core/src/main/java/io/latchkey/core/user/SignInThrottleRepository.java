package io.latchkey.core.user;

import java.time.Instant;
import java.util.Optional;

/**
 * Consecutive failed passwords per canonical username, in storage every node shares. Keyed by the
 * name as typed and canonicalised, not by the user, so a name nobody has is counted exactly like a
 * real one and the throttle cannot tell which exists (SECURITY-TESTS A5).
 */
public interface SignInThrottleRepository {

  /** The name's failures since its last success; empty when there are none. */
  Optional<Failures> find(Username username);

  /**
   * Counts one more failure for the name in one atomic statement (no read-then-write), so racing
   * requests on any number of nodes lose no count. The latest failure becomes {@code at}, unless a
   * later one is already stored.
   */
  void recordFailure(Username username, Instant at);

  /** After the right password: the name's failures are forgotten. */
  void reset(Username username);

  /**
   * @param count consecutive failures, at least 1
   * @param latest when the latest of them happened
   */
  record Failures(int count, Instant latest) {}
}
