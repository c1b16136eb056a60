package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.latchkey.core.otp.Secret;
import io.latchkey.core.totp.TotpCredential;
import io.latchkey.core.user.UserId;
import io.latchkey.server.testing.Api;
import io.latchkey.server.testing.FaultAdmin;
import io.latchkey.server.testing.FileClock;
import io.latchkey.server.testing.ServerProcess;
import io.latchkey.server.testing.ServerTestConfiguration;
import io.latchkey.server.testing.WizardClient;
import io.latchkey.server.testing.WizardClient.EnrolledUser;
import io.latchkey.store.DataKeys;
import io.latchkey.store.Databases;
import io.latchkey.store.JdbcTotpCredentialRepository;
import io.latchkey.store.KeyFile;
import io.latchkey.store.SpringTransactions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * A rotation killed between batches (kill -9 of the server's process, issue 14): every row still
 * opens, each with the key it names (some the old, some the new), and after a restart the job takes
 * the rotation up again once the dead node's lease ran out, finishes it and retires the old key.
 * The embedded H2 in a child process, like KillNineIT.
 */
class KeyRotationCrashIT {
  private static final List<String> SETTINGS =
      List.of(
          "--latchkey.key-rotation.batch-size=1",
          "--latchkey.key-rotation.batch-pause=1500ms",
          "--latchkey.key-rotation.poll-interval=1s",
          "--latchkey.key-rotation.lease=60s");

  private Path folder;
  private Path data;
  private FileClock clock;
  private ServerProcess server;

  @BeforeEach
  void freshDataFolder() throws IOException {
    folder = Files.createTempDirectory("latchkey-rotation-crash-");
    data = folder.resolve("data");
    clock = new FileClock(folder.resolve("clock"));
    clock.set(ServerTestConfiguration.START);
  }

  @AfterEach
  void cleanUp() throws IOException {
    if (server != null) {
      server.close();
    }
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }

  @Test
  void killedBetweenBatchesEveryRowOpensAndTheRotationFinishesAfterARestart() throws Exception {
    server = ServerProcess.start(data, clock, SETTINGS);
    int port = server.port();
    String adminPassword =
        Files.readString(data.resolve("initial-admin-password"), StandardCharsets.UTF_8).strip();
    FaultAdmin admin = FaultAdmin.login(server.base(), adminPassword, clock::instant, false);
    Api api = admin.api();
    List<EnrolledUser> users = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      users.add(WizardClient.enrollNewUser(api, "crash" + i, clock.instant()));
    }
    String oldKey = api.adminGet("/api/v1/admin/keys").json().path("sealingKeyId").asString();
    JsonNode started = api.adminPost("/api/v1/admin/keys/rotations", Map.of()).json();
    String id = started.path("id").asString();
    String newKey = started.path("newKeyId").asString();
    awaitBatches(api, id, 2);

    server.kill();

    try (HikariDataSource dataSource = Databases.open(Databases.h2FileUrl(data), "latchkey", "")) {
      JdbcClient jdbc = JdbcClient.create(dataSource);
      assertThat(jdbc.sql("SELECT key_id FROM totp_credentials").query(String.class).list())
          .as("killed mid-rotation: some rows re-sealed, some not")
          .contains(oldKey, newKey);
      DataKeys keys =
          new DataKeys(
              jdbc,
              KeyFile.load(KeyFile.defaultLocation(data)),
              new SecureRandom(),
              java.time.Clock.systemUTC());
      JdbcTotpCredentialRepository credentials =
          new JdbcTotpCredentialRepository(jdbc, keys, SpringTransactions.over(dataSource));
      for (EnrolledUser user : users) {
        UUID userId =
            jdbc.sql("SELECT id FROM users WHERE username = :name")
                .param("name", user.username())
                .query(UUID.class)
                .single();
        assertThat(credentials.findByUser(new UserId(userId)))
            .extracting(TotpCredential::secret)
            .containsExactly(Secret.fromBase32(user.secret()));
      }
    }

    server = ServerProcess.start(data, clock, SETTINGS, port);
    // The dead node's lease (60 s) runs out on the server's clock; then the new process takes over.
    clock.set(clock.instant().plus(Duration.ofSeconds(61)));
    FaultAdmin after = admin.on(server.base());
    JsonNode finished = awaitFinished(after.api(), id);

    assertThat(finished.path("retiredKeyIds").toString()).contains(oldKey);
    JsonNode keys = after.api().adminGet("/api/v1/admin/keys").json();
    assertThat(keys.path("keys").toString()).isEqualTo("[\"" + newKey + "\"]");
    assertThat(keys.path("notSealedWithCurrent").asLong()).isZero();
    String token = after.createApiKey("after-crash");
    clock.nextStep(30);
    for (EnrolledUser user : users) {
      Api.Response answer =
          after
              .api()
              .verify(token, user.username(), WizardClient.code(user.secret(), clock.instant()));
      assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    }
    assertThat(after.audit(started.path("correlationId").asString()).toString())
        .contains(
            "key_rotation.started", "key_rotation.batch", "key.retired", "key_rotation.finished");
  }

  private static void awaitBatches(Api api, String id, int batches) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode rotation = api.adminGet("/api/v1/admin/keys/rotations/" + id).json();
      assertThat(rotation.path("state").asString()).as(rotation.toString()).isEqualTo("running");
      if (rotation.path("batches").asInt() >= batches) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("fewer than " + batches + " batches within 60 s");
  }

  private static JsonNode awaitFinished(Api api, String id) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    JsonNode rotation = null;
    while (System.nanoTime() < deadline) {
      rotation = api.adminGet("/api/v1/admin/keys/rotations/" + id).json();
      if ("finished".equals(rotation.path("state").asString())) {
        return rotation;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("the rotation did not finish after the restart: " + rotation);
  }
}
