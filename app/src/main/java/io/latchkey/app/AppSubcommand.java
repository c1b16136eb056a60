package io.latchkey.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What every app command shares: finding the {@link AppCommand} above it, opening the vault, and
 * turning any failure into one plain sentence on stderr and a non-zero exit code. The failures are
 * handled here rather than in a picocli handler so that they read the same when another program
 * (the launcher) embeds {@code app} in its own command line.
 */
abstract class AppSubcommand implements Callable<Integer> {

  /** Exit code for failures the user can fix (wrong PIN, unknown name, bad URI). */
  static final int USER_ERROR = 1;

  @Spec CommandSpec spec;

  /** The command's work; throws {@link AppException} for anything the user should read. */
  abstract void execute() throws IOException;

  @Override
  public final Integer call() {
    try {
      execute();
      out().flush();
      return exitCode();
    } catch (AppException e) {
      return fail(e.getMessage());
    } catch (IOException e) {
      return fail(describe(e));
    } catch (UncheckedIOException e) {
      return fail(describe(e.getCause()));
    } catch (ParameterException e) {
      throw e; // picocli reports usage errors itself
    } catch (RuntimeException e) {
      // Only the type: a message could hold anything, and a stack trace helps no user.
      err().println("Unexpected internal error (" + e.getClass().getSimpleName() + ").");
      err().flush();
      return ExitCode.SOFTWARE;
    }
  }

  /** The exit code after {@link #execute()} returned: OK unless a command says otherwise. */
  int exitCode() {
    return ExitCode.OK;
  }

  AppCommand app() {
    for (CommandSpec s = spec; s != null; s = s.parent()) {
      if (s.userObject() instanceof AppCommand app) {
        return app;
      }
    }
    throw new IllegalStateException(getClass().getSimpleName() + " must run under AppCommand");
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Opens the vault of {@code --home}, asking for the PIN if it has one and is not unlocked. */
  Vault openVault() throws IOException {
    return openVault(false);
  }

  /**
   * Opens the vault of {@code --home}.
   *
   * @param pinRequired ask for the PIN even while the vault is unlocked (to unlock it again, or to
   *     change or remove the PIN)
   */
  Vault openVault(boolean pinRequired) throws IOException {
    Vault vault = Vault.open(app().home(), app().pinGate(), pinRequired);
    if (vault.exists() && !vault.hasPin() && app().pins().fromEnvironment().isPresent()) {
      err().println("Warning: " + PinSource.PIN_VARIABLE + " is set, but this vault has no PIN.");
    }
    return vault;
  }

  private int fail(String message) {
    err().println(message);
    err().flush();
    return USER_ERROR;
  }

  private String describe(IOException e) {
    String what;
    if (e instanceof AccessDeniedException denied) {
      what = "permission denied for " + denied.getFile();
    } else if (e instanceof NoSuchFileException missing) {
      what = "no such file or directory " + missing.getFile();
    } else if (e instanceof FileAlreadyExistsException exists) {
      what = "a file is in the way at " + exists.getFile();
    } else if (e instanceof FileSystemException fs && fs.getReason() != null) {
      what = fs.getReason().toLowerCase(java.util.Locale.ROOT) + " (" + fs.getFile() + ")";
    } else {
      what = String.valueOf(e.getMessage());
    }
    return "Could not use the app's storage in " + app().home() + ": " + what + ".";
  }
}
