package io.latchkey.core.user;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.RetryLater;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A password hasher that runs at most {@code permits} hashes at once (issue 14). A password check
 * that finds every permit taken is refused at once with {@code rate_limited} and a one-second
 * {@code Retry-After} instead of queueing behind a spray, so requests that need no hash (codes,
 * pushes, health checks) keep their share of the cores. Hashing a new password (an administrator
 * creating users) waits its turn instead, up to {@link #HASH_WAIT}.
 */
public final class BoundedPasswordHasher implements PasswordHasher {
  /** How long hashing a new password waits for a permit before it is refused. */
  public static final Duration HASH_WAIT = Duration.ofSeconds(30);

  private final PasswordHasher hasher;
  private final Semaphore permits;
  private final int size;

  /**
   * Permits held now, by client address ({@link #withPermit(String, java.util.function.Supplier)}).
   */
  private final java.util.concurrent.ConcurrentHashMap<String, Integer> held =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Set while this thread holds a permit taken by {@link #withPermit}. */
  private final ThreadLocal<Boolean> holding = new ThreadLocal<>();

  private final java.util.concurrent.atomic.LongAdder refusals =
      new java.util.concurrent.atomic.LongAdder();

  /**
   * @param permits hashes that may run at once, at least 1 (the server's default: its cores)
   */
  public BoundedPasswordHasher(PasswordHasher hasher, int permits) {
    if (permits < 1) {
      throw new IllegalArgumentException("at least one hash must be able to run");
    }
    this.hasher = hasher;
    this.permits = new Semaphore(permits);
    this.size = permits;
  }

  @Override
  public String hash(CharSequence password) {
    if (holding.get() != null) {
      return hasher.hash(password);
    }
    try {
      if (!permits.tryAcquire(HASH_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw busy();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw busy();
    }
    try {
      return hasher.hash(password);
    } finally {
      permits.release();
    }
  }

  /**
   * @throws Busy at once when every permit is taken
   */
  @Override
  public boolean matches(CharSequence password, String storedHash) {
    if (holding.get() != null) {
      return hasher.matches(password, storedHash);
    }
    if (!permits.tryAcquire()) {
      throw busy();
    }
    try {
      return hasher.matches(password, storedHash);
    } finally {
      permits.release();
    }
  }

  /**
   * Takes a permit for the whole of {@code work} (the sign-in's throttle check and its one hash),
   * so a check that would find no room to hash is refused before it writes anything.
   *
   * @throws Busy at once when every permit is taken
   */
  @Override
  public <T> T withPermit(java.util.function.Supplier<T> work) {
    if (holding.get() != null) {
      return work.get();
    }
    if (!permits.tryAcquire()) {
      throw busy();
    }
    holding.set(Boolean.TRUE);
    try {
      return work.get();
    } finally {
      holding.remove();
      permits.release();
    }
  }

  /**
   * As {@link #withPermit(java.util.function.Supplier)}, with at most {@link #share()} of the
   * permits held by {@code client} at once: with 2 permits (2 cores), a spray from one address
   * holds one at most, and the owner signing in from another address finds the other free.
   *
   * @throws Busy at once when the client holds its share, or every permit is taken
   */
  @Override
  public <T> T withPermit(String client, java.util.function.Supplier<T> work) {
    if (holding.get() != null || client == null) {
      return withPermit(work);
    }
    int share = share();
    boolean[] admitted = {false};
    held.compute(
        client,
        (key, count) -> {
          int now = count == null ? 0 : count;
          if (now >= share) {
            return count;
          }
          admitted[0] = true;
          return now + 1;
        });
    if (!admitted[0]) {
      refusals.increment();
      throw new Busy(size, share);
    }
    try {
      return withPermit(work);
    } finally {
      held.computeIfPresent(client, (key, count) -> count <= 1 ? null : count - 1);
    }
  }

  /** The permits one client may hold at once: half of them, at least one. */
  public int share() {
    return Math.max(1, size / 2);
  }

  /** Hashes that may run at once. */
  public int permits() {
    return size;
  }

  /** Hashes running now. */
  public int running() {
    return size - permits.availablePermits();
  }

  /** Checks and hashes refused so far because every permit was in use. */
  public long refusals() {
    return refusals.sum();
  }

  private Busy busy() {
    refusals.increment();
    return new Busy(size);
  }

  /** Every permit was taken: {@code rate_limited}, try again in a second. */
  public static final class Busy extends RetryLater {
    private final int permits;

    Busy(int permits) {
      super(
          ErrorCode.RATE_LIMITED,
          "the server is busy checking other passwords: permits=" + permits + " all in use",
          Duration.ofSeconds(1));
      this.permits = permits;
    }

    Busy(int permits, int share) {
      super(
          ErrorCode.RATE_LIMITED,
          "this address already has its share of the password checks running: permits="
              + permits
              + " share="
              + share
              + " in use by this address",
          Duration.ofSeconds(1));
      this.permits = permits;
    }

    /** The permits, all of which were in use. */
    public int permits() {
      return permits;
    }
  }
}
