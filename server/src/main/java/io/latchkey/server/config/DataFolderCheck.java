package io.latchkey.server.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.ApplicationListener;

/**
 * The data folder (embedded database, key file, initial admin password) must be private and
 * writable, checked before anything else starts. Private (issue 14): the folder and its sub-folders
 * are created with mode 700 before anything is written in them, so no file in them is ever open to
 * another user, whatever mode it is created with; the files get mode 600 ({@link #tighten}, also
 * run again once the server started, for the files H2 created). A folder left with looser modes by
 * an older version is tightened at start, with one warning naming what changed; the key file is
 * never tightened: a key file others could read is refused ({@code KeyFileCheck}), since it may
 * have been copied already. Writable: on a read-only folder the embedded H2 would open read-only
 * and the server would start only to fail on every write; on a full disk it would fail on its first
 * write. A folder that cannot be written stops the start with one clear message naming it ({@link
 * Analyzer}), not a wall of stack traces. Registered in {@code META-INF/spring.factories}.
 */
public final class DataFolderCheck
    implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

  @Override
  public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
    String data = event.getEnvironment().getProperty("latchkey.data", "./data");
    Path folder = Path.of(data).toAbsolutePath().normalize();
    check(folder);
    KeyFileCheck.check(folder.resolve(KEY_FILE));
  }

  /** Creates {@code folder} if needed and writes (then removes) a byte in it. */
  public static void check(Path folder) {
    try {
      createPrivate(folder);
      createPrivate(folder.resolve("db"));
      // H2 appends to its trace file: created here with mode 600, it keeps that mode.
      Path trace = folder.resolve("db").resolve("latchkey.trace.db");
      if (posix(folder) && !Files.exists(trace, LinkOption.NOFOLLOW_LINKS)) {
        Files.createFile(trace, PosixFilePermissions.asFileAttribute(FILE));
      }
      List<String> tightened = tighten(folder);
      if (!tightened.isEmpty()) {
        LOG.warn(
            "The data folder {} was open to other users (created by an older version?): set mode"
                + " 700 on folders and 600 on files for {}",
            folder,
            String.join(", ", tightened));
      }
      probe(folder);
    } catch (IOException | SecurityException e) {
      throw new NotWritable(folder, e);
    }
  }

  /**
   * Whether {@code folder} takes a write now (readiness): a byte written, synced and removed.
   * Nothing else is touched, so nodes and probes sharing the folder do not trip over each other's
   * files.
   */
  public static void checkWritable(Path folder) {
    try {
      probe(folder);
    } catch (IOException | SecurityException e) {
      throw new NotWritable(folder, e);
    }
  }

  private static void probe(Path folder) throws IOException {
    Path probe = Files.createTempFile(folder, ".write-check-", ".tmp");
    try {
      Files.write(probe, new byte[] {1}, java.nio.file.StandardOpenOption.SYNC);
    } finally {
      Files.deleteIfExists(probe);
    }
  }

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(DataFolderCheck.class);

  private static final Set<PosixFilePermission> FOLDER =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  /** The key file, which is refused rather than tightened when others may read it. */
  static final Path KEY_FILE = Path.of("keys", "secret-keys");

  private static boolean posix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  /** Creates {@code folder} and its missing parents with mode 700 (where modes exist). */
  static void createPrivate(Path folder) throws IOException {
    if (posix(folder)) {
      Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(FOLDER));
    } else {
      Files.createDirectories(folder);
    }
  }

  /**
   * Sets mode 700 on {@code data} and every folder in it, and 600 on every file but the key file.
   * Symbolic links are not followed.
   *
   * @return the paths (relative to {@code data}) whose mode changed
   */
  public static List<String> tighten(Path data) throws IOException {
    List<String> changed = new ArrayList<>();
    if (!posix(data) || !Files.isDirectory(data, LinkOption.NOFOLLOW_LINKS)) {
      return changed;
    }
    List<Path> all = new ArrayList<>();
    Files.walkFileTree(
        data,
        new java.nio.file.SimpleFileVisitor<>() {
          @Override
          public java.nio.file.FileVisitResult preVisitDirectory(
              Path dir, java.nio.file.attribute.BasicFileAttributes attributes) {
            all.add(dir);
            return java.nio.file.FileVisitResult.CONTINUE;
          }

          @Override
          public java.nio.file.FileVisitResult visitFile(
              Path file, java.nio.file.attribute.BasicFileAttributes attributes) {
            all.add(file);
            return java.nio.file.FileVisitResult.CONTINUE;
          }

          @Override
          public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e)
              throws IOException {
            if (e instanceof java.nio.file.NoSuchFileException) {
              // A temporary file (another node's write check, H2's) removed meanwhile.
              return java.nio.file.FileVisitResult.CONTINUE;
            }
            throw e;
          }
        });
    for (Path path : all) {
      if (Files.isSymbolicLink(path) || data.relativize(path).equals(KEY_FILE)) {
        continue;
      }
      boolean folder = Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
      Set<PosixFilePermission> wanted = folder ? FOLDER : FILE;
      Set<PosixFilePermission> now;
      try {
        now = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
      } catch (java.nio.file.NoSuchFileException gone) {
        continue; // a temporary file removed meanwhile
      }
      Set<PosixFilePermission> loose = EnumSet.noneOf(PosixFilePermission.class);
      loose.addAll(now);
      loose.removeAll(wanted);
      if (!loose.isEmpty() || !now.containsAll(folder ? FOLDER : Set.of())) {
        try {
          Files.setPosixFilePermissions(path, folder ? FOLDER : tightFile(now));
        } catch (java.nio.file.NoSuchFileException gone) {
          continue;
        }
        changed.add(
            data.relativize(path).toString().isEmpty() ? "." : data.relativize(path).toString());
      }
    }
    return changed;
  }

  /** The owner's bits as they were (at least read and write), nothing for group and others. */
  private static Set<PosixFilePermission> tightFile(Set<PosixFilePermission> now) {
    Set<PosixFilePermission> out = EnumSet.copyOf(FILE);
    if (now.contains(PosixFilePermission.OWNER_EXECUTE)) {
      out.add(PosixFilePermission.OWNER_EXECUTE);
    }
    return out;
  }

  /** The data folder cannot be written; the message names it and says why. */
  public static final class NotWritable extends RuntimeException {
    private final transient Path folder;

    NotWritable(Path folder, Exception cause) {
      super("The data folder " + folder + " is not writable: " + reason(cause), cause);
      this.folder = folder;
    }

    public Path folder() {
      return folder;
    }

    private static String reason(Exception e) {
      if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
        return fs.getReason();
      }
      if (e instanceof java.nio.file.AccessDeniedException) {
        return "permission denied";
      }
      return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
  }

  /** Turns {@link NotWritable} into Spring's start-up report: description and action. */
  public static final class Analyzer extends AbstractFailureAnalyzer<NotWritable> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, NotWritable cause) {
      return new FailureAnalysis(
          cause.getMessage() + ".",
          "Make "
              + cause.folder()
              + " writable by the user running Latchkey (a read-only mount, a full disk or its"
              + " permissions), or choose another folder with --data.",
          cause);
    }
  }
}
