package io.latchkey.app;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The vault's bytes on disk: {@code HOME/vault.json}, readable by its owner only. A write never
 * leaves a half-written vault: it goes to a temporary file that is synced, then renamed over the
 * old one, and the directory is synced so the rename itself survives a crash.
 *
 * <p>While open, the file holds an exclusive lock on {@code HOME/vault.lock}, so two commands on
 * the same home (say {@code code} for a HOTP entry, run twice at once) cannot both read the same
 * counter and lose an update.
 */
final class VaultFile implements AutoCloseable {
  static final String NAME = "vault.json";
  private static final String LOCK_NAME = "vault.lock";
  private static final long LOCK_WAIT_MILLIS = 5_000;
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

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
    Path temp = Files.createTempFile(home, ".vault-", ".tmp", permissions("rw-------"));
    try {
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        out.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      syncDirectory();
    } finally {
      Files.deleteIfExists(temp);
    }
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

  private void syncDirectory() throws IOException {
    if (!POSIX) {
      return; // Windows cannot open a directory as a channel; its rename is durable enough.
    }
    try (FileChannel directory = FileChannel.open(home, StandardOpenOption.READ)) {
      directory.force(true);
    }
  }

  private static FileAttribute<?>[] permissions(String mode) {
    if (!POSIX) {
      return new FileAttribute<?>[0];
    }
    return new FileAttribute<?>[] {
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode))
    };
  }
}
