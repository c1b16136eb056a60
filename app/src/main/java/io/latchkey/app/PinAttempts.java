package io.latchkey.app;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Consecutive wrong PINs and the time of the last one, in {@code HOME/pin-attempts.json} beside the
 * vault (mode 600, replaced atomically, read and written only while the vault's lock is held), so
 * that a new process does not start afresh. It holds no secret and is never part of the vault.
 *
 * <p>The first {@value #FREE_TRIES} wrong PINs cost nothing but the Argon2id work; from then on
 * each wrong PIN doubles a wait (1 s, 2 s, 4 s, ... at most 15 min), during which the app refuses
 * at once without asking for a PIN or deriving anything. A right PIN deletes the file. The times
 * come from the injected clock; a clock that has gone back before the last wrong PIN restarts the
 * wait from now rather than lengthening it.
 *
 * <p>This slows guessing through the app, the way a phone's lock screen does. Someone who can write
 * the home can delete the file, so it adds nothing against a copy of the vault file; that is the
 * Argon2id cost's job (each guess costs 19 MiB and two passes).
 */
final class PinAttempts {
  static final String NAME = "pin-attempts.json";
  static final int FREE_TRIES = 3;
  static final Duration FIRST_WAIT = Duration.ofSeconds(1);
  static final Duration MAX_WAIT = Duration.ofMinutes(15);

  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  /** The file's content. */
  @JsonPropertyOrder({"failures", "lastFailure"})
  record Stored(int failures, String lastFailure) {}

  private final Path file;
  private final Clock clock;

  /**
   * @param home the vault's home; the caller holds the vault's lock
   * @param clock what "now" is
   */
  PinAttempts(Path home, Clock clock) {
    this.file = home.resolve(NAME);
    this.clock = clock;
  }

  /** How long to wait after {@code failures} consecutive wrong PINs, from the last one. */
  static Duration waitAfter(int failures) {
    if (failures <= FREE_TRIES) {
      return Duration.ZERO;
    }
    int doublings = failures - FREE_TRIES - 1;
    if (doublings >= 30) {
      return MAX_WAIT;
    }
    Duration wait = FIRST_WAIT.multipliedBy(1L << doublings);
    return wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait;
  }

  /**
   * Refuses at once while a wait is running.
   *
   * @throws AppException "Wrong PIN. Try again in N s."
   */
  void refuseWhileWaiting() throws IOException {
    State state = read();
    Instant now = clock.instant();
    Duration wait = waitAfter(state.failures());
    if (wait.isZero()) {
      return;
    }
    if (now.isBefore(state.lastFailure())) {
      write(new State(state.failures(), now));
      throw new AppException("Wrong PIN. " + againIn(wait));
    }
    Duration left = Duration.between(now, state.lastFailure().plus(wait));
    if (left.isPositive()) {
      throw new AppException("Wrong PIN. " + againIn(left));
    }
  }

  /** Counts a wrong PIN; returns the wait it starts (zero while there are free tries left). */
  Duration failed() throws IOException {
    State state = read();
    int failures = state.failures() == Integer.MAX_VALUE ? state.failures() : state.failures() + 1;
    write(new State(failures, clock.instant()));
    return waitAfter(failures);
  }

  /** A right PIN: the count starts again. */
  void succeeded() throws IOException {
    Files.deleteIfExists(file);
  }

  /** Consecutive wrong PINs so far. */
  int failures() throws IOException {
    return read().failures();
  }

  /** "Try again in N s.", N rounded up. */
  static String againIn(Duration wait) {
    long seconds = wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0);
    return "Try again in " + Math.max(1, seconds) + " s.";
  }

  private record State(int failures, Instant lastFailure) {}

  private State read() throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new State(0, Instant.EPOCH);
    }
    try {
      Stored stored = MAPPER.readValue(bytes, Stored.class);
      if (stored == null || stored.failures() < 0 || stored.lastFailure() == null) {
        return damaged();
      }
      return new State(stored.failures(), Instant.parse(stored.lastFailure()));
    } catch (JacksonException | DateTimeException e) {
      return damaged();
    }
  }

  /**
   * A file that cannot be read (edited by hand, say) counts as the free tries used up, so it cannot
   * be used to get more; it starts no wait by itself.
   */
  private static State damaged() {
    return new State(FREE_TRIES, Instant.EPOCH);
  }

  private void write(State state) throws IOException {
    AtomicFile.write(
        file,
        MAPPER.writeValueAsBytes(new Stored(state.failures(), state.lastFailure().toString())));
  }
}
