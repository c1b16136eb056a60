package io.latchkey.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock a test moves from another process: it reads the instant written in a file. The test
 * writes it ({@link #set}); a server in a child JVM ({@link ChildServer}) reads it on every call,
 * so the test controls its time across a kill and a restart as {@link MutableClock} does in
 * process.
 */
public final class FileClock extends Clock {
  private final Path file;

  public FileClock(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  /** Writes {@code now} for the readers, atomically (a reader never sees half a line). */
  public void set(Instant now) {
    try {
      Path temporary = Files.createTempFile(file.getParent(), ".clock", ".tmp");
      Files.writeString(temporary, now.toString(), StandardCharsets.UTF_8);
      Files.move(
          temporary,
          file,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void advance(java.time.Duration duration) {
    set(instant().plus(duration));
  }

  /** Moves to the start of the next TOTP step of {@code period} seconds, plus one second. */
  public void nextStep(int period) {
    set(Instant.ofEpochSecond((instant().getEpochSecond() / period + 1) * period + 1));
  }

  @Override
  public Instant instant() {
    try {
      return Instant.parse(Files.readString(file, StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
