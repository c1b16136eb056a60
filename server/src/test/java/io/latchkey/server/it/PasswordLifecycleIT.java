package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.ServerIT;
import io.latchkey.server.testing.WizardClient;
import io.latchkey.server.testing.WizardClient.EnrolledUser;
import io.latchkey.server.testing.WizardClient.Page;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Changing passwords through the real server (issue 14): a user on the account page (the current
 * password and a recent factor), an administrator through the admin API (the user must then choose
 * their own at the next sign-in, in the browser or at an API sign-in), the NIST SP 800-63B rules,
 * and what every change does: other sessions and tokens end, a notice, an audit record, and a
 * diagnosis for every refusal's correlation ID.
 */
class PasswordLifecycleIT extends ServerIT {
  private static final String NEW = "a quiet lake at dawn";

  @Test
  void aUserChangesTheirPasswordOnTheAccountPageAndEveryOtherSessionAndTokenEnds() {
    EnrolledUser user = enrolled("pat");
    WizardClient here = signedIn(user, user.password());
    WizardClient elsewhere = signedIn(user, user.password());
    String token = userToken(user, user.password());
    assertThat(here.get("/account").body()).contains("id=\"change-password-link\"");
    Page form = here.get("/account/password");
    assertThat(form.status()).isEqualTo(200);
    assertThat(form.body()).contains("id=\"current\"").doesNotContain("password-required");

    Page changed =
        here.post(
            "/account/password",
            Map.of("current", user.password(), "password", NEW, "confirm", NEW));

    assertThat(changed.redirectPath()).isEqualTo("/account?done=password");
    Page account = here.get("/account?done=password");
    assertThat(account.status()).as("the session that changed it stays signed in").isEqualTo(200);
    assertThat(account.textOf("notice").orElseThrow()).contains("password was changed");
    assertThat(elsewhere.get("/account").redirectPath())
        .as("another browser is signed out")
        .startsWith("/login");
    assertThat(signOut(token).status()).as("the API token of before is refused").isEqualTo(401);
    assertThat(new WizardClient(baseUrl()).signIn(user.username(), user.password()).status())
        .isEqualTo(401);
    assertThat(signedIn(user, NEW).get("/account").status()).isEqualTo(200);
    JsonNode notice = notices(user.username()).path(0);
    assertThat(notice.path("kind").asString()).isEqualTo("password_changed");
    assertThat(notice.path("facts").path("by").asString()).isEqualTo(user.username());
    JsonNode audit = audit(user.username(), "password.changed").path(0);
    assertThat(audit.path("actor").asString()).isEqualTo(user.username());
    assertThat(audit.path("detail").asString()).contains("signed-in session").doesNotContain(NEW);
    JsonNode finding = diagnose(notice.path("correlationId").asString()).path("findings").path(0);
    assertThat(finding.path("code").asString()).isEqualTo("password_changed");
  }

  @Test
  void aFactorProvenLongerAgoThanTheStepUpWindowIsAskedForAgainBeforeAChange() {
    EnrolledUser user = enrolled("stale");
    WizardClient browser = signedIn(user, user.password());
    clock.advance(Duration.ofMinutes(11));

    Page shown = browser.get("/account/password");
    Page posted =
        browser.post(
            "/account/password",
            Map.of("current", user.password(), "password", NEW, "confirm", NEW));

    assertThat(shown.redirectPath()).isEqualTo("/login/verify?next=%2Faccount%2Fpassword");
    assertThat(posted.redirectPath()).isEqualTo("/login/verify?next=%2Faccount%2Fpassword");
    assertThat(new WizardClient(baseUrl()).signIn(user.username(), user.password()).isRedirect())
        .as("nothing changed")
        .isTrue();
    JsonNode refused = audit(user.username(), "access.refused").path(0);
    assertThat(refused.path("reason").asString()).isEqualTo("step_up_required");
    // Proving the factor again leads back to the password page, and the change goes through.
    clock.nextStep(30);
    browser.get("/login/verify?next=%2Faccount%2Fpassword");
    Page proven =
        browser.post(
            "/login/verify", Map.of("code", WizardClient.code(user.secret(), clock.instant())));
    assertThat(proven.redirectPath()).isEqualTo("/account/password");
    assertThat(
            browser
                .post(
                    "/account/password",
                    Map.of("current", user.password(), "password", NEW, "confirm", NEW))
                .redirectPath())
        .isEqualTo("/account?done=password");
  }

  @Test
  void newPasswordsFollowNistRulesAndEveryRefusalIsExplainedByItsCorrelationId() {
    EnrolledUser user = enrolled("rules");
    WizardClient browser = signedIn(user, user.password());
    Map<String, String> tries = new HashMap<>();
    tries.put("password_too_short", "seven c");
    tries.put("password_too_common", "Password123");
    tries.put("password_unchanged", user.password());
    tries.put("password_too_long", "x".repeat(257));

    for (Map.Entry<String, String> attempt : tries.entrySet()) {
      String typed = attempt.getValue();
      Page refused =
          browser.post(
              "/account/password",
              Map.of("current", user.password(), "password", typed, "confirm", typed));
      assertThat(refused.status()).as(attempt.getKey()).isEqualTo(422);
      assertThat(refused.textOf("error-code")).as(attempt.getKey()).hasValue(attempt.getKey());
      assertThat(refused.body()).as("never echoed").doesNotContain("value=\"" + typed);
      String correlationId = refused.textOf("correlation-id").orElseThrow();
      JsonNode finding = diagnose(correlationId).path("findings").path(0);
      assertThat(finding.path("code").asString()).isEqualTo("password_rejected");
      assertThat(finding.path("cause").asString()).doesNotContain(typed);
    }
    Page differ =
        browser.post(
            "/account/password",
            Map.of("current", user.password(), "password", NEW, "confirm", NEW + "!"));
    assertThat(differ.textOf("error-code")).hasValue("passwords_differ");
    Page wrong =
        browser.post(
            "/account/password",
            Map.of("current", "not my password", "password", NEW, "confirm", NEW));
    assertThat(wrong.status()).isEqualTo(403);
    assertThat(wrong.textOf("error-code")).hasValue("current_password_wrong");
    assertThat(diagnose(wrong.correlationId()).path("findings").path(0).path("remedy").asString())
        .contains("set-password");

    // No composition rule: lower-case letters only, 80 of them, are fine.
    String longLowercase =
        "the quick brown fox jumps over the lazy dog and keeps on running far away";
    assertThat(longLowercase.length()).isGreaterThan(64);
    Page accepted =
        browser.post(
            "/account/password",
            Map.of(
                "current", user.password(), "password", longLowercase, "confirm", longLowercase));
    assertThat(accepted.redirectPath()).isEqualTo("/account?done=password");
    assertThat(new WizardClient(baseUrl()).signIn(user.username(), longLowercase).isRedirect())
        .isTrue();
    // The admin API applies the same rules where it sets or creates a password.
    Response shortForAdmin = setPassword(user.username(), "short");
    assertThat(shortForAdmin.status()).isEqualTo(422);
    assertThat(shortForAdmin.errorCode()).isEqualTo("password_too_short");
    Response commonAtCreation =
        api.adminPost(
            "/api/v1/admin/users",
            Map.of("username", newUsername("weak"), "password", "iloveyou1"));
    assertThat(commonAtCreation.errorCode()).isEqualTo("password_too_common");
  }

  @Test
  void aPasswordSetByAnAdministratorMustBeChangedAtTheNextSignInBeforeAnyOtherPage() {
    EnrolledUser user = enrolled("reset");
    WizardClient before = signedIn(user, user.password());
    String token = userToken(user, user.password());

    Response set = setPassword(user.username(), "given on paper today");

    assertThat(set.status()).as(set.body()).isEqualTo(200);
    assertThat(set.json().path("passwordChangeRequired").asBoolean()).isTrue();
    assertThat(set.json().path("sessionsEnded").asInt()).isGreaterThanOrEqualTo(2);
    assertThat(before.get("/account").redirectPath()).startsWith("/login");
    assertThat(signOut(token).status()).isEqualTo(401);
    // An API sign-in is refused before the code is checked, until it carries the new password.
    clock.nextStep(30);
    String code = WizardClient.code(user.secret(), clock.instant());
    Response required = userSignIn(user.username(), "given on paper today", code, null);
    assertThat(required.status()).isEqualTo(403);
    assertThat(required.errorCode()).isEqualTo("password_change_required");
    assertThat(diagnose(required.correlationId()).path("findings").path(0).path("code").asString())
        .isEqualTo("password_change_required");

    // In the browser: the password and the factor, then every page leads to the password page.
    WizardClient browser = signedIn(user, "given on paper today");
    for (String page : List.of("/account", "/register", "/admin", "/account/backup-codes")) {
      assertThat(browser.get(page).redirectPath()).as(page).isIn("/account/password", null);
    }
    assertThat(browser.get("/account").redirectPath()).isEqualTo("/account/password");
    Page form = browser.get("/account/password");
    assertThat(form.body()).contains("id=\"password-required\"").doesNotContain("id=\"current\"");
    browser.changeRequiredPassword(NEW);
    assertThat(browser.get("/account").status()).isEqualTo(200);
    assertThat(userSignIn(user.username(), "given on paper today", code, null).status())
        .isEqualTo(401);
    JsonNode notices = notices(user.username());
    assertThat(notices.path(0).path("kind").asString()).isEqualTo("password_changed");
    assertThat(notices.path(1).path("kind").asString()).isEqualTo("password_set_by_admin");
    assertThat(notices.path(1).path("facts").path("by").asString()).isEqualTo("admin");
    assertThat(audit(user.username(), "password.set_by_admin").path(0).path("actor").asString())
        .isEqualTo("admin");
  }

  @Test
  void anApiSignInThatMustChangeThePasswordSetsTheNewOneWithTheFactor() {
    EnrolledUser user = enrolled("api");
    setPassword(user.username(), "given on paper today");
    clock.nextStep(30);
    String code = WizardClient.code(user.secret(), clock.instant());

    Response common = userSignIn(user.username(), "given on paper today", code, "password1");
    Response changed = userSignIn(user.username(), "given on paper today", code, NEW);

    assertThat(common.errorCode()).isEqualTo("password_too_common");
    assertThat(changed.status()).as(changed.body()).isEqualTo(201);
    clock.nextStep(30);
    Response again =
        userSignIn(user.username(), NEW, WizardClient.code(user.secret(), clock.instant()), null);
    assertThat(again.status()).as(again.body()).isEqualTo(201);
  }

  private EnrolledUser enrolled(String prefix) {
    return WizardClient.enrollNewUser(api, newUsername(prefix), clock.instant());
  }

  /** A browser signed in with {@code password} and a code of a fresh step. */
  private WizardClient signedIn(EnrolledUser user, String password) {
    clock.nextStep(30);
    WizardClient browser = new WizardClient(baseUrl());
    browser.signInOrFail(user.username(), password);
    browser.get("/login/verify");
    Page proven =
        browser.post(
            "/login/verify", Map.of("code", WizardClient.code(user.secret(), clock.instant())));
    assertThat(proven.isRedirect()).as(proven.status() + " " + proven.body()).isTrue();
    return browser;
  }

  private String userToken(EnrolledUser user, String password) {
    clock.nextStep(30);
    Response response =
        userSignIn(
            user.username(), password, WizardClient.code(user.secret(), clock.instant()), null);
    assertThat(response.status()).as(response.body()).isEqualTo(201);
    return response.json().path("token").asString();
  }

  private Response userSignIn(String username, String password, String code, String newPassword) {
    Map<String, String> body = new HashMap<>();
    body.put("username", username);
    body.put("password", password);
    body.put("code", code);
    if (newPassword != null) {
      body.put("newPassword", newPassword);
    }
    return api.send(
        api.request("/api/v1/user/sessions")
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    io.latchkey.server.testing.Api.JSON.writeValueAsString(body)))
            .build());
  }

  private Response signOut(String token) {
    return api.send(
        api.request("/api/v1/user/sessions/current")
            .header("Authorization", "Bearer " + token)
            .DELETE()
            .build());
  }

  private Response setPassword(String username, String password) {
    return api.send(
        api.asAdmin(api.request("/api/v1/admin/users/" + username + "/password"))
            .header("Content-Type", "application/json")
            .PUT(
                HttpRequest.BodyPublishers.ofString(
                    io.latchkey.server.testing.Api.JSON.writeValueAsString(
                        Map.of("password", password))))
            .build());
  }

  private JsonNode notices(String username) {
    Response response = api.adminGet("/api/v1/admin/users/" + username + "/notices");
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.json().path("notices");
  }

  private JsonNode audit(String username, String type) {
    Response response = api.adminGet("/api/v1/admin/audit?username=" + username + "&type=" + type);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.json().path("events");
  }

  private JsonNode diagnose(String correlationId) {
    Response response = api.adminGet("/api/v1/diagnostics/" + correlationId);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.json();
  }
}
