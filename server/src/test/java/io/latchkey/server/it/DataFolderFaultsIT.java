package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.testing.Api;
import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.Envelopes;
import io.latchkey.server.testing.FaultAdmin;
import io.latchkey.server.testing.ServerProcess;
import io.latchkey.server.testing.Tmpfs;
import io.latchkey.server.testing.WizardClient;
import io.latchkey.server.testing.WizardClient.Page;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The data folder of the embedded H2 fills up, or is read-only (issue 13). The server runs in a
 * child JVM ({@link ServerProcess}) on a small tmpfs ({@link Tmpfs}, mounted as root).
 *
 * <ul>
 *   <li>Disk full: every request is answered 2xx or 503 {@code service_unavailable} in the
 *       envelope, never a 500; readiness is false; once space is freed the same process serves
 *       again (the pool's connections are renewed and H2 opens its file again), without a restart;
 *       everything answered 2xx is there, also after a kill -9 and a restart on the same folder.
 *   <li>Read-only at start: the server exits 1 (as {@code ./latchkey server}) with one message
 *       naming the folder, no stack trace.
 * </ul>
 *
 * <p>A folder turned read-only under a running server cannot be produced here: Linux refuses to
 * remount a file system read-only while a process has a file open for writing on it ("mount point
 * is busy"), and H2 always has. Its failure (an I/O error under a database error) takes the same
 * path as the full disk; see docs/OPERATIONS.md.
 */
class DataFolderFaultsIT {
  private static final String PASSWORD = "correct horse battery";
  private static final Duration RECOVERY = Duration.ofSeconds(60);

  private Path folder;
  private Tmpfs disk;
  private ServerProcess server;

  @BeforeEach
  void smallDisk() throws IOException {
    assertThat(Tmpfs.canMount())
        .as("mounting a tmpfs needs root (or sudo): run the suite as CI does, as root")
        .isTrue();
    folder = Files.createTempDirectory("latchkey-disk-");
    disk = Tmpfs.mount(folder.resolve("data"), 24);
  }

  @AfterEach
  void cleanUp() throws IOException {
    try {
      if (server != null) {
        server.close();
      }
    } finally {
      if (disk != null) {
        disk.close();
      }
      if (folder != null) {
        try (Stream<Path> files = Files.walk(folder)) {
          for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(file);
          }
        }
      }
    }
  }

  @Test
  void aFullDiskIsServiceUnavailableThenServesAgainAndAReadOnlyFolderStopsTheStart()
      throws IOException {
    Path data = disk.path();
    server = ServerProcess.start(data, null, List.of());
    String password =
        Files.readString(data.resolve("initial-admin-password"), StandardCharsets.UTF_8).strip();
    // Logged in before the disk fills up (a login writes the token and an audit record).
    FaultAdmin admin = FaultAdmin.login(server.base(), password, Instant::now, true);
    Api api = admin.api();
    admin.createUser("before", PASSWORD);
    List<String> acknowledged = new ArrayList<>(List.of("before"));

    // The disk fills up.
    Path filler = data.resolve("filler");
    disk.fill(filler);

    int refused = 0;
    for (int i = 0; i < 6; i++) {
      String username = "full" + i;
      Response answer =
          api.adminPost("/api/v1/admin/users", Map.of("username", username, "password", PASSWORD));
      if (answer.status() == 201) {
        acknowledged.add(username);
      } else {
        assertUnavailable("create " + username + " on a full disk", answer);
        refused++;
      }
    }
    assertThat(refused).as("writes refused on a full disk").isPositive();
    Page login = new WizardClient(server.base()).get("/login");
    assertThat(login.status()).as("GET /login on a full disk").isIn(200, 503);
    assertThat(server.readiness()).as("readiness on a full disk").isEqualTo(503);

    // Space is freed: the same process serves again, without a restart.
    Files.delete(filler);
    String after = awaitWrite(api);
    acknowledged.add(after);
    assertThat(server.readiness()).as("readiness once space is freed").isEqualTo(200);
    for (String username : acknowledged) {
      assertThat(admin.user(username).status())
          .as(username + " after the full disk")
          .isEqualTo(200);
    }

    // The database on the folder is intact: kill -9, and a new process finds everything.
    int port = server.port();
    server.kill();
    server.close();
    server = ServerProcess.start(data, null, List.of(), port);
    for (String username : acknowledged) {
      assertThat(admin.user(username).status()).as(username + " after a restart").isEqualTo(200);
    }
    server.kill();
    server.close();

    // Read-only at start: one clear message naming the folder, exit status 1, no stack trace.
    disk.readOnly(true);
    server = ServerProcess.launch(data, null, List.of());
    int exit = server.awaitExit(ServerProcess.START_TIMEOUT);
    String output = server.output();
    assertThat(exit).as(output).isEqualTo(1);
    assertThat(output)
        .contains("APPLICATION FAILED TO START")
        .contains(
            "The data folder " + data.toAbsolutePath() + " is not writable: Read-only file system")
        .doesNotContain("\tat ");
    disk.readOnly(false);
  }

  /** Creates users until one is answered 201 (H2 has opened its file again); its name. */
  private static String awaitWrite(Api api) {
    long deadline = System.nanoTime() + RECOVERY.toNanos();
    Response last = null;
    for (int i = 0; System.nanoTime() < deadline; i++) {
      String username = "after" + i;
      last =
          api.adminPost("/api/v1/admin/users", Map.of("username", username, "password", PASSWORD));
      if (last.status() == 201) {
        return username;
      }
      assertUnavailable("create " + username + " once space is freed", last);
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("no write succeeded " + RECOVERY + " after space was freed: " + last);
  }

  /** 503 with the JSON envelope {@code service_unavailable}; no stack trace, no internal detail. */
  private static void assertUnavailable(String what, Response response) {
    assertThat(response.status()).as(what + ": " + response).isEqualTo(503);
    assertThat(
            Envelopes.jsonProblems(response, "service_unavailable").stream()
                .filter(p -> !p.equals("status 503 is not a 4xx"))
                .toList())
        .as(what + ": " + response)
        .isEmpty();
  }
}
