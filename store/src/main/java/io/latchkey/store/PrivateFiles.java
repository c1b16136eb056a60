package io.latchkey.store;

import static java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.OWNER_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_WRITE;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Files and folders only their owner may read: mode 600 and 700 where the file system has POSIX
 * modes. Set at creation, so there is no moment in which another user could open them.
 */
final class PrivateFiles {
  static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
  static final Set<PosixFilePermission> FOLDER_MODE = PosixFilePermissions.fromString("rwx------");

  private PrivateFiles() {}

  static boolean posix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  /** Creates the missing folders of {@code folder}, each with mode 700. */
  static void createDirectories(Path folder) throws IOException {
    if (posix(folder)) {
      Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(FOLDER_MODE));
    } else {
      Files.createDirectories(folder);
    }
  }

  /** An empty new file with mode 600 in {@code folder}, for writing and then moving into place. */
  static Path createTempFile(Path folder, String prefix) throws IOException {
    FileAttribute<?>[] attributes =
        posix(folder)
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_MODE)}
            : new FileAttribute<?>[0];
    return Files.createTempFile(folder, prefix, ".tmp", attributes);
  }

  /** The permissions of {@code path} that let its group or others in; empty when none do. */
  static Set<PosixFilePermission> groupOrOthers(Path path) throws IOException {
    if (!posix(path)) {
      return Set.of();
    }
    Set<PosixFilePermission> loose = EnumSet.noneOf(PosixFilePermission.class);
    loose.addAll(Files.getPosixFilePermissions(path));
    loose.removeAll(EnumSet.of(OWNER_READ, OWNER_WRITE, OWNER_EXECUTE));
    return loose;
  }
}
