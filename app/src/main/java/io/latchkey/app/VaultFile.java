package io.latchkey.app;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.util.Optional;

/**
 * The vault's bytes on disk: {@code HOME/vault.json}, readable by its owner only. A write never
 * leaves a half-written vault ({@link AtomicFile}).
 *
 * <p>While open, the file holds an exclusive lock on {@code HOME/vault.lock}, so two commands on
 * the same home (say {@code code} for a HOTP entry, run twice at once) cannot both read the same
 * counter and lose an update.
 */
final class VaultFile implements AutoCloseable {
  static final String NAME = "vault.json";
  private static final String LOCK_NAME = "vault.lock";
  private static final long LOCK_WAIT_MILLIS = 5_000;

  private final Path home;
  private final Path file;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private VaultFile(Path home, FileChannel lockChannel, FileLock lock) {
    this.home = home;
    this.file = home.resolve(NAME);
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /** Creates {@code home} (mode 700) if needed and takes the lock. */
  static VaultFile open(Path home) throws IOException {
    if (Files.exists(home) && !Files.isDirectory(home)) {
      throw new AppException("The home " + home + " is a file, not a directory.");
    }
    if (!Files.isDirectory(home)) {
      Files.createDirectories(home, permissions("rwx------"));
    }
    Path lockFile = home.resolve(LOCK_NAME);
    if (!Files.exists(lockFile)) {
      try {
        Files.createFile(lockFile, permissions("rw-------"));
      } catch (FileAlreadyExistsException raced) {
        // Another command created it first; it is the same lock.
      }
    }
    FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
    try {
      return new VaultFile(home, channel, acquire(channel));
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  Path path() {
    return file;
  }

  /** The home this file and its lock are in. */
  Path home() {
    return home;
  }

  /** The vault's bytes, or empty if this home has no vault yet. */
  Optional<byte[]> read() throws IOException {
    try {
      return Optional.of(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** Replaces the vault with {@code bytes} atomically. */
  void write(byte[] bytes) throws IOException {
    AtomicFile.write(file, bytes);
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      lockChannel.close();
    }
  }

  private static FileLock acquire(FileChannel channel) throws IOException {
    long deadline = System.nanoTime() + LOCK_WAIT_MILLIS * 1_000_000;
    while (true) {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException heldInThisProcess) {
        // File locks belong to the whole JVM: another thread here holds it, so wait likewise.
        lock = null;
      }
      if (lock != null) {
        return lock;
      }
      if (System.nanoTime() > deadline) {
        throw new AppException(
            "The vault is in use by another latchkey app command; try again when it has finished.");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AppException("Interrupted while waiting for the vault.", e);
      }
    }
  }

  private static FileAttribute<?>[] permissions(String mode) {
    return AtomicFile.permissions(mode);
  }
}
