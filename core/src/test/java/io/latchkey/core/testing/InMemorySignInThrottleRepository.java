package io.latchkey.core.testing;

import io.latchkey.core.user.SignInThrottleRepository;
import io.latchkey.core.user.Username;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Sign-in attempts in memory, honouring the contract of {@link SignInThrottleRepository}: each
 * claim is one atomic check-and-count (synchronized, like the single conditional {@code UPDATE} of
 * the real store).
 */
public final class InMemorySignInThrottleRepository implements SignInThrottleRepository {
  private final Map<Bucket, Window> windows = new HashMap<>();

  @Override
  public synchronized boolean claim(Bucket bucket, int limit, Instant now, Duration window) {
    Window stored = windows.get(bucket);
    if (stored == null || !stored.openedAt().isAfter(now.minus(window))) {
      windows.put(bucket, new Window(1, now));
      return true;
    }
    if (stored.attempts() >= limit) {
      return false;
    }
    windows.put(bucket, new Window(stored.attempts() + 1, stored.openedAt()));
    return true;
  }

  @Override
  public synchronized void refund(Bucket bucket) {
    windows.computeIfPresent(
        bucket, (b, w) -> new Window(Math.max(0, w.attempts() - 1), w.openedAt()));
  }

  @Override
  public synchronized void forget(Bucket bucket) {
    windows.remove(bucket);
  }

  @Override
  public synchronized Optional<Window> find(Bucket bucket) {
    return Optional.ofNullable(windows.get(bucket));
  }

  @Override
  public synchronized int purgeOpenedBefore(Instant before) {
    int size = windows.size();
    windows.values().removeIf(w -> w.openedAt().isBefore(before));
    return size - windows.size();
  }

  /** The attempts counted for a name the test typed, from an address; zero when none. */
  public synchronized int count(String typedUsername, String address) {
    return attempts(Bucket.nameAndAddress(Username.of(typedUsername), address));
  }

  /** The attempts counted for an address, every name together; zero when none. */
  public synchronized int countAddress(String address) {
    return attempts(Bucket.address(address));
  }

  /** The attempts counted on the whole server; zero when none. */
  public synchronized int countGlobal() {
    return attempts(Bucket.GLOBAL);
  }

  /** How many windows are stored. */
  public synchronized int size() {
    return windows.size();
  }

  private int attempts(Bucket bucket) {
    Window stored = windows.get(bucket);
    return stored == null ? 0 : stored.attempts();
  }
}
