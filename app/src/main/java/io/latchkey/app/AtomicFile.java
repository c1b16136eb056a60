package io.latchkey.app;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Replaces a small file so that a crash leaves either the old bytes or the new ones, never a mix:
 * the bytes go to a temporary file beside it (mode 600 from the start), which is synced, renamed
 * over the old one, and the directory is synced so the rename itself survives. The vault, the
 * wrong-PIN counter and the unlock file are all written this way.
 */
final class AtomicFile {
  static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private AtomicFile() {}

  /** Replaces {@code file} with {@code bytes}, readable and writable by its owner only. */
  static void write(Path file, byte[] bytes) throws IOException {
    Path directory = file.toAbsolutePath().getParent();
    Path temp = Files.createTempFile(directory, ".latchkey-", ".tmp", permissions("rw-------"));
    try {
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        out.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      syncDirectory(directory);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** {@code mode} ("rwx------") as a creation attribute, or none where there are no POSIX modes. */
  static FileAttribute<?>[] permissions(String mode) {
    if (!POSIX) {
      return new FileAttribute<?>[0];
    }
    return new FileAttribute<?>[] {
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode))
    };
  }

  private static void syncDirectory(Path directory) throws IOException {
    if (!POSIX) {
      return; // Windows cannot open a directory as a channel; its rename is durable enough.
    }
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
