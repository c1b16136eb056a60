package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.push.Decision;
import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.Phone;
import io.latchkey.server.testing.PolicyChanges;
import io.latchkey.server.testing.PushWizard;
import io.latchkey.server.testing.ServerIT;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Sign-in requests with number matching through the real server and two phones (SECURITY-TESTS
 * F1-F4): the right number approves; a wrong number, an expired request, an answer signed by
 * another device and a replayed answer are refused; a request made while the phone was offline
 * arrives when it connects; denials and fraud reports pause pushes.
 */
class PushChallengesIT extends ServerIT {

  private String username;
  private Phone phone;
  private String token;

  @BeforeEach
  void registeredPhone() {
    username = newUsername("pat");
    phone = Phone.compliant(clock);
    PushWizard.register(api, username, phone);
    token = api.createApiKey("push-" + username);
  }

  @AfterEach
  void resetPolicy() {
    PolicyChanges.restoreInitial(api);
  }

  @Test
  void theRightNumberApprovesOnce() {
    JsonNode created = api.createChallenge(token, username);
    String id = created.path("challengeId").asString();

    Phone.Run ok = phone.run("approve", id, "--number", created.path("number").asString());

    assertThat(ok.exit()).as(ok.all()).isZero();
    assertThat(ok.out()).contains("Approved");
    assertThat(api.challengeStatus(token, id, 0)).isEqualTo("approved");
    Phone.Run again = phone.run("approve", id, "--number", created.path("number").asString());
    assertThat(again.exit()).isNotZero();
  }

  @Test
  void aWrongNumberIsRefusedEndsTheRequestAndCountsAsAFailure() {
    JsonNode created = api.createChallenge(token, username);
    String id = created.path("challengeId").asString();
    String number = created.path("number").asString();

    Phone.Run wrong = phone.run("approve", id, "--number", otherThan(number));

    assertThat(wrong.exit()).isNotZero();
    assertThat(wrong.err())
        .contains("number_mismatch")
        .contains("did not match the number on the sign-in screen");
    assertThat(api.challengeStatus(token, id, 0)).isEqualTo("number_mismatch");
    assertThat(failedAttempts()).isEqualTo(1);
    // The request is closed: even the right number no longer approves it.
    Phone.Run late = phone.run("approve", id, "--number", number);
    assertThat(late.exit()).isNotZero();
    assertThat(api.challengeStatus(token, id, 0)).isEqualTo("number_mismatch");

    // A new request does not reset the count (SECURITY-TESTS F2); a second wrong number adds one.
    JsonNode next = api.createChallenge(token, username);
    phone.run(
        "approve",
        next.path("challengeId").asString(),
        "--number",
        otherThan(next.path("number").asString()));
    assertThat(failedAttempts()).isEqualTo(2);
  }

  @Test
  void anExpiredRequestIsRefusedButOneSecondBeforeItsExpiryWorks() {
    JsonNode early = api.createChallenge(token, username);
    clock.advance(Duration.ofSeconds(59));
    Phone.Run inTime =
        phone.run(
            "approve",
            early.path("challengeId").asString(),
            "--number",
            early.path("number").asString());
    assertThat(inTime.exit()).as(inTime.all()).isZero();

    JsonNode late = api.createChallenge(token, username);
    String id = late.path("challengeId").asString();
    clock.advance(Duration.ofSeconds(61));
    Response refused =
        answer(phone.deviceKey(), id, late, Decision.APPROVE, late.path("number").asString());

    assertThat(refused.status()).isEqualTo(410);
    assertThat(refused.errorCode()).isEqualTo("challenge_expired");
    assertThat(api.challengeStatus(token, id, 0)).isEqualTo("expired");
  }

  @Test
  void aRequestMadeWhileThePhoneWasOfflineArrivesWhenItConnects() throws Exception {
    JsonNode created = api.createChallenge(token, username);

    try (Phone.Listener listener = phone.listen()) {
      JsonNode delivered = listener.awaitChallenge();
      assertThat(delivered.path("challengeId").asString())
          .isEqualTo(created.path("challengeId").asString());
      assertThat(delivered.path("application").asString()).isEqualTo("Intranet");
      // The operator sees the connection in the metrics while it is open.
      Response metrics = api.send(api.asAdmin(api.request("/actuator/prometheus")).GET().build());
      java.util.regex.Matcher connected =
          java.util.regex.Pattern.compile("(?m)^latchkey_devices_connected(?:\\{[^}]*\\})? (\\S+)$")
              .matcher(metrics.body());
      assertThat(connected.find()).as(metrics.body()).isTrue();
      assertThat(Double.parseDouble(connected.group(1))).isGreaterThanOrEqualTo(1);
    }
    JsonNode events = api.auditByCorrelationId(created.path("correlationId").asString());
    assertThat(events.toString()).contains("push_challenge.created");
  }

  @Test
  void anAnswerSignedByAnotherDeviceIsRefused() {
    Phone other = Phone.compliant(clock);
    PushWizard.register(api, newUsername("mallory"), other);
    Phone.DeviceKey mine = phone.deviceKey();
    Phone.DeviceKey theirs = other.deviceKey();
    JsonNode created = api.createChallenge(token, username);
    String id = created.path("challengeId").asString();
    String number = created.path("number").asString();

    // Another user's device, under its own ID: not bound to this user.
    Response foreign = answer(theirs, id, created, Decision.APPROVE, number, theirs.deviceId());
    assertThat(foreign.status()).isEqualTo(403);
    assertThat(foreign.errorCode()).isEqualTo("forbidden");
    // Another device's key claiming this device's ID: the signature does not verify.
    Response forged = answer(theirs, id, created, Decision.APPROVE, number, mine.deviceId());
    assertThat(forged.status()).isEqualTo(401);
    assertThat(forged.errorCode()).isEqualTo("unauthorized");

    assertThat(api.challengeStatus(token, id, 0)).isEqualTo("pending");
    assertThat(answer(mine, id, created, Decision.APPROVE, number).status()).isEqualTo(200);
  }

  @Test
  void aReplayedAnswerIsRefusedAndCannotBeMovedToAnotherRequest() {
    Phone.DeviceKey key = phone.deviceKey();
    JsonNode first = api.createChallenge(token, username);
    String firstId = first.path("challengeId").asString();
    Map<String, Object> body =
        body(
            key, firstId, first, Decision.APPROVE, first.path("number").asString(), key.deviceId());

    assertThat(post(firstId, body).status()).isEqualTo(200);
    Response replay = post(firstId, body);
    assertThat(replay.status()).isEqualTo(409);
    assertThat(replay.errorCode()).isEqualTo("conflict");

    JsonNode second = api.createChallenge(token, username);
    String secondId = second.path("challengeId").asString();
    Response moved = post(secondId, body);
    assertThat(moved.status()).isEqualTo(401);
    assertThat(api.challengeStatus(token, secondId, 0)).isEqualTo("pending");
  }

  @Test
  void racingApprovalsAndDenialsMakeExactlyOneTransition() throws Exception {
    Phone.DeviceKey key = phone.deviceKey();
    JsonNode created = api.createChallenge(token, username);
    String id = created.path("challengeId").asString();
    Map<String, Object> approve =
        body(key, id, created, Decision.APPROVE, created.path("number").asString(), key.deviceId());
    Map<String, Object> deny = body(key, id, created, Decision.DENY, "", key.deviceId());
    int racers = 20;
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(racers);
    java.util.List<java.util.concurrent.Future<Response>> answers = new java.util.ArrayList<>();
    try (var pool = java.util.concurrent.Executors.newFixedThreadPool(racers)) {
      for (int i = 0; i < racers; i++) {
        Map<String, Object> body = i % 2 == 0 ? approve : deny;
        answers.add(
            pool.submit(
                () -> {
                  start.await();
                  return post(id, body);
                }));
      }
    }
    java.util.List<Response> results = new java.util.ArrayList<>();
    for (var answer : answers) {
      results.add(answer.get());
    }

    assertThat(results.stream().filter(r -> r.status() == 200)).hasSize(1);
    assertThat(results.stream().filter(r -> r.status() != 200))
        .allSatisfy(r -> assertThat(r.errorCode()).isEqualTo("conflict"));
    String winner =
        results.stream()
            .filter(r -> r.status() == 200)
            .findFirst()
            .orElseThrow()
            .json()
            .path("status")
            .asString();
    assertThat(api.challengeStatus(token, id, 0)).isEqualTo(winner).isIn("approved", "denied");
  }

  @Test
  void blockingAUserStopsAPendingRequestFromBeingApproved() {
    JsonNode created = api.createChallenge(token, username);
    String id = created.path("challengeId").asString();
    assertThat(
            api.adminPost(
                    "/api/v1/admin/users/" + username + "/block", Map.of("reason", "lost laptop"))
                .status())
        .isEqualTo(200);

    Response refused =
        answer(phone.deviceKey(), id, created, Decision.APPROVE, created.path("number").asString());

    assertThat(refused.status()).isEqualTo(423);
    assertThat(refused.errorCode()).isEqualTo("user_blocked");
    assertThat(api.challengeStatus(token, id, 0)).isEqualTo("pending");
    Response noNew = api.appPost(token, "/api/v1/push/challenges", Map.of("username", username));
    assertThat(noNew.errorCode()).isEqualTo("user_blocked");
  }

  @Test
  void denyingAndReportingEndRequestsAndAReportPausesPushesUntilAnAdminResumesThem() {
    JsonNode denied = api.createChallenge(token, username);
    Phone.Run deny = phone.run("deny", denied.path("challengeId").asString());
    assertThat(deny.exit()).as(deny.all()).isZero();
    assertThat(api.challengeStatus(token, denied.path("challengeId").asString(), 0))
        .isEqualTo("denied");

    JsonNode reported = api.createChallenge(token, username);
    Phone.Run report = phone.run("deny", reported.path("challengeId").asString(), "--report");
    assertThat(report.exit()).as(report.all()).isZero();
    assertThat(api.challengeStatus(token, reported.path("challengeId").asString(), 0))
        .isEqualTo("reported");

    Response paused = api.appPost(token, "/api/v1/push/challenges", Map.of("username", username));
    assertThat(paused.status()).isEqualTo(423);
    assertThat(paused.errorCode()).isEqualTo("push_blocked");
    JsonNode user = api.adminGet("/api/v1/admin/users/" + username).json();
    assertThat(user.path("pushPaused").path("reason").asString()).contains("fraud");
    JsonNode alerts = api.adminGet("/api/v1/admin/alerts?open=true").json().path("alerts");
    assertThat(alerts.toString()).contains(username).contains("push_fraud_reported");

    Response resumed =
        api.adminPost(
            "/api/v1/admin/users/" + username + "/push/resume",
            Map.of("reason", "user confirmed the report was a mistake"));
    assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
    assertThat(api.createChallenge(token, username).path("number").asString()).isNotEmpty();
  }

  @Test
  void threeDenialsPausePushes() {
    for (int i = 0; i < 3; i++) {
      JsonNode created = api.createChallenge(token, username);
      assertThat(phone.run("deny", created.path("challengeId").asString()).exit()).isZero();
    }
    Response paused = api.appPost(token, "/api/v1/push/challenges", Map.of("username", username));
    assertThat(paused.errorCode()).isEqualTo("push_blocked");
    assertThat(api.auditByCorrelationId(correlationOfLastDenial()).toString())
        .contains("push.blocked");
  }

  @Test
  void tooManyOpenRequestsAreRateLimited() {
    for (int i = 0; i < 3; i++) {
      api.createChallenge(token, username);
    }
    Response limited = api.appPost(token, "/api/v1/push/challenges", Map.of("username", username));
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.errorCode()).isEqualTo("rate_limited");
    // Expired requests are no longer open, but they still count in the ten-minute window.
    clock.advance(Duration.ofSeconds(61));
    for (int i = 0; i < 3; i++) {
      api.createChallenge(token, username);
    }
    clock.advance(Duration.ofSeconds(61));
    // Ten in the window, counting the registration's own test request.
    for (int i = 0; i < 3; i++) {
      api.createChallenge(token, username);
    }
    Response windowFull =
        api.appPost(token, "/api/v1/push/challenges", Map.of("username", username));
    assertThat(windowFull.errorCode()).isEqualTo("rate_limited");
  }

  @Test
  void aStreamRequestThatIsUnsignedForgedOrStaleGetsA401Envelope() {
    Phone.DeviceKey key = phone.deviceKey();
    long now = clock.instant().getEpochSecond();
    String unknown = java.util.UUID.randomUUID().toString();

    Response unsigned = stream(key.deviceId(), null, null);
    Response unknownDevice = stream(unknown, now, signRequest(key, now));
    Response otherPathSigned =
        stream(key.deviceId(), now, signRequest(key, now, "/api/v1/device/challenges"));
    Response stale = stream(key.deviceId(), now - 600, signRequest(key, now - 600));

    for (Response refused : java.util.List.of(unsigned, unknownDevice, otherPathSigned, stale)) {
      assertThat(refused.status()).as(refused.body()).isEqualTo(401);
      assertThat(refused.contentType()).startsWith("application/json");
      assertThat(refused.errorCode()).isEqualTo("unauthorized");
      assertThat(refused.correlationId()).isNotBlank();
    }
    assertThat(stale.json().path("error").path("message").asString()).contains("clock");
    // The right signature, now, lists what is pending.
    Response listed =
        api.send(
            signed(
                    api.request("/api/v1/device/challenges"),
                    key.deviceId(),
                    now,
                    signRequest(key, now, "/api/v1/device/challenges"))
                .GET()
                .build());
    assertThat(listed.status()).as(listed.body()).isEqualTo(200);
  }

  private Response stream(String deviceId, Long timestamp, String signature) {
    HttpRequest.Builder request =
        api.request("/api/v1/device/stream").header("Accept", "text/event-stream");
    if (timestamp != null) {
      signed(request, deviceId, timestamp, signature);
    } else {
      request.header(io.latchkey.core.push.DeviceSignatures.DEVICE_HEADER, deviceId);
    }
    return api.send(request.GET().build());
  }

  private static HttpRequest.Builder signed(
      HttpRequest.Builder request, String deviceId, long timestamp, String signature) {
    return request
        .header(io.latchkey.core.push.DeviceSignatures.DEVICE_HEADER, deviceId)
        .header(io.latchkey.core.push.DeviceSignatures.TIMESTAMP_HEADER, Long.toString(timestamp))
        .header(io.latchkey.core.push.DeviceSignatures.SIGNATURE_HEADER, signature);
  }

  private static String signRequest(Phone.DeviceKey key, long timestamp) {
    return signRequest(key, timestamp, "/api/v1/device/stream");
  }

  private static String signRequest(Phone.DeviceKey key, long timestamp, String path) {
    byte[] payload =
        io.latchkey.core.push.DeviceSignatures.request("GET", path, timestamp, new byte[0]);
    return java.util.Base64.getEncoder().encodeToString(key.algorithm().sign(key.key(), payload));
  }

  private String correlationOfLastDenial() {
    JsonNode events =
        api.adminGet("/api/v1/admin/audit?username=" + username + "&type=push.blocked")
            .json()
            .path("events");
    assertThat(events.size()).as(events.toString()).isEqualTo(1);
    return events.path(0).path("correlationId").asString();
  }

  private int failedAttempts() {
    return api.adminGet("/api/v1/admin/users/" + username).json().path("failedAttempts").asInt();
  }

  private String userId() {
    return api.adminGet("/api/v1/admin/users/" + username).json().path("id").asString();
  }

  private Response answer(
      Phone.DeviceKey key, String id, JsonNode created, Decision decision, String number) {
    return answer(key, id, created, decision, number, key.deviceId());
  }

  private Response answer(
      Phone.DeviceKey key,
      String id,
      JsonNode created,
      Decision decision,
      String number,
      String claimedDevice) {
    return post(id, body(key, id, created, decision, number, claimedDevice));
  }

  private Map<String, Object> body(
      Phone.DeviceKey key,
      String id,
      JsonNode created,
      Decision decision,
      String number,
      String claimedDevice) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("deviceId", claimedDevice);
    body.put("decision", decision.wireName());
    body.put("number", number);
    body.put(
        "signature",
        key.signAnswer(
            id, userId(), Instant.parse(created.path("expiresAt").asString()), decision, number));
    return body;
  }

  private Response post(String id, Map<String, Object> body) {
    return api.send(
        api.request("/api/v1/device/challenges/" + id + "/answer")
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    io.latchkey.server.testing.Api.JSON.writeValueAsString(body)))
            .build());
  }

  private static String otherThan(String number) {
    return number.equals("000") ? "001" : "000";
  }
}
