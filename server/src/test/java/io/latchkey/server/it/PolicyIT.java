package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.Envelopes;
import io.latchkey.server.testing.Phone;
import io.latchkey.server.testing.PolicyChanges;
import io.latchkey.server.testing.PushWizard;
import io.latchkey.server.testing.ServerIT;
import io.latchkey.server.testing.WizardClient;
import io.latchkey.server.testing.WizardClient.EnrolledUser;
import io.latchkey.server.testing.WizardClient.Page;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The policy through the real API: versions with who, when, why and what; refusals of bad values
 * and of racing updates; each automatic block exactly at its threshold within its window, with its
 * evidence where the administrator and the diagnosis see it; allowed methods in the wizard.
 */
class PolicyIT extends ServerIT {
  private static final String PASSWORD = "correct horse battery";

  @AfterEach
  void restorePolicy() {
    PolicyChanges.restoreInitial(api);
  }

  @Test
  void eachChangeIsANewVersionWithWhoWhenWhyAndWhatChangedInTheHistory() {
    long before = PolicyChanges.current(api).path("version").asLong();
    Instant when = clock.instant();

    Response changed =
        PolicyChanges.patch(
            api, Map.of("lockout.threshold", 7, "push.network.rule", "refuse"), before);

    assertThat(changed.status()).as(changed.body()).isEqualTo(200);
    JsonNode current = PolicyChanges.current(api);
    assertThat(current.path("version").asLong()).isEqualTo(before + 1);
    assertThat(current.path("changedBy").asString()).isEqualTo("admin");
    assertThat(current.path("changedAt").asString()).isEqualTo(when.toString());
    assertThat(current.path("reason").asString()).isEqualTo("integration test");
    assertThat(current.path("settings").path("lockout.threshold").asInt()).isEqualTo(7);
    assertThat(current.path("settings").path("methods.allowed").toString())
        .isEqualTo("[\"totp\",\"push\"]");

    JsonNode newest = api.adminGet(PolicyChanges.PATH + "/history").json().path("versions").get(0);
    assertThat(newest.path("version").asLong()).isEqualTo(before + 1);
    assertThat(newest.path("changes").toString())
        .contains("{\"key\":\"lockout.threshold\",\"from\":10,\"to\":7}")
        .contains("{\"key\":\"push.network.rule\",\"from\":\"warn\",\"to\":\"refuse\"}");
    JsonNode events = api.auditByCorrelationId(changed.correlationId());
    assertThat(events.toString())
        .contains("policy.changed")
        .contains("lockout.threshold: 10 -> 7")
        .contains("\"actor\":\"admin\"");
  }

  @Test
  void anInvalidChangeIsABadRequestNamingTheKeyAndItsRangeAndChangesNothing() {
    JsonNode before = PolicyChanges.current(api);

    Response tooHigh = PolicyChanges.patch(api, Map.of("lockout.threshold", 500), null);
    Response unknown = PolicyChanges.patch(api, Map.of("lockout.treshold", 5), null);
    Response noMethod = PolicyChanges.patch(api, Map.of("methods.allowed", List.of()), null);

    Envelopes.assertJsonError(tooHigh, "bad_request");
    assertThat(tooHigh.json().path("error").path("detail").asString())
        .contains("'lockout.threshold' must be a whole number from 1 to 100");
    Envelopes.assertJsonError(unknown, "bad_request");
    assertThat(unknown.json().path("error").path("detail").asString())
        .contains("'lockout.treshold' is not a policy key");
    Envelopes.assertJsonError(noMethod, "bad_request");
    assertThat(noMethod.json().path("error").path("detail").asString())
        .contains("'methods.allowed'")
        .contains("at least one");
    assertThat(PolicyChanges.current(api)).isEqualTo(before);
  }

  @Test
  void concurrentUpdatesFromTheSameVersionLetOneWinAndTellTheOthersOfTheConflict()
      throws Exception {
    long version = PolicyChanges.current(api).path("version").asLong();
    int racers = 8;
    CyclicBarrier start = new CyclicBarrier(racers);
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    List<Future<Response>> answers = new ArrayList<>();
    try {
      for (int i = 0; i < racers; i++) {
        int threshold = 20 + i;
        answers.add(
            pool.submit(
                () -> {
                  start.await(30, TimeUnit.SECONDS);
                  return PolicyChanges.patch(api, Map.of("lockout.threshold", threshold), version);
                }));
      }
      List<Response> results = new ArrayList<>();
      for (Future<Response> answer : answers) {
        results.add(answer.get(60, TimeUnit.SECONDS));
      }

      assertThat(results.stream().filter(r -> r.status() == 200)).hasSize(1);
      for (Response result : results) {
        if (result.status() != 200) {
          Envelopes.assertJsonError(result, "conflict");
        }
      }
      JsonNode current = PolicyChanges.current(api);
      assertThat(current.path("version").asLong()).isEqualTo(version + 1);
      Response winner = results.stream().filter(r -> r.status() == 200).findFirst().orElseThrow();
      assertThat(current.path("settings").path("lockout.threshold"))
          .isEqualTo(winner.json().path("settings").path("lockout.threshold"));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aLoweredLockoutThresholdBlocksExactlyThereWithEvidenceThatTheDiagnosisNames() {
    EnrolledUser user = WizardClient.enrollNewUser(api, newUsername("locked"), clock.instant());
    String token = api.createApiKey("policy-lockout");
    PolicyChanges.set(api, Map.of("lockout.threshold", 3));
    Instant first = clock.instant();

    assertThat(api.verify(token, user.username(), "000000").errorCode()).isEqualTo("invalid_code");
    clock.advance(Duration.ofDays(3)); // time alone never resets the count
    assertThat(api.verify(token, user.username(), "000001").errorCode()).isEqualTo("invalid_code");
    assertThat(status(user.username())).isEqualTo("active");
    Response third = api.verify(token, user.username(), "000002");
    assertThat(third.errorCode()).isEqualTo("invalid_code");

    JsonNode blocked = api.adminGet("/api/v1/admin/users/" + user.username()).json();
    assertThat(blocked.path("status").asString()).isEqualTo("blocked");
    assertThat(blocked.path("blockedReason").asString())
        .contains("3 consecutive failed attempts (policy lockout.threshold=3)")
        .contains("the first at " + first)
        .contains(third.correlationId());
    Response refused = api.verify(token, user.username(), "000003");
    Envelopes.assertJsonError(refused, "user_blocked");
    JsonNode finding = firstFinding(refused.correlationId());
    assertThat(finding.path("code").asString()).isEqualTo("user_blocked");
    assertThat(finding.path("cause").asString())
        .contains("automatically (by policy")
        .contains("3 consecutive failed attempts")
        .contains("the first at " + first);
  }

  @Test
  void theRegistrationAttemptAfterTheMaximumWithinTheWindowBlocksTheUserWithEvidence() {
    PolicyChanges.set(
        api, Map.of("autoblock.registrations.max", 3, "autoblock.registrations.window", "1h"));
    String username = newUsername("cycler");
    api.createUser(username, PASSWORD);
    WizardClient browser = new WizardClient(baseUrl());
    browser.signInOrFail(username, PASSWORD);
    browser.start(); // 1: codes
    clock.advance(Duration.ofMinutes(6));
    assertThat(browser.post("/register/retry", Map.of()).redirectPath())
        .isEqualTo("/register/scan");
    browser.scan(); // 2: codes again
    clock.advance(Duration.ofMinutes(6));
    browser.get("/register/scan"); // the time-out is noticed
    assertThat(browser.post("/register/push/start", Map.of()).redirectPath())
        .isEqualTo("/register/push"); // 3: push
    clock.advance(Duration.ofMinutes(6));
    browser.get("/register/push");
    assertThat(status(username)).isEqualTo("active");

    Page refused = browser.post("/register/push/retry", Map.of()); // 4: one too many

    assertThat(refused.status()).isEqualTo(423);
    assertThat(refused.textOf("error-code")).contains("user_blocked");
    String correlationId = refused.textOf("correlation-id").orElseThrow();
    JsonNode user = api.adminGet("/api/v1/admin/users/" + username).json();
    assertThat(user.path("status").asString()).isEqualTo("blocked");
    assertThat(user.path("blockedReason").asString())
        .contains("more than 3 registration starts or retries within 1h")
        .contains("3 counted")
        .contains("push registration attempt 1")
        .contains("this request: " + correlationId);
    JsonNode finding = firstFinding(correlationId);
    assertThat(finding.path("code").asString()).isEqualTo("user_blocked");
    assertThat(finding.path("cause").asString())
        .contains("automatically (by policy")
        .contains("more than 3 registration starts or retries");
    assertThat(finding.path("evidence").toString()).contains("too_many_registrations");
    // The user is told why, under the ID of the request that tipped it.
    JsonNode notice =
        api.adminGet("/api/v1/admin/users/" + username + "/notices").json().path("notices").path(0);
    assertThat(notice.path("kind").asString()).isEqualTo("auto_blocked");
    assertThat(notice.path("correlationId").asString()).isEqualTo(correlationId);
    assertThat(notice.path("facts").path("rule").asString()).isEqualTo("too_many_registrations");
  }

  @Test
  void registrationAttemptsOlderThanTheWindowDoNotCount() {
    PolicyChanges.set(
        api, Map.of("autoblock.registrations.max", 2, "autoblock.registrations.window", "1h"));
    String username = newUsername("patient");
    api.createUser(username, PASSWORD);
    WizardClient browser = new WizardClient(baseUrl());
    browser.signInOrFail(username, PASSWORD);
    browser.start();
    clock.advance(Duration.ofMinutes(6));
    browser.post("/register/retry", Map.of());
    clock.advance(Duration.ofMinutes(55)); // the first attempt is now 61 minutes old

    Page third = browser.post("/register/retry", Map.of());

    // Counting the first attempt would make this the third of two: it would block.
    assertThat(third.redirectPath()).isEqualTo("/register/scan");
    assertThat(status(username)).isEqualTo("active");
  }

  @Test
  void refusedPushesBlockTheAccountAtTheMaximumWithinTheWindowWhenTheRuleIsOn() {
    PolicyChanges.set(
        api,
        Map.of(
            "autoblock.push-refusals.max",
            2,
            "autoblock.push-refusals.window",
            "1h",
            "push.denials-to-pause",
            10));
    String username = newUsername("denier");
    Phone phone = Phone.compliant(clock);
    PushWizard.register(api, username, phone);
    String token = api.createApiKey("policy-push-" + username);

    deny(phone, api.createChallenge(token, username));
    clock.advance(Duration.ofMinutes(61)); // outside the window
    deny(phone, api.createChallenge(token, username));
    assertThat(status(username)).isEqualTo("active");
    JsonNode second = api.createChallenge(token, username);
    deny(phone, second);

    JsonNode user = api.adminGet("/api/v1/admin/users/" + username).json();
    assertThat(user.path("status").asString()).isEqualTo("blocked");
    assertThat(user.path("blockedReason").asString())
        .contains("2 denied or reported push requests within 1h")
        .contains("push request " + second.path("challengeId").asString() + " denied")
        .contains(second.path("correlationId").asString());
    Response refused = api.verify(token, username, "123456");
    Envelopes.assertJsonError(refused, "user_blocked");
    JsonNode finding = firstFinding(refused.correlationId());
    assertThat(finding.path("code").asString()).isEqualTo("user_blocked");
    assertThat(finding.path("cause").asString())
        .contains("automatically (by policy")
        .contains("2 denied or reported push requests");
  }

  @Test
  void refusedPushesNeverBlockTheAccountByDefault() {
    String username = newUsername("nodefault");
    Phone phone = Phone.compliant(clock);
    PushWizard.register(api, username, phone);
    String token = api.createApiKey("policy-default-" + username);

    for (int i = 0; i < 3; i++) {
      deny(phone, api.createChallenge(token, username));
    }

    assertThat(
            PolicyChanges.current(api).path("settings").path("autoblock.push-refusals.max").asInt())
        .isZero();
    assertThat(status(username)).isEqualTo("active");
    // The pause of pushes still applies (push.denials-to-pause = 3).
    assertThat(api.adminGet("/api/v1/admin/users/" + username).json().path("pushPaused").isNull())
        .isFalse();
  }

  @Test
  void theWizardOffersOnlyAllowedMethodsAndRefusesStartingAnotherWithAnEnvelope() {
    String username = newUsername("pushonly");
    api.createUser(username, PASSWORD);
    PolicyChanges.set(api, Map.of("methods.allowed", List.of("push")));
    WizardClient browser = new WizardClient(baseUrl());
    browser.signInOrFail(username, PASSWORD);

    Page getApp = browser.get("/register");
    assertThat(getApp.status()).isEqualTo(200);
    assertThat(getApp.body()).contains("/register/push/start").doesNotContain("/register/start\"");

    Page refused = browser.post("/register/start", Map.of());
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.textOf("error-code")).contains("method_disallowed");
    assertThat(refused.textOf("error-message").orElseThrow())
        .contains("does not allow this way of signing in");
    assertThat(api.auditByCorrelationId(refused.textOf("correlation-id").orElseThrow()).toString())
        .contains("registration.disallowed");

    PolicyChanges.set(api, Map.of("methods.allowed", List.of("totp")));
    Page totpOnly = browser.get("/register");
    assertThat(totpOnly.body())
        .contains("/register/start\"")
        .doesNotContain("/register/push/start");
    assertThat(browser.post("/register/push/start", Map.of()).textOf("error-code"))
        .contains("method_disallowed");
  }

  @Test
  void aMethodRegisteredBeforeItsKindWasDisallowedKeepsWorking() {
    EnrolledUser user = WizardClient.enrollNewUser(api, newUsername("kept"), clock.instant());
    String token = api.createApiKey("policy-kept");
    PolicyChanges.set(api, Map.of("methods.allowed", List.of("push")));
    clock.nextStep(30);

    Response verified =
        api.verify(token, user.username(), WizardClient.code(user.secret(), clock.instant()));

    assertThat(verified.status()).as(verified.body()).isEqualTo(200);
  }

  @Test
  void aWiderDriftWindowAcceptsACodeFromFurtherAwayAtOnce() {
    EnrolledUser user = WizardClient.enrollNewUser(api, newUsername("drift"), clock.instant());
    String token = api.createApiKey("policy-drift");
    clock.nextStep(30);
    String twoStepsAhead =
        WizardClient.code(user.secret(), clock.instant().plus(Duration.ofSeconds(60)));
    assertThat(api.verify(token, user.username(), twoStepsAhead).errorCode())
        .isEqualTo("invalid_code");

    PolicyChanges.set(api, Map.of("totp.drift-window", 2));

    assertThat(api.verify(token, user.username(), twoStepsAhead).status()).isEqualTo(200);
  }

  private void deny(Phone phone, JsonNode challenge) {
    Phone.Run denied = phone.run("deny", challenge.path("challengeId").asString());
    assertThat(denied.exit()).as(denied.all()).isZero();
  }

  private String status(String username) {
    return api.adminGet("/api/v1/admin/users/" + username).json().path("status").asString();
  }

  private JsonNode firstFinding(String correlationId) {
    Response response = api.adminGet("/api/v1/diagnostics/" + correlationId);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonNode diagnosis = response.json();
    assertThat(diagnosis.path("verdict").asString())
        .as(diagnosis.toString())
        .isEqualTo("explained");
    return diagnosis.path("findings").path(0);
  }
}
