package io.latchkey.server.config;

import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.user.Accounts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * First start on an empty database: creates {@code admin} with a one-time password, prints it once
 * and writes it to {@code DATA/initial-admin-password} (mode 600). The password never goes to the
 * log.
 */
@Component
public class AdminBootstrap implements ApplicationRunner {
  public static final String FILE_NAME = "initial-admin-password";
  private final Accounts accounts;
  private final LatchkeyProperties properties;
  private final SecureRandom random;

  public AdminBootstrap(Accounts accounts, LatchkeyProperties properties, SecureRandom random) {
    this.accounts = accounts;
    this.properties = properties;
    this.random = random;
  }

  @Override
  public void run(ApplicationArguments args) {
    RequestContext context =
        new RequestContext(CorrelationId.random(random), "", "latchkey server", "system");
    accounts
        .bootstrapAdmin(context)
        .ifPresent(
            password -> {
              Path file = properties.data().resolve(FILE_NAME).toAbsolutePath();
              write(file, password);
              System.out.println();
              System.out.println("  Latchkey: first start. Administrator account created.");
              System.out.println("    username: admin");
              System.out.println("    one-time password: " + password);
              System.out.println("  (also written to " + file + ", readable only by you)");
              System.out.println();
            });
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
