package io.latchkey.core.user;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Password checks counted in fixed windows, in storage every node shares (issue 14). The check and
 * the count are one step: {@link #claim} admits an attempt only while its window has room, in one
 * atomic statement, so however many requests race on however many nodes, exactly the limit is
 * admitted. Names are counted as typed and canonicalised, not by user, so a name nobody has is
 * counted exactly like a real one (SECURITY-TESTS A5).
 */
public interface SignInThrottleRepository {

  /**
   * Counts one attempt in {@code bucket}'s window if it has room: fewer than {@code limit} attempts
   * since a window that opened less than {@code window} before {@code now}; a window that is over
   * starts again at {@code now} with this attempt. One atomic step.
   *
   * @return whether the attempt was admitted (and counted)
   */
  boolean claim(Bucket bucket, int limit, Instant now, Duration window);

  /** Gives one admitted attempt back (a success, or a check that could not run); never below 0. */
  void refund(Bucket bucket);

  /** Forgets the bucket (the right password for this name from this address). */
  void forget(Bucket bucket);

  /** The bucket's current window; empty when none is stored. */
  Optional<Window> find(Bucket bucket);

  /** Deletes windows opened before {@code before}: they are over whatever their limit. */
  int purgeOpenedBefore(Instant before);

  /** What a count is kept for. */
  enum Scope {
    NAME_AND_ADDRESS("name_address"),
    ADDRESS("address"),
    GLOBAL("global");

    private final String code;

    Scope(String code) {
      this.code = code;
    }

    /** The word stored and audited. */
    public String code() {
      return code;
    }
  }

  /**
   * One counter: a scope and what it is counted for ({@code ""} where the scope has no such part).
   *
   * @param username the canonical username for {@link Scope#NAME_AND_ADDRESS}, else {@code ""}
   * @param address the client address for the first two scopes, else {@code ""}
   */
  record Bucket(Scope scope, String username, String address) {
    public static Bucket nameAndAddress(Username username, String address) {
      return new Bucket(Scope.NAME_AND_ADDRESS, username.value(), address);
    }

    public static Bucket address(String address) {
      return new Bucket(Scope.ADDRESS, "", address);
    }

    public static final Bucket GLOBAL = new Bucket(Scope.GLOBAL, "", "");
  }

  /**
   * @param attempts attempts counted in the window
   * @param openedAt when the window opened
   */
  record Window(int attempts, Instant openedAt) {}
}
