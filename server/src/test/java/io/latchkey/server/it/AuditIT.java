package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.testing.Api;
import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.ServerIT;
import io.latchkey.server.testing.WizardClient;
import io.latchkey.server.testing.WizardClient.Page;
import io.latchkey.server.testing.WizardClient.Pending;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every security event lands in the audit log under the correlation ID of the request that caused
 * it, with who (actor), from where (IP, User-Agent) and about whom; free text cannot forge lines;
 * and no code, secret or password is ever written there (SECURITY-TESTS cross-cutting (b)-(d)).
 */
class AuditIT extends ServerIT {
  private static final String AGENT = "latchkey-audit-it/1.0 (test)";
  private static final String PASSWORD = "correct horse battery";
  private static final String WRONG_PASSWORD = "tr0ub4dor&3 wrong";

  @Test
  void everySecurityEventIsAuditedWithItsCorrelationIdAndEvidence() {
    Instant start = clock.instant();
    String username = newUsername("audited");
    List<String> secrets = new ArrayList<>(List.of(PASSWORD, WRONG_PASSWORD));

    Response created =
        adminPost("/api/v1/admin/users", Map.of("username", username, "password", PASSWORD));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    expect(created.correlationId(), "user.created", true, "admin", username);

    Response key = adminPost("/api/v1/admin/api-keys", Map.of("name", "audit-app"));
    assertThat(key.status()).as(key.body()).isEqualTo(201);
    String token = key.json().path("token").asString();
    secrets.add(token);
    expect(key.correlationId(), "api_key.created", true, "admin", "");

    WizardClient browser = new WizardClient(baseUrl(), AGENT);
    Page refused = browser.signIn(username, WRONG_PASSWORD);
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.textOf("correlation-id")).contains(refused.correlationId());
    JsonNode failed = expect(refused.correlationId(), "sign_in.failed", false, username, username);
    assertThat(failed.path("reason").asString()).isEqualTo("wrong_password");

    Page signedIn = browser.signIn(username, PASSWORD);
    assertThat(signedIn.isRedirect()).isTrue();
    expect(signedIn.correlationId(), "sign_in.succeeded", true, username, username);

    browser.get("/register");
    Page startedPage = browser.post("/register/start", Map.of());
    assertThat(startedPage.redirectPath()).isEqualTo("/register/scan");
    Pending pending = browser.scan();
    secrets.add(pending.secret());
    JsonNode started =
        expect(startedPage.correlationId(), "registration.started", true, username, username);

    String wrong = wrongCode(pending.secret());
    Page rejected = browser.confirm(pending.enrollmentId(), wrong);
    assertThat(rejected.status()).isEqualTo(422);
    JsonNode codeRejected =
        expect(rejected.correlationId(), "registration.code_rejected", false, username, username);
    assertThat(codeRejected.path("reason").asString()).isEqualTo("invalid_code");

    String registrationCode = WizardClient.code(pending.secret(), clock.instant());
    Page done = browser.confirm(pending.enrollmentId(), registrationCode);
    assertThat(done.redirectPath()).isEqualTo("/register/done");
    JsonNode completed =
        expect(done.correlationId(), "registration.completed", true, username, username);
    assertThat(completed.path("flowId").asString())
        .isNotBlank()
        .isEqualTo(started.path("flowId").asString())
        .isEqualTo(codeRejected.path("flowId").asString());

    clock.nextStep(30);
    String code = WizardClient.code(pending.secret(), clock.instant());
    String actor = "api-key:audit-app";
    Response accepted = verify(token, username, code);
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
    expect(accepted.correlationId(), "verification.accepted", true, actor, username);
    Response reused = verify(token, username, code);
    JsonNode reuse = expect(reused.correlationId(), "verification.reused", false, actor, username);
    assertThat(reuse.path("reason").asString()).isEqualTo("code_reused");
    String wrongApiCode = wrongCode(pending.secret());
    Response wrongAnswer = verify(token, username, wrongApiCode);
    JsonNode wrongEvent =
        expect(wrongAnswer.correlationId(), "verification.rejected", false, actor, username);
    assertThat(wrongEvent.path("reason").asString()).isEqualTo("invalid_code");

    Response blocked =
        adminPost("/api/v1/admin/users/" + username + "/block", Map.of("reason", "lost phone"));
    assertThat(blocked.status()).as(blocked.body()).isEqualTo(200);
    JsonNode block = expect(blocked.correlationId(), "user.blocked", true, "admin", username);
    assertThat(block.path("reason").asString()).isEqualTo("admin");
    assertThat(block.path("detail").asString()).contains("lost phone");
    Response unblocked =
        adminPost("/api/v1/admin/users/" + username + "/unblock", Map.of("reason", "found it"));
    assertThat(unblocked.status()).as(unblocked.body()).isEqualTo(200);
    expect(unblocked.correlationId(), "user.unblocked", true, "admin", username);

    // Nothing secret anywhere in what the audit log holds since this test began.
    JsonNode all = api.adminGet("/api/v1/admin/audit?from=" + start).json().path("events");
    assertThat(all.size()).isGreaterThanOrEqualTo(12);
    String text = all.toString();
    for (String secret : secrets) {
      assertThat(text).doesNotContain(secret);
      assertThat(text.toLowerCase(Locale.ROOT)).doesNotContain(secret.toLowerCase(Locale.ROOT));
    }
    for (String typed : List.of(wrong, registrationCode, code, wrongApiCode)) {
      // A code as a token of its own: a UUID's hex digits cannot match by chance.
      assertThat(
              Pattern.compile("(?<![0-9A-Za-z])" + typed + "(?![0-9A-Za-z])").matcher(text).find())
          .as("code " + typed + " in the audit log")
          .isFalse();
    }
  }

  @Test
  void aUsernameWithLineBreaksCannotForgeAuditLines() {
    String forged = "mallory\r\n2026-11-25T09:00:00Z user.blocked admin\nok";
    WizardClient browser = new WizardClient(baseUrl(), AGENT);
    Page refused = browser.signIn(forged, WRONG_PASSWORD);
    assertThat(refused.status()).isEqualTo(401);

    Response search = api.adminGet("/api/v1/admin/audit?correlationId=" + refused.correlationId());
    JsonNode events = search.json().path("events");
    assertThat(events).hasSize(1);
    JsonNode event = events.get(0);
    assertThat(event.path("type").asString()).isEqualTo("sign_in.failed");
    assertThat(event.path("reason").asString()).isEqualTo("unknown_user");
    assertThat(event.path("username").asString())
        .isEqualTo("mallory  2026-11-25T09:00:00Z user.blocked admin ok")
        .doesNotContain("\r")
        .doesNotContain("\n");
    assertThat(event.path("actor").asString()).doesNotContain("\r").doesNotContain("\n");
    assertThat(search.body()).doesNotContain(WRONG_PASSWORD);
  }

  /** The one event of {@code type} recorded under {@code correlationId}, checked for evidence. */
  private JsonNode expect(
      String correlationId, String type, boolean success, String actor, String username) {
    JsonNode events = api.auditByCorrelationId(correlationId);
    List<JsonNode> matching = new ArrayList<>();
    for (JsonNode event : events) {
      if (type.equals(event.path("type").asString())
          && correlationId.equals(event.path("correlationId").asString())) {
        matching.add(event);
      }
    }
    assertThat(matching).as(type + " under " + correlationId + " in " + events).hasSize(1);
    JsonNode event = matching.get(0);
    String what = type + ": " + event;
    assertThat(event.path("success").asBoolean()).as(what).isEqualTo(success);
    assertThat(event.path("ip").asString()).as(what).isEqualTo("127.0.0.1");
    assertThat(event.path("userAgent").asString()).as(what).isEqualTo(AGENT);
    assertThat(event.path("actor").asString()).as(what).isEqualTo(actor);
    assertThat(event.path("username").asString()).as(what).isEqualTo(username);
    assertThat(Instant.parse(event.path("at").asString())).as(what).isNotNull();
    return event;
  }

  private Response adminPost(String path, Object body) {
    return api.send(
        api.asAdmin(api.request(path))
            .header("User-Agent", AGENT)
            .header("Content-Type", "application/json")
            .POST(BodyPublishers.ofString(Api.JSON.writeValueAsString(body)))
            .build());
  }

  private Response verify(String token, String username, String code) {
    HttpRequest request =
        api.request("/api/v1/verify")
            .header("Authorization", "Bearer " + token)
            .header("User-Agent", AGENT)
            .header("Content-Type", "application/json")
            .POST(
                BodyPublishers.ofString(
                    Api.JSON.writeValueAsString(Map.of("username", username, "code", code))))
            .build();
    return api.send(request);
  }

  private String wrongCode(String secret) {
    List<String> window = new ArrayList<>();
    for (int step = -2; step <= 2; step++) {
      window.add(WizardClient.code(secret, clock.instant().plusSeconds(30L * step)));
    }
    for (int i = 100_000; ; i++) {
      String candidate = Integer.toString(i);
      if (!window.contains(candidate)) {
        return candidate;
      }
    }
  }

  /**
   * The exports open in standard parsers (Python's csv and json modules) and hold the same rows,
   * including text with commas, quotes and a would-be spreadsheet formula.
   */
  @Test
  void csvAndJsonLinesExportsHoldTheSameRowsForStandardParsers() {
    String username = "export-" + System.nanoTime();
    api.createUser(username, "correct horse battery");
    api.adminPost(
        "/api/v1/admin/users/" + username + "/block",
        Map.of("reason", "=HYPERLINK(\"http://evil\"), said \"hi\", then left"));
    api.adminPost("/api/v1/admin/users/" + username + "/unblock", Map.of("reason", "ok, back"));
    String query = "?username=" + username;

    Response csv = api.adminGet("/api/v1/admin/audit/export" + query + "&format=csv");
    Response jsonl = api.adminGet("/api/v1/admin/audit/export" + query + "&format=jsonl");
    assertThat(csv.status()).as(csv.body()).isEqualTo(200);
    assertThat(csv.contentType()).startsWith("text/csv");
    assertThat(jsonl.status()).isEqualTo(200);

    String parser =
        "import csv, io, json, sys\n"
            + "data = json.load(sys.stdin)\n"
            + "rows = list(csv.DictReader(io.StringIO(data['csv'], newline='')))\n"
            + "lines = [json.loads(l) for l in data['jsonl'].splitlines() if l.strip()]\n"
            + "print(json.dumps({'csv': rows, 'jsonl': lines}))\n";
    String parsed =
        io.latchkey.server.testing.Peers.run(
            Api.JSON.writeValueAsString(Map.of("csv", csv.body(), "jsonl", jsonl.body())),
            "/usr/bin/python3",
            "-c",
            parser);
    JsonNode both = Api.JSON.readTree(parsed);
    JsonNode csvRows = both.path("csv");
    JsonNode jsonRows = both.path("jsonl");

    // user.created, user.blocked, user.unblocked, and a notice.not_sent for each of the two
    // notices (the user has no address).
    assertThat(csvRows.size()).isEqualTo(jsonRows.size()).isEqualTo(5);
    for (int i = 0; i < csvRows.size(); i++) {
      for (String column :
          List.of(
              "at",
              "type",
              "success",
              "correlationId",
              "userId",
              "username",
              "actor",
              "ip",
              "reason",
              "detail")) {
        JsonNode value = jsonRows.path(i).path(column);
        String expected = value.isNull() || value.isMissingNode() ? "" : value.asString();
        if (!expected.isEmpty() && "=+-@".indexOf(expected.charAt(0)) >= 0) {
          expected = "'" + expected;
        }
        assertThat(csvRows.path(i).path(column).asString())
            .as("row " + i + " column " + column)
            .isEqualTo(expected);
      }
    }
    assertThat(jsonRows.path(0).path("type").asString()).isEqualTo("user.created");
    JsonNode block = null;
    for (JsonNode row : jsonRows) {
      if (row.path("type").asString().equals("user.blocked")) {
        block = row;
      }
    }
    assertThat(block).as(jsonRows.toString()).isNotNull();
    assertThat(block.path("detail").asString())
        .contains("=HYPERLINK(\"http://evil\"), said \"hi\", then left");
    assertThat(block.path("actor").asString()).isEqualTo("admin");
    assertThat(api.adminGet("/api/v1/admin/audit/export?format=xml").errorCode())
        .isEqualTo("bad_request");
  }
}
