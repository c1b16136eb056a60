package io.latchkey.core.testing;

import io.latchkey.core.user.SignInThrottleRepository;
import io.latchkey.core.user.Username;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Failed sign-ins in memory, honouring the contract of {@link SignInThrottleRepository}: each
 * failure is one atomic increment (synchronized, like the single {@code UPDATE} of the real store).
 */
public final class InMemorySignInThrottleRepository implements SignInThrottleRepository {
  private final Map<Username, Failures> failures = new HashMap<>();

  @Override
  public synchronized Optional<Failures> find(Username username) {
    return Optional.ofNullable(failures.get(username));
  }

  @Override
  public synchronized void recordFailure(Username username, Instant at) {
    failures.merge(
        username,
        new Failures(1, at),
        (old, one) -> new Failures(old.count() + 1, old.latest().isAfter(at) ? old.latest() : at));
  }

  @Override
  public synchronized void reset(Username username) {
    failures.remove(username);
  }

  /** The stored count for a name the test typed; zero when none is stored. */
  public synchronized int count(String typedUsername) {
    Failures stored = failures.get(Username.of(typedUsername));
    return stored == null ? 0 : stored.count();
  }
}
