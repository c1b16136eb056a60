package io.latchkey.server.config;

import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.user.Accounts;
import io.latchkey.core.user.BoundedPasswordHasher;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserRepository;
import io.latchkey.core.user.Username;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * First start on an empty database: creates {@code admin} with a one-time password, which must be
 * changed at the first sign-in (issue 14). The password is written to {@code
 * DATA/initial-admin-password} (mode 600) and shown on the terminal when there is one ({@link
 * System#console()} and a real terminal), never to standard output or the log, which a service
 * manager keeps. The file is deleted once the password is changed ({@link #forget}), and at a start
 * where the change already happened (on another node, or before a crash).
 */
@Component
public class AdminBootstrap implements ApplicationRunner {
  public static final String FILE_NAME = "initial-admin-password";
  private static final Logger LOG = LoggerFactory.getLogger(AdminBootstrap.class);

  private final Accounts accounts;
  private final UserRepository users;
  private final LatchkeyProperties properties;
  private final SecureRandom random;
  private final BoundedPasswordHasher hasher;

  public AdminBootstrap(
      Accounts accounts,
      UserRepository users,
      LatchkeyProperties properties,
      SecureRandom random,
      BoundedPasswordHasher hasher) {
    this.hasher = hasher;
    this.accounts = accounts;
    this.users = users;
    this.properties = properties;
    this.random = random;
  }

  @Override
  public void run(ApplicationArguments args) {
    RequestContext context =
        new RequestContext(CorrelationId.random(random), "", "latchkey server", "system");
    Path file = properties.data().resolve(FILE_NAME).toAbsolutePath();
    accounts
        .bootstrapAdmin(context)
        .ifPresentOrElse(
            password -> {
              write(file, password);
              LOG.info(
                  "First start: administrator account 'admin' created. Its one-time password is in"
                      + " {} (readable only by this account's user); it must be changed at the"
                      + " first sign-in, and the file is deleted then.",
                  file);
              terminal()
                  .ifPresent(
                      out -> {
                        out.println();
                        out.println("  Latchkey: first start. Administrator account created.");
                        out.println("    username: admin");
                        out.println("    one-time password: " + password);
                        out.println("  (also in " + file + ", readable only by you;");
                        out.println("   you choose a new password at the first sign-in)");
                        out.println();
                        out.flush();
                      });
            },
            () -> forgetIfChanged(file));
  }

  /**
   * The administrator's password changed: the first start's password no longer works, so its file
   * goes (issue 14).
   */
  public static void forget(Path data, User user) {
    if (user.username().value().equals(Accounts.ADMIN)) {
      delete(data.resolve(FILE_NAME).toAbsolutePath());
    }
  }

  private void forgetIfChanged(Path file) {
    if (!Files.exists(file)) {
      return;
    }
    java.util.Optional<User> admin = users.findByUsername(Username.of(Accounts.ADMIN));
    if (admin.isPresent() && !users.passwordChangeRequired(admin.get().id())) {
      java.util.Optional<String> matched = stillInUse(file, admin.get());
      if (matched.isPresent()) {
        // An install from before issue 14: the administrator still signs in with the first
        // start's password, and the file may be its only copy. It is kept, and the password must
        // now be changed at the next sign-in (which deletes the file), as on a first start.
        if (users.requirePasswordChange(admin.get().id(), matched.get())) {
          LOG.info(
              "The administrator 'admin' still has the first start's password (in {}): it must be"
                  + " changed at the next sign-in, and the file is deleted then.",
              file);
        }
        return;
      }
      delete(file);
    } else if (admin.isEmpty()) {
      delete(file);
    }
  }

  /**
   * The administrator's password hash if the file holds that password (read, never logged); empty
   * if the password was changed since.
   */
  private java.util.Optional<String> stillInUse(Path file, User admin) {
    java.util.Optional<String> stored = users.passwordHash(admin.id());
    if (stored.isEmpty()) {
      return java.util.Optional.empty();
    }
    try {
      String password = Files.readString(file, StandardCharsets.UTF_8).strip();
      return !password.isEmpty() && hasher.matches(password, stored.get())
          ? stored
          : java.util.Optional.empty();
    } catch (IOException | RuntimeException e) {
      LOG.warn("Cannot read {} ({}).", file, e.getClass().getSimpleName());
      return java.util.Optional.empty();
    }
  }

  private static void delete(Path file) {
    try {
      if (Files.deleteIfExists(file)) {
        LOG.info("The first start's administrator password was changed: {} deleted.", file);
      }
    } catch (IOException e) {
      LOG.warn("Cannot delete {} ({}): delete it by hand.", file, e.getMessage());
    }
  }

  /**
   * The terminal the server was started from, if any: not when standard input or output is
   * redirected (a service manager, a log file). From JDK 22 {@code System.console()} may return a
   * console that is no terminal; {@code Console.isTerminal()} (JDK 22+) is looked up reflectively
   * because the code is compiled for Java 21.
   */
  private static java.util.Optional<PrintWriter> terminal() {
    Console console = System.console();
    if (console == null) {
      return java.util.Optional.empty();
    }
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      if (!(Boolean) isTerminal.invoke(console)) {
        return java.util.Optional.empty();
      }
    } catch (NoSuchMethodException e) {
      // Java 21: a console is a terminal.
    } catch (ReflectiveOperationException e) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(console.writer());
  }

  private static void write(Path file, String password) {
    try {
      Files.createDirectories(file.getParent());
      Files.deleteIfExists(file);
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(
          file, password + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
