package io.latchkey.server.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.ApplicationListener;

/**
 * The data folder (embedded database, key file, initial admin password) must be writable, checked
 * before anything else starts: on a read-only folder the embedded H2 would open read-only and the
 * server would start only to fail on every write; on a full disk it would fail on its first write.
 * A folder that cannot be written stops the start with one clear message naming it ({@link
 * Analyzer}), not a wall of stack traces. Registered in {@code META-INF/spring.factories}.
 */
public final class DataFolderCheck
    implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

  @Override
  public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
    String data = event.getEnvironment().getProperty("latchkey.data", "./data");
    check(Path.of(data).toAbsolutePath().normalize());
  }

  /** Creates {@code folder} if needed and writes (then removes) a byte in it. */
  public static void check(Path folder) {
    try {
      Files.createDirectories(folder);
      Path probe = Files.createTempFile(folder, ".write-check-", ".tmp");
      try {
        Files.write(probe, new byte[] {1}, java.nio.file.StandardOpenOption.SYNC);
      } finally {
        Files.deleteIfExists(probe);
      }
    } catch (IOException | SecurityException e) {
      throw new NotWritable(folder, e);
    }
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
