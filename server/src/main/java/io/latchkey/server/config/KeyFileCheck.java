package io.latchkey.server.config;

import java.nio.file.Path;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * The key file could not be used (open to group or others, malformed, unreadable): the start stops
 * with one clear message saying why and what to do ({@link Analyzer}, registered in {@code
 * META-INF/spring.factories}), not a wall of stack traces, and {@code ./latchkey server} exits
 * non-zero.
 */
public final class KeyFileCheck {
  private KeyFileCheck() {}

  /**
   * Before anything starts (with the data folder's check): an existing key file must be usable.
   *
   * @throws Refused if it is open to group or others, malformed or unreadable
   */
  static void check(Path file) {
    if (!java.nio.file.Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return; // created at the first start
    }
    try {
      io.latchkey.store.KeyFile.load(file);
    } catch (IllegalStateException | java.io.UncheckedIOException e) {
      throw new Refused(file, e);
    }
  }

  /** Why the key file at {@code file} was refused; the message comes from {@code KeyFile}. */
  public static final class Refused extends RuntimeException {
    private final transient Path file;

    public Refused(Path file, RuntimeException cause) {
      super(cause.getMessage(), cause);
      this.file = file;
    }

    public Path file() {
      return file;
    }
  }

  /** Turns {@link Refused} into Spring's start-up report: description and action. */
  public static final class Analyzer extends AbstractFailureAnalyzer<Refused> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, Refused cause) {
      String message = cause.getMessage();
      String action =
          message != null && message.contains("chmod 600")
              ? "Check who may have read "
                  + cause.file()
                  + " (whoever did can open every TOTP secret: rotate the data key after the"
                  + " start, see docs/OPERATIONS.md), then run: chmod 600 "
                  + cause.file()
              : "Restore "
                  + cause.file()
                  + " from its backup (the same copy on every node); without it no TOTP secret"
                  + " in the database opens.";
      return new FailureAnalysis("The key file cannot be used: " + message, action, cause);
    }
  }
}
