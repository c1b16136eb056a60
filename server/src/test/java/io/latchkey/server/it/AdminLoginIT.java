package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.testing.Api;
import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.Phone;
import io.latchkey.server.testing.PushWizard;
import io.latchkey.server.testing.ServerIT;
import io.latchkey.server.testing.UserApiClient;
import io.latchkey.server.testing.WizardClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Issue 12 over raw HTTP: the admin API and the metrics take an admin token from the password and a
 * second factor, never the password alone (HTTP Basic); sensitive changes need a factor proven
 * within the step-up window; a metrics token reads the metrics and nothing else.
 */
class AdminLoginIT extends ServerIT {
  private static final String PASSWORD = "correct horse battery";
  private static final String LOGIN_SENTENCE = "latchkey admin login";

  /** An administrator with a TOTP registered through the real wizard. */
  private record Admin(String username, String secret) {}

  private Admin enrolledAdmin(String prefix) {
    String username = newUsername(prefix);
    assertThat(
            api.adminPost(
                    "/api/v1/admin/users",
                    Map.of("username", username, "password", PASSWORD, "admin", true))
                .status())
        .isEqualTo(201);
    String secret = new WizardClient(api.base()).register(username, PASSWORD, clock.instant());
    clock.nextStep(30); // the registration used the current step
    return new Admin(username, secret);
  }

  private String code(Admin admin) {
    return WizardClient.code(admin.secret(), clock.instant());
  }

  private Response login(String username, String password, String code) {
    return post(null, "/api/v1/admin/sessions", loginBody(username, password, code));
  }

  private static Map<String, Object> loginBody(String username, String password, String code) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("username", username);
    body.put("password", password);
    body.put("code", code);
    return body;
  }

  private String token(Admin admin) {
    Response issued = login(admin.username(), PASSWORD, code(admin));
    assertThat(issued.status()).as(issued.body()).isEqualTo(201);
    clock.nextStep(30); // the code is used up
    return issued.json().path("token").asString();
  }

  private Response post(String token, String path, Object body) {
    HttpRequest.Builder request =
        api.request(path)
            .header("Content-Type", "application/json")
            .POST(BodyPublishers.ofString(Api.JSON.writeValueAsString(body)));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return api.send(request.build());
  }

  private Response get(String token, String path) {
    return api.send(api.request(path).header("Authorization", "Bearer " + token).GET().build());
  }

  private static String basic(String username, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private JsonNode onlyEvent(String correlationId, String type) {
    JsonNode events = api.auditByCorrelationId(correlationId);
    JsonNode found = null;
    for (JsonNode event : events) {
      if (type.equals(event.path("type").asString())) {
        assertThat(found).as(events.toString()).isNull();
        found = event;
      }
    }
    assertThat(found).as(events.toString()).isNotNull();
    return found;
  }

  @Test
  void httpBasicWithTheRightAdminPasswordIsRefusedWithHowToSignInAuditedAndDiagnosed()
      throws IOException, InterruptedException {
    HttpResponse<String> raw =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/admin/users"))
                    .header("Authorization", basic("admin", adminPassword()))
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));

    assertThat(raw.statusCode()).isEqualTo(401);
    assertThat(raw.headers().firstValue("WWW-Authenticate")).contains("Bearer");
    JsonNode error = Api.JSON.readTree(raw.body()).path("error");
    assertThat(error.path("code").asString()).isEqualTo("unauthorized");
    assertThat(error.path("message").asString()).contains(LOGIN_SENTENCE);
    String correlationId = raw.headers().firstValue("X-Correlation-Id").orElseThrow();
    assertThat(error.path("correlationId").asString()).isEqualTo(correlationId);
    JsonNode refusal = onlyEvent(correlationId, "access.refused");
    assertThat(refusal.path("reason").asString()).isEqualTo("admin_login_required");
    assertThat(refusal.path("success").asBoolean()).isFalse();

    JsonNode diagnosis = api.adminGet("/api/v1/diagnostics/" + correlationId).json();
    assertThat(diagnosis.path("findings").path(0).path("code").asString())
        .as(diagnosis.toString())
        .isEqualTo("admin_login_required");

    for (String path :
        java.util.List.of("/api/v1/diagnostics/" + correlationId, "/actuator/prometheus")) {
      Response other =
          api.send(
              api.request(path)
                  .header("Authorization", basic("admin", adminPassword()))
                  .GET()
                  .build());
      assertThat(other.status()).as(path).isEqualTo(401);
      assertThat(other.errorCode()).as(path).isEqualTo("unauthorized");
      assertThat(other.json().path("error").path("message").asString()).contains(LOGIN_SENTENCE);
    }
    Response none = api.send(api.request("/api/v1/admin/users").GET().build());
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.json().path("error").path("message").asString()).contains(LOGIN_SENTENCE);
    assertThat(api.send(api.request("/actuator/health").GET().build()).status()).isEqualTo(200);
  }

  @Test
  void anAdministratorWithoutAMethodGetsNoToken() {
    String username = newUsername("bare-admin");
    api.adminPost(
        "/api/v1/admin/users", Map.of("username", username, "password", PASSWORD, "admin", true));

    Response refused = login(username, PASSWORD, "123456");

    assertThat(refused.status()).isNotEqualTo(201);
    assertThat(refused.errorCode()).isEqualTo("not_enrolled");
    assertThat(refused.body()).doesNotContain("lka_");
  }

  @Test
  void aUserWhoIsNotAnAdministratorIsRefusedLikeAWrongPassword() {
    WizardClient.EnrolledUser user =
        WizardClient.enrollNewUser(api, newUsername("not-admin"), clock.instant());
    clock.nextStep(30);

    Response notAdmin =
        login(user.username(), user.password(), WizardClient.code(user.secret(), clock.instant()));
    Response wrongPassword = login(user.username(), "wrong " + PASSWORD, "123456");

    assertThat(notAdmin.status()).isEqualTo(401).isEqualTo(wrongPassword.status());
    assertThat(notAdmin.errorCode()).isEqualTo("unauthorized");
    assertThat(notAdmin.json().path("error").path("message").asString())
        .isEqualTo(wrongPassword.json().path("error").path("message").asString());
    assertThat(
            onlyEvent(notAdmin.correlationId(), "admin_session.rejected").path("reason").asString())
        .isEqualTo("not_admin");
  }

  @Test
  void aWrongCodeIsCountedTowardTheLockout() {
    Admin admin = enrolledAdmin("counted");
    String wrong = code(admin).equals("000000") ? "111111" : "000000";

    Response refused = login(admin.username(), PASSWORD, wrong);

    assertThat(refused.errorCode()).isEqualTo("invalid_code");
    assertThat(
            api.adminGet("/api/v1/admin/users/" + admin.username())
                .json()
                .path("failedAttempts")
                .asInt())
        .isEqualTo(1);
  }

  @Test
  void aTokenWorksUntilItExpiresOrIsRevoked() {
    Admin admin = enrolledAdmin("lifetime");
    String token = token(admin);
    assertThat(token).startsWith("lka_");
    assertThat(get(token, "/api/v1/admin/users?q=" + admin.username()).status()).isEqualTo(200);

    clock.advance(Duration.ofHours(1).plusSeconds(1));
    Response expired = get(token, "/api/v1/admin/users");
    assertThat(expired.status()).isEqualTo(401);
    assertThat(expired.errorCode()).isEqualTo("unauthorized");

    String second = token(admin);
    assertThat(get(second, "/api/v1/admin/users").status()).isEqualTo(200);
    Response logout =
        api.send(
            api.request("/api/v1/admin/sessions/current")
                .header("Authorization", "Bearer " + second)
                .DELETE()
                .build());
    assertThat(logout.status()).isEqualTo(204);
    assertThat(get(second, "/api/v1/admin/users").status()).isEqualTo(401);
  }

  @Test
  void blockingUnblockingOrResettingTheAdministratorEndsTheirTokens() {
    Admin admin = enrolledAdmin("ended");
    String users = "/api/v1/admin/users/" + admin.username();
    String token = token(admin);

    api.adminPost(users + "/block", Map.of("reason", "left the team"));
    Response whileBlocked = get(token, "/api/v1/admin/users");
    assertThat(whileBlocked.errorCode()).isEqualTo("user_blocked");
    api.adminPost(users + "/unblock", Map.of("reason", "back"));
    assertThat(get(token, "/api/v1/admin/users").status())
        .as("the unblock revoked it")
        .isEqualTo(401);

    String second = token(admin);
    assertThat(get(second, "/api/v1/admin/users").status()).isEqualTo(200);
    api.adminPost(users + "/reset-mfa", Map.of("reason", "lost phone"));
    assertThat(get(second, "/api/v1/admin/users").status())
        .as("the reset revoked it")
        .isEqualTo(401);
  }

  @Test
  void aUserTokenDoesNotOpenTheAdminApiEvenForAnAdministratorNorAnAdminTokenTheUserApi() {
    Admin admin = enrolledAdmin("two-tokens");
    String userToken = new UserApiClient(api).token(admin.username(), code(admin));
    clock.nextStep(30);

    Response withUserToken = get(userToken, "/api/v1/admin/users");
    assertThat(withUserToken.status()).isEqualTo(401);
    assertThat(withUserToken.errorCode()).isEqualTo("unauthorized");
    assertThat(withUserToken.json().path("error").path("message").asString())
        .contains(LOGIN_SENTENCE);
    assertThat(onlyEvent(withUserToken.correlationId(), "access.refused").path("reason").asString())
        .isEqualTo("admin_login_required");

    Response withAdminToken = get(token(admin), "/api/v1/user/backup");
    assertThat(withAdminToken.status()).isEqualTo(403);
  }

  @Test
  void aTokenOlderThanTheStepUpWindowReadsButCannotChangeWhatHandsAnAccountOver() {
    Admin admin = enrolledAdmin("step-up");
    String target = newUsername("target");
    api.createUser(target, PASSWORD);
    String stale = token(admin);
    clock.advance(Duration.ofMinutes(11));

    assertThat(get(stale, "/api/v1/admin/users?q=" + target).status()).isEqualTo(200);
    String other = newUsername("other");
    api.createUser(other, PASSWORD);
    assertThat(post(stale, "/api/v1/admin/users/" + other + "/block", Map.of()).status())
        .as("blocking is one click away with an older factor, as in the console")
        .isEqualTo(200);

    Map<String, Response> refused = new LinkedHashMap<>();
    refused.put(
        "create a user", post(stale, "/api/v1/admin/users", Map.of("username", newUsername("p"))));
    refused.put(
        "notice address",
        api.send(
            api.request("/api/v1/admin/users/" + target + "/email")
                .header("Authorization", "Bearer " + stale)
                .header("Content-Type", "application/json")
                .PUT(BodyPublishers.ofString("{\"email\": \"attacker@example.com\"}"))
                .build()));
    refused.put("API key", post(stale, "/api/v1/admin/api-keys", Map.of("name", "stale-key")));
    refused.put(
        "metrics token", post(stale, "/api/v1/admin/metrics-tokens", Map.of("name", "stale")));
    refused.put("disable", post(stale, "/api/v1/admin/users/" + target + "/disable", Map.of()));
    refused.put(
        "registration link",
        post(stale, "/api/v1/admin/users/" + target + "/registration-link", Map.of()));
    refused.put("reset-mfa", post(stale, "/api/v1/admin/users/" + target + "/reset-mfa", Map.of()));
    refused.put("unblock", post(stale, "/api/v1/admin/users/" + target + "/unblock", Map.of()));
    refused.put("enable", post(stale, "/api/v1/admin/users/" + target + "/enable", Map.of()));
    refused.put(
        "create an admin",
        post(
            stale,
            "/api/v1/admin/users",
            Map.of("username", newUsername("new-admin"), "admin", true)));
    refused.put(
        "import",
        api.send(
            api.request("/api/v1/admin/users/import")
                .header("Authorization", "Bearer " + stale)
                .header("Content-Type", "text/csv")
                .POST(
                    BodyPublishers.ofString(
                        "username,admin\r\n" + newUsername("imp") + ",true\r\n"))
                .build()));
    refused.put(
        "policy",
        api.send(
            api.request("/api/v1/admin/policy")
                .header("Authorization", "Bearer " + stale)
                .header("Content-Type", "application/json")
                .method("PATCH", BodyPublishers.ofString("{}"))
                .build()));
    refused.forEach(
        (what, response) -> {
          assertThat(response.status()).as(what + ": " + response.body()).isEqualTo(401);
          assertThat(response.errorCode()).as(what).isEqualTo("unauthorized");
          assertThat(response.json().path("error").path("message").asString())
              .as(what)
              .contains(LOGIN_SENTENCE);
          assertThat(
                  onlyEvent(response.correlationId(), "access.refused").path("reason").asString())
              .as(what)
              .isEqualTo("step_up_required");
        });

    String fresh = token(admin);
    Response link = post(fresh, "/api/v1/admin/users/" + target + "/registration-link", Map.of());
    assertThat(link.status()).as(link.body()).isEqualTo(201);
    Response newAdmin =
        post(
            fresh,
            "/api/v1/admin/users",
            Map.of("username", newUsername("new-admin"), "admin", true));
    assertThat(newAdmin.status()).as(newAdmin.body()).isEqualTo(201);
    assertThat(post(fresh, "/api/v1/admin/users/" + target + "/reset-mfa", Map.of()).status())
        .isEqualTo(200);
  }

  @Test
  void aPushApprovedOnThePhoneWithItsNumberGivesOneToken() {
    String username = newUsername("push-admin");
    api.adminPost(
        "/api/v1/admin/users", Map.of("username", username, "password", PASSWORD, "admin", true));
    Phone phone = Phone.compliant(clock);
    PushWizard wizard = new PushWizard(new WizardClient(api.base()));
    String uri = wizard.start(username, PASSWORD);
    assertThat(phone.run("activate", uri).exit()).isZero();
    assertThat(phone.run("approve", "--number", wizard.number()).exit()).isZero();
    assertThat(wizard.page().redirectPath()).isEqualTo("/register/done");

    Map<String, Object> body = new LinkedHashMap<>();
    body.put("username", username);
    body.put("password", PASSWORD);
    body.put("push", true);
    Response started = post(null, "/api/v1/admin/sessions", body);
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    String challengeId = started.json().path("challengeId").asString();
    String number = started.json().path("number").asString();
    String pollSecret = started.json().path("pollSecret").asString();
    String poll = "/api/v1/admin/sessions/push/" + challengeId;
    assertThat(post(null, poll, Map.of("pollSecret", pollSecret)).status()).isEqualTo(202);
    assertThat(post(null, poll, Map.of("pollSecret", "lkp_" + "A".repeat(43))).status())
        .isEqualTo(401);

    Phone.Run approved = phone.run("approve", challengeId, "--number", number);
    assertThat(approved.exit()).as(approved.all()).isZero();

    Response collected = post(null, poll, Map.of("pollSecret", pollSecret));
    assertThat(collected.status()).as(collected.body()).isEqualTo(201);
    String token = collected.json().path("token").asString();
    assertThat(get(token, "/api/v1/admin/users?q=" + username).status()).isEqualTo(200);
    assertThat(post(null, poll, Map.of("pollSecret", pollSecret)).status())
        .as("collected once")
        .isEqualTo(401);
  }

  @Test
  void aMetricsTokenReadsTheMetricsAndNothingElse() {
    Response created =
        post(api.adminToken(), "/api/v1/admin/metrics-tokens", Map.of("name", "prometheus"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String token = created.json().path("token").asString();
    assertThat(token).startsWith("lkm_");

    Response scraped = get(token, "/actuator/prometheus");
    assertThat(scraped.status()).isEqualTo(200);
    assertThat(scraped.body()).contains("latchkey_");
    Response admin = get(token, "/api/v1/admin/users");
    assertThat(admin.status()).isIn(401, 403);
    assertThat(get(token, "/api/v1/user/backup").status()).isIn(401, 403);
    assertThat(api.adminGet("/api/v1/admin/metrics-tokens").json().path("tokens").toString())
        .contains(created.json().path("id").asString())
        .doesNotContain(token);

    Response revoked =
        api.send(
            api.asAdmin(
                    api.request(
                        "/api/v1/admin/metrics-tokens/" + created.json().path("id").asString()))
                .DELETE()
                .build());
    assertThat(revoked.status()).isEqualTo(204);
    assertThat(get(token, "/actuator/prometheus").status()).isEqualTo(401);
  }
}
