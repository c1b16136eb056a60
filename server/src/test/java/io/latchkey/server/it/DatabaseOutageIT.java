package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.LatchkeyServerApplication;
import io.latchkey.server.testing.Api;
import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.Envelopes;
import io.latchkey.server.testing.MutableClock;
import io.latchkey.server.testing.Phone;
import io.latchkey.server.testing.PostgresCluster;
import io.latchkey.server.testing.PushWizard;
import io.latchkey.server.testing.ServerTestConfiguration;
import io.latchkey.server.testing.WizardClient;
import io.latchkey.server.testing.WizardClient.EnrolledUser;
import io.latchkey.server.testing.WizardClient.Page;
import io.latchkey.server.testing.WizardClient.Pending;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * PostgreSQL goes away under a running node (issue 6). While it is down every request is answered
 * promptly with {@code service_unavailable} in the error envelope (JSON for the API, the error page
 * for pages), never a hang and never a 500: at the moment of the crash, when the pool's connections
 * fail on first use, and afterwards, when each request waits out the pool's time-out for a new one.
 * Readiness goes false while liveness stays true. When PostgreSQL is back, the same node serves
 * again without a restart, and nothing it acknowledged before the outage is lost: the user, the
 * registered authenticator, the API key, the used code (still refused as reused), the audit record
 * and the browser session.
 *
 * <p>The test owns its PostgreSQL cluster ({@link PostgresCluster}), since it stops it; the rest of
 * the suite keeps the shared one. It is a PostgreSQL test by nature, so it runs only in the {@code
 * postgres} failsafe execution (see server/pom.xml; the condition keeps it there also when it is
 * named with {@code -Dit.test}, which overrides the executions' excludes).
 */
@EnabledIfEnvironmentVariable(named = "LATCHKEY_IT_DATABASE", matches = "postgres")
class DatabaseOutageIT {
  /** Longer than the pool's 5 s connection time-out; a request still open then has hung. */
  private static final Duration BOUND = Duration.ofSeconds(20);

  /** How long PostgreSQL may take to be back and the node to see it. */
  private static final Duration RECOVERY = Duration.ofSeconds(60);

  private static final String PASSWORD = "correct horse battery";

  private PostgresCluster cluster;
  private Path data;
  private String databaseUrl;
  private ConfigurableApplicationContext node;
  private ConfigurableApplicationContext secondNode;
  private MutableClock clock;
  private String base;
  private Api api;

  @BeforeEach
  void startPostgresAndANode() throws IOException {
    cluster = PostgresCluster.start();
    String url = cluster.createDatabase("latchkey_outage");
    data = Files.createTempDirectory("latchkey-outage-");
    databaseUrl = url;
    node = startNode();
    clock = node.getBean(MutableClock.class);
    base = "http://127.0.0.1:" + node.getEnvironment().getProperty("local.server.port");
    api = new Api(base, Api.adminTokens(node));
  }

  /** A node on the test's PostgreSQL and data folder (the key file is shared, as it must be). */
  private ConfigurableApplicationContext startNode() {
    return new SpringApplicationBuilder(
            LatchkeyServerApplication.class, ServerTestConfiguration.class)
        .run(
            "--server.port=0",
            "--server.address=127.0.0.1",
            "--latchkey.data=" + data,
            "--spring.datasource.url=" + databaseUrl);
  }

  @AfterEach
  void stopEverything() throws IOException {
    try {
      if (secondNode != null) {
        secondNode.close();
      }
      if (node != null) {
        node.close();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
      if (data != null) {
        try (Stream<Path> files = Files.walk(data)) {
          for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(file);
          }
        }
      }
    }
  }

  @Test
  void whilePostgresIsDownRequestsGetServiceUnavailableAndAfterwardsNothingIsLost() {
    // Before: acknowledged writes. A user registered through the wizard, an API key, an accepted
    // code; and a second user signed in, halfway through the wizard, whose session is in the
    // database.
    EnrolledUser user = WizardClient.enrollNewUser(api, "steady", clock.instant());
    String token = api.createApiKey("outage-app");
    clock.nextStep(30); // registering used up the current step
    String usedCode = WizardClient.code(user.secret(), clock.instant());
    Response accepted = api.verify(token, user.username(), usedCode);
    assertThat(accepted.status()).as(accepted.toString()).isEqualTo(200);
    String acceptedId = accepted.correlationId();

    api.createUser("midway", PASSWORD);
    WizardClient browser = new WizardClient(base);
    browser.signInOrFail("midway", PASSWORD);
    assertThat(browser.get("/register").status()).isEqualTo(200);

    // Many pooled connections in use a moment ago, as under load.
    warmThePool();
    // The administrator logged in before the outage (a login is a database write, too).
    adminBearer = "Bearer " + api.adminToken();

    // The outage: PostgreSQL crashes (no checkpoint; what was committed is in the WAL).
    cluster.stop("immediate");
    assertThat(cluster.running()).isFalse();

    // At once, the pool still holds connections PostgreSQL has just dropped: a request fails on
    // first use of one (and a transaction's rollback fails too).
    String nextCode = WizardClient.code(user.secret(), clock.instant().plusSeconds(30));
    everyKindOfRequestIsRefused("at the crash", token, nextCode, browser);

    // Then the pool has dropped them and cannot open another: each request waits out the pool's
    // connection time-out (5 s), and must still end in service_unavailable, not a hang.
    pause(Duration.ofSeconds(1));
    everyKindOfRequestIsRefused("while down", token, nextCode, browser);

    Response readiness = health("readiness");
    assertThat(readiness.status()).as("readiness while PostgreSQL is down").isEqualTo(503);
    assertThat(readiness.json().path("status").asString()).isEqualTo("DOWN");
    Response liveness = health("liveness");
    assertThat(liveness.status()).as("liveness while PostgreSQL is down").isEqualTo(200);
    assertThat(liveness.json().path("status").asString()).isEqualTo("UP");

    // PostgreSQL is back, on the same port and data; the node is not restarted.
    cluster.restart();
    awaitReady();

    // The replay state survived: the code accepted before the outage is still used.
    Response replay = api.verify(token, user.username(), usedCode);
    Envelopes.assertJsonError(replay, "code_reused");

    // The user, their authenticator and the API key survived; nothing was created meanwhile.
    Response steady = api.adminGet("/api/v1/admin/users/steady");
    assertThat(steady.status()).as(steady.toString()).isEqualTo(200);
    assertThat(steady.json().path("username").asString()).isEqualTo("steady");
    assertThat(steady.json().path("methods").path(0).path("kind").asString()).isEqualTo("totp");
    assertThat(api.adminGet("/api/v1/admin/users/lost").status()).isEqualTo(404);
    assertThat(api.adminGet("/api/v1/admin/api-keys").body()).contains("outage-app");

    // A fresh code verifies.
    clock.advance(Duration.ofSeconds(30));
    Response fresh =
        api.verify(token, user.username(), WizardClient.code(user.secret(), clock.instant()));
    assertThat(fresh.status()).as(fresh.toString()).isEqualTo(200);

    // The audit record of the verification acknowledged before the outage is still found.
    JsonNode events = api.auditByCorrelationId(acceptedId);
    List<String> types = new ArrayList<>();
    events.forEach(e -> types.add(e.path("type").asString()));
    assertThat(types).as("audit events of " + acceptedId).contains("verification.accepted");

    // The browser session survived too: the wizard goes on where it was.
    Pending pending = browser.start();
    Page done =
        browser.confirm(
            pending.enrollmentId(), WizardClient.code(pending.secret(), clock.instant()));
    assertThat(done.redirectPath()).isEqualTo("/register/done");
  }

  /** One request of the load: the phase when it was sent and answered, what, and the answer. */
  private record Outcome(
      String sentIn, String answeredIn, String node, String what, int status, String code) {}

  /**
   * Two nodes on one PostgreSQL, under a bounded load of mixed requests on both (an application
   * verifying, an administrator reading, a browser's first page), while PostgreSQL crashes and
   * comes back (issue 13). While it is down, every request sent to either node is answered 503
   * {@code service_unavailable}, none hangs past {@link #BOUND}, and both nodes' readiness is
   * false; nothing is ever a 500. When it is back, both nodes serve again without a restart: the
   * load succeeds, a code verified on one node is reused on the other, and a push request created
   * on one node reaches a phone connected to the other.
   */
  @Test
  void twoNodesUnderLoadAreUnavailableTogetherAndBothRecoverWithoutARestart() throws Exception {
    secondNode = startNode();
    MutableClock clockB = secondNode.getBean(MutableClock.class);
    clockB.sameAs(clock);
    String baseB =
        "http://127.0.0.1:" + secondNode.getEnvironment().getProperty("local.server.port");
    Api apiB = new Api(baseB, Api.adminTokens(secondNode));
    EnrolledUser user = WizardClient.enrollNewUser(api, "loaded", clock.instant());
    String token = api.createApiKey("load-app");
    Phone phone = Phone.compliant(clock);
    PushWizard.register(apiB, "roamer", phone); // the phone talks to node B
    adminBearer = "Bearer " + api.adminToken(); // taken before the outage, valid on both nodes

    AtomicReference<String> phase = new AtomicReference<>("up");
    AtomicBoolean stop = new AtomicBoolean();
    ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    Map<String, Api> nodes = Map.of("A", api, "B", apiB);
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (var entry : nodes.entrySet()) {
        for (int worker = 0; worker < 3; worker++) {
          int first = worker;
          threads.submit(
              () -> {
                for (int i = first; !stop.get(); i++) {
                  try {
                    outcomes.add(
                        loadRequest(entry.getKey(), entry.getValue(), token, i % 3, phase));
                  } catch (RuntimeException e) {
                    outcomes.add(
                        new Outcome(
                            phase.get(), phase.get(), entry.getKey(), e.toString(), -2, ""));
                  }
                }
              });
        }
      }
      pause(Duration.ofSeconds(1));

      cluster.stop("immediate");
      phase.set("down");
      // Both regimes: connections dropped under the pool, then no connection within its time-out
      // (5 s a request): a few requests sent and answered while down on each node.
      awaitOutcomes(outcomes, nodes.keySet(), "down", 3);
      for (var entry : nodes.entrySet()) {
        Response readiness =
            entry
                .getValue()
                .send(
                    entry
                        .getValue()
                        .request("/actuator/health/readiness")
                        .timeout(BOUND)
                        .GET()
                        .build());
        assertThat(readiness.status())
            .as("readiness of node " + entry.getKey() + " while down")
            .isEqualTo(503);
      }

      phase.set("restarting");
      cluster.restart();
      awaitReady(api);
      awaitReady(apiB);
      phase.set("up again");
      // A few requests sent to each node once both are ready (the workers may still be waiting
      // out a connection time-out of a request sent while PostgreSQL was starting).
      awaitOutcomes(outcomes, nodes.keySet(), "up again", 6);
      stop.set(true);
    }

    List<Outcome> all = new ArrayList<>(outcomes);
    assertThat(all)
        .as("no 500, no hang, no failure")
        .allSatisfy(
            o ->
                assertThat(o.status() == 503 || (o.status() >= 200 && o.status() < 500))
                    .as(o.toString())
                    .isTrue());
    for (String node : nodes.keySet()) {
      List<Outcome> down =
          all.stream()
              .filter(
                  o ->
                      o.node().equals(node)
                          && o.sentIn().equals("down")
                          && o.answeredIn().equals("down"))
              .toList();
      assertThat(down).as("requests to node " + node + " while down").isNotEmpty();
      assertThat(down)
          .allSatisfy(
              o -> {
                assertThat(o.status()).as(o.toString()).isEqualTo(503);
                assertThat(o.code()).as(o.toString()).isEqualTo("service_unavailable");
              });
      List<Outcome> again =
          all.stream().filter(o -> o.node().equals(node) && o.sentIn().equals("up again")).toList();
      assertThat(again).as("requests to node " + node + " once back").isNotEmpty();
      assertThat(again).allSatisfy(o -> assertThat(o.status()).as(o.toString()).isLessThan(500));
    }

    // Both serve for real: a code accepted on B is reused on A.
    clock.nextStep(30);
    clockB.sameAs(clock);
    String code = WizardClient.code(user.secret(), clock.instant());
    Response onB = apiB.verify(token, user.username(), code);
    assertThat(onB.status()).as(onB.toString()).isEqualTo(200);
    Envelopes.assertJsonError(api.verify(token, user.username(), code), "code_reused");

    // A push request created on A reaches the phone connected to B, and B takes its answer.
    try (Phone.Listener listener = phone.listen()) {
      listener.await(e -> "connected".equals(e.path("event").asString()), Duration.ofSeconds(20));
      JsonNode created = api.createChallenge(token, "roamer");
      String id = created.path("challengeId").asString();
      assertThat(listener.awaitChallenge().path("challengeId").asString()).isEqualTo(id);
      Phone.Run approved = phone.run("approve", id, "--number", created.path("number").asString());
      assertThat(approved.exit()).as(approved.all()).isZero();
      assertThat(api.challengeStatus(token, id, 10)).isEqualTo("approved");
    }
  }

  /**
   * Waits until each node has {@code count} requests sent and answered in {@code phase}, or {@link
   * #RECOVERY} has passed (the assertions then say which node had none).
   */
  private static void awaitOutcomes(
      Collection<Outcome> outcomes, Set<String> nodes, String phase, int count) {
    long deadline = System.nanoTime() + RECOVERY.toNanos();
    while (System.nanoTime() < deadline
        && nodes.stream()
            .anyMatch(
                node ->
                    outcomes.stream()
                            .filter(
                                o ->
                                    o.node().equals(node)
                                        && o.sentIn().equals(phase)
                                        && o.answeredIn().equals(phase))
                            .count()
                        < count)) {
      pause(Duration.ofMillis(100));
    }
  }

  /**
   * One request of kind {@code kind} to a node: 0 verifies a code for an unknown user (a wrong code
   * for a real one would block them after the lockout threshold), 1 an administrator reads a user,
   * 2 a browser's first page.
   */
  private Outcome loadRequest(
      String node, Api on, String token, int kind, AtomicReference<String> phase) {
    String sentIn = phase.get();
    HttpRequest request =
        switch (kind) {
          case 0 ->
              on.request("/api/v1/verify")
                  .timeout(BOUND)
                  .header("Authorization", "Bearer " + token)
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          Api.JSON.writeValueAsString(
                              Map.of("username", "nobody", "code", "000000"))))
                  .build();
          case 1 ->
              on.request("/api/v1/admin/users/loaded")
                  .timeout(BOUND)
                  .header("Authorization", adminBearer)
                  .GET()
                  .build();
          default -> on.request("/login").timeout(BOUND).GET().build();
        };
    String what = request.method() + " " + request.uri().getPath();
    Response response;
    try {
      response = on.send(request);
    } catch (AssertionError e) {
      return new Outcome(sentIn, phase.get(), node, what + " " + e.getMessage(), -1, "");
    }
    String code = "";
    if (response.status() >= 400 && response.contentType().startsWith("text/html")) {
      // A page: the error page shows the code (data-code) with its correlation ID and time.
      java.util.regex.Matcher shown =
          java.util.regex.Pattern.compile("data-code=\"([a-z_]+)\"").matcher(response.body());
      code = shown.find() ? shown.group(1) : "(an error page without a code)";
    } else if (response.status() >= 400) {
      try {
        code = response.errorCode();
      } catch (RuntimeException notJson) {
        code = "(not the envelope: " + response.contentType() + " " + response.body() + ")";
      }
    }
    return new Outcome(sentIn, phase.get(), node, what, response.status(), code);
  }

  /** An admin login token taken before the outage. */
  private String adminBearer;

  /**
   * The API (an application, an administrator reading and writing) and the pages (a first visit, a
   * sign-in, a signed-in browser in the wizard) each answer 503 with the envelope, within {@link
   * #BOUND}.
   */
  private void everyKindOfRequestIsRefused(
      String when, String token, String code, WizardClient signedIn) {
    assertUnavailable(
        when + ": POST /api/v1/verify", api.send(verifyRequest(token, "steady", code).build()));
    assertUnavailable(
        when + ": GET /api/v1/admin/users/steady",
        api.send(
            api.request("/api/v1/admin/users/steady")
                .header("Authorization", adminBearer)
                .timeout(BOUND)
                .build()));
    assertUnavailable(
        when + ": POST /api/v1/admin/users",
        api.send(
            api.request("/api/v1/admin/users")
                .header("Authorization", adminBearer)
                .timeout(BOUND)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        Api.JSON.writeValueAsString(
                            Map.of("username", "lost", "password", PASSWORD))))
                .build()));

    WizardClient stranger = new WizardClient(base);
    assertUnavailable(
        when + ": GET /login",
        stranger.send(stranger.request("/login").timeout(BOUND).GET().build()));
    assertUnavailable(
        when + ": POST /login",
        stranger.send(
            stranger
                .request("/login")
                .timeout(BOUND)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        WizardClient.formBody(Map.of("username", "steady", "password", PASSWORD))))
                .build()));
    assertUnavailable(
        when + ": GET /register (signed in)",
        signedIn.send(signedIn.request("/register").timeout(BOUND).GET().build()));
  }

  /** Readiness checks at once, each borrowing a connection: many were in use a moment ago. */
  private void warmThePool() {
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Response>> checks = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        checks.add(threads.submit(() -> health("readiness")));
      }
      for (Future<Response> check : checks) {
        assertThat(check.get().status()).as("readiness before the outage").isEqualTo(200);
      }
    } catch (ExecutionException e) {
      throw new AssertionError(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private HttpRequest.Builder verifyRequest(String token, String username, String code) {
    return api.request("/api/v1/verify")
        .timeout(BOUND)
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .POST(
            HttpRequest.BodyPublishers.ofString(
                Api.JSON.writeValueAsString(Map.of("username", username, "code", code))));
  }

  private Response health(String probe) {
    return api.send(api.request("/actuator/health/" + probe).timeout(BOUND).GET().build());
  }

  /** Polls readiness until it is UP again; fails after {@link #RECOVERY}. */
  private void awaitReady() {
    awaitReady(api);
  }

  private void awaitReady(Api on) {
    long deadline = System.nanoTime() + RECOVERY.toNanos();
    Response last = null;
    while (System.nanoTime() < deadline) {
      last = on.send(on.request("/actuator/health/readiness").timeout(BOUND).GET().build());
      if (last.status() == 200) {
        return;
      }
      pause(Duration.ofMillis(250));
    }
    throw new AssertionError(
        "readiness still " + last + " " + RECOVERY + " after PostgreSQL came back");
  }

  /** 503 with the JSON envelope {@code service_unavailable}; no stack trace, no internal detail. */
  private static void assertUnavailable(String what, Response response) {
    assertThat(response.status()).as(what + ": " + response).isEqualTo(503);
    assertThat(withoutStatusRule(Envelopes.jsonProblems(response, "service_unavailable")))
        .as(what + ": " + response)
        .isEmpty();
  }

  /** 503 with the error page showing {@code service_unavailable}, its ID and time. */
  private static void assertUnavailable(String what, Page page) {
    String shown = page.status() + " " + page.contentType() + " " + page.body();
    assertThat(page.status()).as(what + ": " + shown).isEqualTo(503);
    assertThat(
            withoutStatusRule(
                Envelopes.pageProblems(
                    page.status(),
                    page.correlationId(),
                    page.contentType(),
                    page.body(),
                    "service_unavailable")))
        .as(what + ": " + shown)
        .isEmpty();
  }

  /**
   * The checks of {@link Envelopes} hold for any error but one: they expect a 4xx, which a request
   * refused for its own fault gets. Here the server is at fault, and 503 (with the status matching
   * the code, which Envelopes still checks) is the answer.
   */
  private static List<String> withoutStatusRule(List<String> problems) {
    return problems.stream().filter(p -> !p.equals("status 503 is not a 4xx")).toList();
  }
}
