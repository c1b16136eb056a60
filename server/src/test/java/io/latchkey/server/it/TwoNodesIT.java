package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.LatchkeyServerApplication;
import io.latchkey.server.testing.Api;
import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.Envelopes;
import io.latchkey.server.testing.MutableClock;
import io.latchkey.server.testing.Phone;
import io.latchkey.server.testing.PushWizard;
import io.latchkey.server.testing.ServerIT;
import io.latchkey.server.testing.ServerTestConfiguration;
import io.latchkey.server.testing.WizardClient;
import io.latchkey.server.testing.WizardClient.EnrolledUser;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Two server nodes on one database, as behind a load balancer (issue 6): a push request created
 * through node A reaches a phone connected to node B, and B's approval is what an application
 * polling A sees; racing identical verifications spread over both nodes are accepted once; a
 * lockout threshold holds exactly when the guesses are spread over both nodes. On PostgreSQL the
 * nodes tell each other about new requests with LISTEN/NOTIFY.
 */
class TwoNodesIT extends ServerIT {
  private static final int THRESHOLD = 10;

  private ConfigurableApplicationContext nodeB;
  private MutableClock clockB;
  private Api apiB;
  private String baseB;

  @BeforeEach
  void startNodeB() throws Exception {
    List<String> args = new ArrayList<>();
    args.add("--server.port=0");
    args.add("--server.address=127.0.0.1");
    args.add("--latchkey.data=" + DATA);
    if (databaseUrl() != null) {
      args.add("--spring.datasource.url=" + databaseUrl());
    }
    nodeB =
        new SpringApplicationBuilder(LatchkeyServerApplication.class, ServerTestConfiguration.class)
            .run(args.toArray(String[]::new));
    clockB = nodeB.getBean(MutableClock.class);
    clockB.sameAs(clock);
    baseB = "http://127.0.0.1:" + nodeB.getEnvironment().getProperty("local.server.port");
    apiB = new Api(baseB, Api.adminTokens(nodeB));
  }

  @AfterEach
  void stopNodeB() {
    try {
      io.latchkey.server.testing.PolicyChanges.restoreInitial(api);
    } finally {
      nodeB.close();
    }
  }

  @Test
  void aPolicyChangeMadeThroughOneNodeIsInForceOnTheOtherWithoutARestart() throws Exception {
    String username = newUsername("policy-b");
    api.createUser(username, "correct horse battery");
    WizardClient onB = new WizardClient(baseB);
    onB.signInOrFail(username, "correct horse battery");
    assertThat(onB.get("/register").body()).contains("/register/start\"");

    JsonNode changed =
        io.latchkey.server.testing.PolicyChanges.set(
            api, java.util.Map.of("methods.allowed", List.of("push"))); // through node A

    assertThat(apiB.adminGet("/api/v1/admin/policy").json().path("version"))
        .isEqualTo(changed.path("version"));
    // Node B reads the policy again within Policies.CACHE_BOUND (1 s) of its last read.
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
    while (onB.get("/register").body().contains("/register/start\"")
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(onB.get("/register").body())
        .doesNotContain("/register/start\"")
        .contains("/register/push/start");
    WizardClient.Page refused = onB.post("/register/start", java.util.Map.of());
    assertThat(refused.textOf("error-code")).contains("method_disallowed");
  }

  @Test
  void aPushCreatedThroughOneNodeReachesAPhoneOnTheOtherAndItsAnswerIsSeenOnTheFirst()
      throws Exception {
    String username = newUsername("roamer");
    Phone phone = Phone.compliant(clock);
    // Registered through node B: the activation link, so the phone, points at B.
    PushWizard.register(apiB, username, phone);
    String token = api.createApiKey("two-nodes-" + username);

    try (Phone.Listener listener = phone.listen()) {
      listener.await(
          e -> "connected".equals(e.path("event").asString()), java.time.Duration.ofSeconds(20));
      JsonNode created = api.createChallenge(token, username); // through node A
      String id = created.path("challengeId").asString();

      JsonNode delivered = listener.awaitChallenge();
      assertThat(delivered.path("challengeId").asString()).isEqualTo(id);

      Phone.Run approved = phone.run("approve", id, "--number", created.path("number").asString());
      assertThat(approved.exit()).as(approved.all()).isZero(); // answered through node B
      assertThat(api.challengeStatus(token, id, 10)).isEqualTo("approved"); // polled on node A
    }
    JsonNode events =
        api.auditByCorrelationId(
            api.createChallenge(token, username).path("correlationId").asString());
    assertThat(events.toString()).contains("push_challenge.created");
  }

  @Test
  void fiftyRacingVerificationsOverBothNodesAcceptOneCode() throws Exception {
    String token = api.createApiKey("two-nodes-race");
    for (int round = 1; round <= 3; round++) {
      EnrolledUser user = WizardClient.enrollNewUser(api, newUsername("split"), clock.instant());
      clock.nextStep(30);
      clockB.sameAs(clock);
      String code = WizardClient.code(user.secret(), clock.instant());
      AtomicInteger next = new AtomicInteger();

      List<Response> answers =
          VerifyRaceIT.race(
              50,
              () ->
                  (next.getAndIncrement() % 2 == 0 ? api : apiB)
                      .verify(token, user.username(), code));

      String label = "round " + round + ": " + VerifyRaceIT.summary(answers);
      assertThat(answers.stream().filter(a -> a.status() == 200)).as(label).hasSize(1);
      for (Response answer : answers) {
        if (answer.status() != 200) {
          Envelopes.assertJsonError(answer, null);
          assertThat(answer.errorCode()).as(label).isIn("code_reused", "user_blocked");
        }
      }
      JsonNode events = api.adminGet("/api/v1/admin/audit?username=" + user.username()).json();
      assertThat(VerifyRaceIT.count(events, "verification.accepted")).as(label).isEqualTo(1);
    }
  }

  @Test
  void theLockoutThresholdIsExactWhenGuessesAreSpreadOverBothNodes() throws Exception {
    String token = api.createApiKey("two-nodes-lockout");
    EnrolledUser user = WizardClient.enrollNewUser(api, newUsername("guessed"), clock.instant());
    clock.nextStep(30);
    clockB.sameAs(clock);
    Set<String> window = new HashSet<>();
    for (int step = -2; step <= 2; step++) {
      window.add(WizardClient.code(user.secret(), clock.instant().plusSeconds(30L * step)));
    }
    List<String> guesses = new ArrayList<>();
    for (int i = 0; guesses.size() < 100; i++) {
      String guess = String.format("%06d", 200_000 + i);
      if (!window.contains(guess)) {
        guesses.add(guess);
      }
    }
    AtomicInteger next = new AtomicInteger();

    List<Response> answers =
        VerifyRaceIT.race(
            guesses.size(),
            () -> {
              int i = next.getAndIncrement();
              return (i % 2 == 0 ? api : apiB).verify(token, user.username(), guesses.get(i));
            });

    long evaluated = answers.stream().filter(a -> "invalid_code".equals(a.errorCode())).count();
    JsonNode stored = api.adminGet("/api/v1/admin/users/" + user.username()).json();
    String summary = VerifyRaceIT.summary(answers) + " stored " + stored;
    assertThat(answers)
        .allSatisfy(a -> assertThat(a.errorCode()).isIn("invalid_code", "user_blocked"));
    assertThat(evaluated).as(summary).isBetween(1L, (long) THRESHOLD);
    assertThat((long) stored.path("failedAttempts").asInt()).as(summary).isEqualTo(evaluated);
    assertThat(stored.path("status").asString()).as(summary).isEqualTo("blocked");
    // Blocked on both nodes: even the right code is refused everywhere.
    String right = WizardClient.code(user.secret(), clock.instant());
    assertThat(apiB.verify(token, user.username(), right).errorCode()).isEqualTo("user_blocked");
    assertThat(api.verify(token, user.username(), right).errorCode()).isEqualTo("user_blocked");
    JsonNode blocks =
        api.adminGet("/api/v1/admin/audit?username=" + user.username() + "&type=user.blocked")
            .json()
            .path("events");
    assertThat(blocks.size()).as(summary).isEqualTo(1);
  }
}
