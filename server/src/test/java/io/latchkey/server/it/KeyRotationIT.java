package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.LatchkeyServerApplication;
import io.latchkey.server.testing.Api;
import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.Envelopes;
import io.latchkey.server.testing.MutableClock;
import io.latchkey.server.testing.ServerIT;
import io.latchkey.server.testing.ServerTestConfiguration;
import io.latchkey.server.testing.WizardClient;
import io.latchkey.server.testing.WizardClient.EnrolledUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Rotating the data key while two nodes serve verifications (issue 14): node B has a data folder of
 * its own with a copy of the key file, and the same database. Every right code is accepted once and
 * every replay refused, through both nodes, while the job re-seals in small batches; a user
 * registered through node B meanwhile keeps a readable secret; afterwards every row names the new
 * key and the old one is gone from the database.
 */
@TestPropertySource(
    properties = {
      "latchkey.key-rotation.batch-size=2",
      "latchkey.key-rotation.batch-pause=300ms",
      "latchkey.key-rotation.poll-interval=1s",
      "latchkey.key-rotation.lease=5s"
    })
class KeyRotationIT extends ServerIT {
  private static final int USERS = 10;

  @Autowired JdbcClient jdbc;
  @Autowired Environment environment;

  private ConfigurableApplicationContext nodeB;
  private MutableClock clockB;
  private Api apiB;

  @BeforeEach
  void startNodeB() throws Exception {
    Path dataB = Files.createTempDirectory("latchkey-it-node-b-");
    Path keys = Files.createDirectories(dataB.resolve("keys"));
    Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rwx------"));
    Files.copy(DATA.resolve("keys/secret-keys"), keys.resolve("secret-keys"));
    List<String> args = new ArrayList<>();
    args.add("--server.port=0");
    args.add("--server.address=127.0.0.1");
    args.add("--latchkey.data=" + dataB);
    args.add("--spring.datasource.url=" + environment.getProperty("spring.datasource.url"));
    args.add("--latchkey.key-rotation.batch-size=2");
    args.add("--latchkey.key-rotation.batch-pause=300ms");
    args.add("--latchkey.key-rotation.poll-interval=1s");
    args.add("--latchkey.key-rotation.lease=5s");
    nodeB =
        new SpringApplicationBuilder(LatchkeyServerApplication.class, ServerTestConfiguration.class)
            .run(args.toArray(String[]::new));
    clockB = nodeB.getBean(MutableClock.class);
    clockB.sameAs(clock);
    apiB =
        new Api(
            "http://127.0.0.1:" + nodeB.getEnvironment().getProperty("local.server.port"),
            Api.adminTokens(nodeB));
  }

  @AfterEach
  void stopNodeB() {
    nodeB.close();
  }

  @Test
  void aRotationUnderLoadOnTwoNodesLosesNoCodeAndRetiresTheOldKey() throws Exception {
    String token = api.createApiKey("rotation-" + newUsername("app"));
    List<EnrolledUser> users = new ArrayList<>();
    for (int i = 0; i < USERS; i++) {
      users.add(WizardClient.enrollNewUser(api, newUsername("rot"), clock.instant()));
    }
    String oldKey = api.adminGet("/api/v1/admin/keys").json().path("sealingKeyId").asString();

    Response started = api.adminPost("/api/v1/admin/keys/rotations", Map.of());

    assertThat(started.status()).as(started.body()).isEqualTo(202);
    String id = started.json().path("id").asString();
    String newKey = started.json().path("newKeyId").asString();
    assertThat(newKey).isNotEqualTo(oldKey);
    assertThat(started.json().path("oldKeyIds").toString()).contains(oldKey);
    Response again = apiB.adminPost("/api/v1/admin/keys/rotations", Map.of());
    Envelopes.assertJsonError(again, null);
    assertThat(again.errorCode()).isEqualTo("conflict");
    assertThat(api.auditByCorrelationId(again.correlationId()).toString())
        .contains("key_rotation.refused", "rotation_in_progress");
    assertThat(api.adminGet("/api/v1/diagnostics/" + again.correlationId()).body())
        .contains("rotation_in_progress");

    int roundsWhileRunning = 0;
    EnrolledUser registeredOnB = null;
    for (int round = 0; round < 200; round++) {
      boolean running =
          "running"
              .equals(
                  api.adminGet("/api/v1/admin/keys/rotations/" + id)
                      .json()
                      .path("state")
                      .asString());
      if (!running) {
        break;
      }
      roundsWhileRunning++;
      clock.nextStep(30);
      clockB.sameAs(clock);
      for (int i = 0; i < users.size(); i++) {
        EnrolledUser user = users.get(i);
        String code = WizardClient.code(user.secret(), clock.instant());
        Api first = (i + round) % 2 == 0 ? api : apiB;
        Api second = first == api ? apiB : api;
        Response accepted = first.verify(token, user.username(), code);
        assertThat(accepted.status()).as(user.username() + " " + accepted.body()).isEqualTo(200);
        Response replay = second.verify(token, user.username(), code);
        assertThat(replay.status()).as(replay.body()).isEqualTo(422);
        assertThat(replay.errorCode()).isEqualTo("code_reused");
      }
      if (registeredOnB == null) {
        // Sealed on node B while the rotation runs: with the new key, which B read from the
        // database.
        registeredOnB = WizardClient.enrollNewUser(apiB, newUsername("rot-b"), clock.instant());
        users.add(registeredOnB);
      }
    }

    assertThat(roundsWhileRunning).as("verification rounds while the rotation ran").isPositive();
    // In the whole suite the shared database holds every earlier test's secrets: the rotation may
    // outlast the rounds of load; it is then awaited (the clock stands still), within 3 minutes.
    JsonNode finished = api.adminGet("/api/v1/admin/keys/rotations/" + id).json();
    java.time.Instant until = java.time.Instant.now().plusSeconds(180);
    while ("running".equals(finished.path("state").asString())
        && java.time.Instant.now().isBefore(until)) {
      Thread.sleep(250);
      finished = api.adminGet("/api/v1/admin/keys/rotations/" + id).json();
    }
    assertThat(finished.path("state").asString()).as(finished.toString()).isEqualTo("finished");
    assertThat(finished.path("retiredKeyIds").toString()).contains(oldKey);
    assertThat(finished.path("batches").asInt()).isGreaterThan(1);
    JsonNode keys = apiB.adminGet("/api/v1/admin/keys").json();
    assertThat(keys.path("sealingKeyId").asString()).isEqualTo(newKey);
    assertThat(keys.path("notSealedWithCurrent").asLong()).isZero();
    assertThat(jdbc.sql("SELECT id FROM data_keys").query(String.class).list())
        .containsExactly(newKey);
    assertThat(
            jdbc.sql(
                    "SELECT key_id FROM totp_credentials UNION ALL SELECT key_id FROM enrollments"
                        + " WHERE key_id IS NOT NULL")
                .query(String.class)
                .list())
        .isNotEmpty()
        .containsOnly(newKey);
    // Every secret opens with the new key, on both nodes: one more code each.
    clock.nextStep(30);
    clockB.sameAs(clock);
    for (int i = 0; i < users.size(); i++) {
      EnrolledUser user = users.get(i);
      Response answer =
          (i % 2 == 0 ? apiB : api)
              .verify(token, user.username(), WizardClient.code(user.secret(), clock.instant()));
      assertThat(answer.status()).as(user.username() + " " + answer.body()).isEqualTo(200);
    }
    String audit = api.auditByCorrelationId(started.correlationId()).toString();
    assertThat(audit)
        .contains(
            "key_rotation.started", "key_rotation.batch", "key.retired", "key_rotation.finished");
  }
}
