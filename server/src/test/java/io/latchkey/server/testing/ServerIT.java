package io.latchkey.server.testing;

import io.latchkey.server.LatchkeyServerApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The real server on a random loopback port, on an embedded H2 file database in a fresh data
 * folder, with a clock the tests move. One server is shared by all integration tests of the JVM;
 * each test makes its own users.
 */
@SpringBootTest(
    classes = LatchkeyServerApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(ServerTestConfiguration.class)
public abstract class ServerIT {
  public static final Path DATA = tempDir();
  private static final AtomicInteger USERS = new AtomicInteger();

  @LocalServerPort protected int port;
  @Autowired protected MutableClock clock;
  protected Api api;

  /** The embedded H2 default, or a fresh PostgreSQL database (see {@link TestDatabase}). */
  private static final String DATABASE_URL = TestDatabase.jdbcUrl();

  @DynamicPropertySource
  static void serverProperties(DynamicPropertyRegistry registry) {
    registry.add("latchkey.data", DATA::toString);
    registry.add("server.address", () -> "127.0.0.1");
    // The tests play a reverse proxy on loopback (WizardClient.comeFrom, X-Forwarded-*).
    registry.add("latchkey.trusted-proxies", () -> "127.0.0.1,::1");
    // Every test of the suite talks to this server from one loopback address: its per-address and
    // global sign-in limits must not make one test's wrong passwords refuse another's. The limits
    // themselves are tested on nodes of their own (SignInThrottleNodesIT).
    registry.add("latchkey.sign-in.per-address", () -> "1000000");
    registry.add("latchkey.sign-in.global", () -> "1000000");
    if (DATABASE_URL != null) {
      registry.add("spring.datasource.url", () -> DATABASE_URL);
    }
  }

  @Autowired private org.springframework.context.ApplicationContext server;

  @BeforeEach
  void connect() {
    api = new Api("http://127.0.0.1:" + port, Api.adminTokens(server));
  }

  /** The bootstrap administrator's password after a test changed it (issue 14); null before. */
  private static volatile String changedAdminPassword;

  /**
   * The bootstrap administrator's password: the first start's one-time password until a test of
   * this JVM changed it (a first sign-in must change it, and deletes the file), then the new one.
   */
  protected static String adminPassword() {
    String changed = changedAdminPassword;
    if (changed != null) {
      return changed;
    }
    try {
      return Files.readString(DATA.resolve("initial-admin-password"), StandardCharsets.UTF_8)
          .strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A test changed the bootstrap administrator's password: {@link #adminPassword} gives it. */
  protected static void adminPasswordChanged(String newPassword) {
    changedAdminPassword = newPassword;
  }

  /** The JDBC URL every node of this test run uses: null for the default embedded H2 file. */
  protected static String databaseUrl() {
    return DATABASE_URL;
  }

  protected String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** A username no other test uses. */
  protected static String newUsername(String prefix) {
    return prefix + "-" + USERS.incrementAndGet() + "-" + ProcessHandle.current().pid();
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("latchkey-it-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
