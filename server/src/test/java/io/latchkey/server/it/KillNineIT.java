package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.testing.Api;
import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.Envelopes;
import io.latchkey.server.testing.FaultAdmin;
import io.latchkey.server.testing.FileClock;
import io.latchkey.server.testing.Phone;
import io.latchkey.server.testing.PushWizard;
import io.latchkey.server.testing.ServerProcess;
import io.latchkey.server.testing.ServerTestConfiguration;
import io.latchkey.server.testing.UserApiClient;
import io.latchkey.server.testing.WizardClient;
import io.latchkey.server.testing.WizardClient.EnrolledUser;
import io.latchkey.server.testing.WizardClient.Page;
import io.latchkey.server.testing.WizardClient.Pending;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The server is killed with SIGKILL in the middle of things (issue 13) and started again on the
 * same data folder (the embedded H2 default). The server runs in a child JVM ({@link
 * ServerProcess}), so the kill is real: no shutdown hook, no flush, no close. At the moment of the
 * kill, a browser is halfway through a TOTP registration (secret shown, not confirmed), a push
 * sign-in request is pending on an activated device, a burst of verifications of one code is in
 * flight and a backup upload is on the wire. After the restart:
 *
 * <ul>
 *   <li>the registration resumes where it was (same secret, same enrollment); it then times out
 *       clearly, Next gives a fresh secret, and no method exists until one is confirmed; the half-
 *       registered secret never verifies;
 *   <li>the code accepted before the crash is refused as reused; exactly one verification of it was
 *       accepted, and it is audited exactly once under the correlation ID its answer showed;
 *   <li>the push request approved before the crash is still approved; the pending one is still
 *       pending and the device approves it;
 *   <li>the backup is whole: the last acknowledged version, or the one on the wire, byte for byte;
 *   <li>the correlation IDs answered before the crash are still diagnosed.
 * </ul>
 *
 * <p>The test's clock is a file ({@link FileClock}) that the server in the child process reads, so
 * time is the same before and after the restart however long the restart takes.
 *
 * <p>An embedded-database test by nature: server/pom.xml leaves it out of the postgres execution of
 * the suite.
 */
class KillNineIT {
  private static final String PASSWORD = UserApiClient.PASSWORD;
  private static final int BACKUP_BYTES = 256 * 1024;

  /**
   * The burst replays one code: each refusal is a failed attempt, and the user would be blocked
   * after 10 in a row. The lockout is not what this test is about: it is raised to its maximum, and
   * the burst stays below it ({@link #BURST}).
   */
  private static final List<String> SETTINGS = List.of("--latchkey.lockout-threshold=100");

  private static final int BURST = 80;

  private Path folder;
  private Path data;
  private FileClock clock;
  private ServerProcess server;

  @BeforeEach
  void freshDataFolder() throws IOException {
    folder = Files.createTempDirectory("latchkey-kill9-");
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
  void killedMidOperationTheServerComesBackWithNothingHalfDone() throws Exception {
    server = ServerProcess.start(data, clock, SETTINGS);
    String adminPassword =
        Files.readString(data.resolve("initial-admin-password"), StandardCharsets.UTF_8).strip();
    FaultAdmin admin = FaultAdmin.login(server.base(), adminPassword, clock::instant, false);
    Api api = admin.api();
    String token = admin.createApiKey("kill9-app");

    // A user with TOTP, signed in to the user API (for backups), with a first backup.
    EnrolledUser steady = WizardClient.enrollNewUser(api, "steady", clock.instant());
    clock.nextStep(30);
    UserApiClient users = new UserApiClient(api);
    String userToken = users.token("steady", WizardClient.code(steady.secret(), clock.instant()));
    byte[] first = bytes(1);
    Response v1 = users.putBackup(userToken, first, "If-None-Match", "*");
    assertThat(v1.status()).as(v1.toString()).isEqualTo(201);

    // (a) A registration halfway: the secret is shown, no code confirmed yet.
    admin.createUser("midway", PASSWORD);
    WizardClient browser = new WizardClient(server.base());
    browser.signInOrFail("midway", PASSWORD);
    assertThat(browser.get("/register").status()).isEqualTo(200);
    Page started = browser.post("/register/start", Map.of());
    assertThat(started.redirectPath()).isEqualTo("/register/scan");
    Pending pending = browser.scan();
    assertThat(admin.methods("midway")).isEmpty();

    // (c) A push device activated; one request approved, one pending.
    Phone phone = Phone.compliant(clock);
    PushWizard.register(api, "pusher", phone);
    Response approvedCreated = createChallenge(api, token, "pusher");
    String approvedId = approvedCreated.json().path("challengeId").asString();
    Phone.Run approve =
        phone.run(
            "approve", approvedId, "--number", approvedCreated.json().path("number").asString());
    assertThat(approve.exit()).as(approve.all()).isZero();
    Response pendingCreated = createChallenge(api, token, "pusher");
    String pendingId = pendingCreated.json().path("challengeId").asString();
    assertThat(api.challengeStatus(token, pendingId, 0)).isEqualTo("pending");

    // (b) and (d): a burst of verifications of one code and backup uploads, killed in flight.
    clock.nextStep(30);
    String burstCode = WizardClient.code(steady.secret(), clock.instant());
    AtomicBoolean stop = new AtomicBoolean();
    java.util.concurrent.atomic.AtomicInteger sent =
        new java.util.concurrent.atomic.AtomicInteger();
    ConcurrentLinkedQueue<Response> verifications = new ConcurrentLinkedQueue<>();
    Map<Long, byte[]> acknowledged = new ConcurrentHashMap<>();
    Map<Long, String> acknowledgedIds = new ConcurrentHashMap<>();
    acknowledged.put(v1.json().path("version").asLong(), first);
    AtomicReference<byte[]> onTheWire = new AtomicReference<>();
    int answeredAtTheKill;
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      // Backups upload one after the other; once two are acknowledged, the burst starts.
      threads.submit(
          () -> {
            for (int n = 2; !stop.get(); n++) {
              byte[] content = bytes(n);
              onTheWire.set(content);
              Response put;
              try {
                put = users.putBackup(userToken, content, "If-Match", "*");
              } catch (AssertionError connectionGone) {
                return;
              }
              if (put.status() == 200) {
                acknowledged.put(put.json().path("version").asLong(), content);
                acknowledgedIds.put(put.json().path("version").asLong(), put.correlationId());
              }
            }
          });
      awaitUntil(() -> acknowledged.size() >= 3, "two backups acknowledged");
      for (int i = 0; i < 8; i++) {
        threads.submit(
            () -> {
              while (!stop.get() && sent.incrementAndGet() <= BURST) {
                try {
                  verifications.add(api.verify(token, "steady", burstCode));
                } catch (AssertionError connectionGone) {
                  return;
                }
              }
            });
      }
      // The kill, as soon as the code has been accepted: the rest of the burst is in flight.
      awaitUntil(
          () -> verifications.stream().anyMatch(r -> r.status() == 200), "the code accepted");
      server.kill();
      answeredAtTheKill = verifications.size();
      stop.set(true);
    }
    System.out.printf(
        "killed with %d of %d verifications answered, %d backups acknowledged%n",
        answeredAtTheKill, Math.min(sent.get(), BURST), acknowledged.size() - 1);
    List<Response> accepted = verifications.stream().filter(r -> r.status() == 200).toList();
    assertThat(accepted).as("verifications accepted before the kill").hasSize(1);
    for (Response r : verifications) {
      if (r.status() != 200) {
        Envelopes.assertJsonError(r, "code_reused");
      }
    }
    String acceptedId = accepted.get(0).correlationId();
    long lastAcknowledged =
        acknowledged.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();

    // The restart, on the same data folder, address (the phone knows it) and time.
    int port = server.port();
    server.close();
    server = ServerProcess.start(data, clock, SETTINGS, port);
    FaultAdmin adminAfter = admin.on(server.base()); // its token is in the database
    Api restarted = adminAfter.api();

    // (b) The code accepted before the crash stays used; its acceptance is audited exactly once.
    Envelopes.assertJsonError(restarted.verify(token, "steady", burstCode), "code_reused");
    assertThat(types(adminAfter.audit(acceptedId))).containsOnlyOnce("verification.accepted");
    List<String> byTheApplication = new ArrayList<>();
    adminAfter
        .audit("steady", "verification.accepted")
        .forEach(
            e -> {
              if (e.path("actor").asString().equals("api-key:kill9-app")) {
                byTheApplication.add(e.path("correlationId").asString());
              }
            });
    assertThat(byTheApplication)
        .as("every accepted verification audited, none twice (the user's sign-in aside)")
        .containsExactly(acceptedId);

    // (d) The backup is whole: the last acknowledged version, or the one that was on the wire.
    Response storedBytes = rawBackup(restarted, userToken);
    long version = storedBytes.json().path("version").asLong();
    assertThat(version).isIn(lastAcknowledged, lastAcknowledged + 1);
    byte[] expected = version == lastAcknowledged ? acknowledged.get(version) : onTheWire.get();
    assertThat(storedBytes.json().path("sha").asString()).isEqualTo(sha(expected));

    // (c) Push: the approved request stays approved, the pending one is still answerable.
    assertThat(restarted.challengeStatus(token, approvedId, 0)).isEqualTo("approved");
    assertThat(restarted.challengeStatus(token, pendingId, 0)).isEqualTo("pending");
    Phone.Run late =
        phone.run(
            "approve", pendingId, "--number", pendingCreated.json().path("number").asString());
    assertThat(late.exit()).as(late.all()).isZero();
    assertThat(restarted.challengeStatus(token, pendingId, 0)).isEqualTo("approved");

    // Every correlation ID shown before the crash is still diagnosed.
    for (String id :
        List.of(
            acceptedId,
            acknowledgedIds.get(lastAcknowledged),
            started.correlationId(),
            approvedCreated.correlationId(),
            pendingCreated.correlationId())) {
      Response diagnosis = adminAfter.diagnose(id);
      assertThat(diagnosis.status()).as("diagnosis of " + id + ": " + diagnosis).isEqualTo(200);
      assertThat(diagnosis.json().path("correlationId").asString()).isEqualTo(id);
    }

    // (a) The registration resumes where it was: same enrollment, same secret, nothing usable.
    browser.useNode(server.base());
    Pending resumed = browser.scan();
    assertThat(resumed.enrollmentId()).isEqualTo(pending.enrollmentId());
    assertThat(resumed.secret()).isEqualTo(pending.secret());
    assertThat(adminAfter.methods("midway")).isEmpty();
    assertThat(
            restarted
                .verify(token, "midway", WizardClient.code(pending.secret(), clock.instant()))
                .status())
        .as("a half-registered secret verifies nothing")
        .isNotEqualTo(200);

    // It then times out clearly; Next gives a fresh secret; the old one confirms nothing.
    clock.advance(Duration.ofMinutes(5).plusSeconds(1));
    Page timedOut = browser.get("/register/scan");
    assertThat(timedOut.textOf("error-code")).as(timedOut.body()).hasValue("enrollment_timed_out");
    Pending fresh = browser.start();
    assertThat(fresh.secret()).isNotEqualTo(pending.secret());
    Page stale =
        browser.confirm(
            pending.enrollmentId(), WizardClient.code(pending.secret(), clock.instant()));
    assertThat(stale.redirectPath()).isNotEqualTo("/register/done");
    assertThat(adminAfter.methods("midway")).isEmpty();
    Page done =
        browser.confirm(fresh.enrollmentId(), WizardClient.code(fresh.secret(), clock.instant()));
    assertThat(done.redirectPath()).isEqualTo("/register/done");
    assertThat(adminAfter.methods("midway")).containsExactly("totp");
  }

  private static void awaitUntil(java.util.function.BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 60 s: " + what);
      }
      Thread.sleep(5);
    }
  }

  private static Response createChallenge(Api api, String token, String username) {
    Response created =
        api.appPost(
            token,
            "/api/v1/push/challenges",
            Map.of("username", username, "application", "Intranet", "ip", "203.0.113.9"));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return created;
  }

  /** The stored backup's version (ETag) and the SHA-256 of its bytes, as JSON. */
  private static Response rawBackup(Api api, String userToken) throws Exception {
    var response =
        java.net.http.HttpClient.newHttpClient()
            .send(
                api.request("/api/v1/user/backup")
                    .header("Authorization", "Bearer " + userToken)
                    .GET()
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(200);
    String etag = response.headers().firstValue("ETag").orElseThrow().replace("\"", "");
    return new Response(
        200,
        null,
        "application/json",
        Api.JSON.writeValueAsString(
            Map.of("version", Long.parseLong(etag), "sha", sha(response.body()))));
  }

  private static String sha(byte[] content) {
    try {
      return java.util.HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** Backup content number {@code n}: distinct, incompressible bytes. */
  private static byte[] bytes(int n) {
    byte[] content = new byte[BACKUP_BYTES];
    new Random(n).nextBytes(content);
    return content;
  }

  private static List<String> types(JsonNode events) {
    List<String> types = new ArrayList<>();
    events.forEach(e -> types.add(e.path("type").asString()));
    return types;
  }
}
