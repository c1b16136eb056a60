package io.latchkey.core.user;

/** A slow password hash (Argon2id): the core does not care which library provides it. */
public interface PasswordHasher {
  String hash(CharSequence password);

  boolean matches(CharSequence password, String storedHash);

  /**
   * Runs {@code work}, which hashes at most once, with the right to hash held throughout: a hasher
   * with a bound ({@link BoundedPasswordHasher}) refuses at once when it has no room, before any of
   * the work is done. An unbounded hasher just runs it.
   */
  default <T> T withPermit(java.util.function.Supplier<T> work) {
    return work.get();
  }

  /**
   * As {@link #withPermit(java.util.function.Supplier)}, for a check sent by {@code client} (its
   * address as the throttle counts it): a bounded hasher lets one client hold only its share of the
   * permits, so a burst from one address cannot take the room another address's check needs.
   */
  default <T> T withPermit(String client, java.util.function.Supplier<T> work) {
    return withPermit(work);
  }
}
