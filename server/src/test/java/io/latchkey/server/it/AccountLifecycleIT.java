package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.Phone;
import io.latchkey.server.testing.PushWizard;
import io.latchkey.server.testing.ServerIT;
import io.latchkey.server.testing.WizardClient;
import io.latchkey.server.testing.WizardClient.EnrolledUser;
import io.latchkey.server.testing.WizardClient.Page;
import io.latchkey.server.testing.WizardClient.Pending;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Disable, enable and reset (PRODUCT 6): a disabled user is refused everywhere; enabling leaves
 * every method removed, so MFA is off until the user registers again; a reset removes the methods
 * at once; a registration begun before is dead afterwards; every action is audited with the admin.
 */
class AccountLifecycleIT extends ServerIT {
  private String token;

  @BeforeEach
  void apiKey() {
    token = api.createApiKey("lifecycle-" + System.nanoTime());
  }

  @Test
  void aDisabledUserIsRefusedAndEnablingLeavesNoMethod() {
    EnrolledUser user = WizardClient.enrollNewUser(api, newUsername("dora"), clock.instant());
    clock.nextStep(30);

    Response disabled = lifecycle(user.username(), "disable", "left the company");
    assertThat(disabled.status()).as(disabled.body()).isEqualTo(200);
    assertThat(disabled.json().path("status").asString()).isEqualTo("disabled");
    String code = WizardClient.code(user.secret(), clock.instant());
    assertThat(api.verify(token, user.username(), code).errorCode()).isEqualTo("user_disabled");
    WizardClient browser = new WizardClient(baseUrl());
    browser.signInOrFail(user.username(), user.password());
    // The password is right, so the refusal is specific; it comes at the second step.
    assertThat(browser.get("/register").redirectPath()).isEqualTo("/login/verify");
    assertThat(browser.get("/login/verify").textOf("error-code")).contains("user_disabled");
    assertThat(lifecycle(user.username(), "disable", "again").errorCode()).isEqualTo("conflict");

    Response enabled = lifecycle(user.username(), "enable", "came back");
    assertThat(enabled.status()).as(enabled.body()).isEqualTo(200);
    assertThat(enabled.json().path("status").asString()).isEqualTo("active");
    assertThat(enabled.json().path("methodsRemoved").asInt()).isEqualTo(1);
    assertThat(enabled.json().path("methods").size()).isZero();
    // MFA is off until the user registers again: the old secret is worthless...
    assertThat(api.verify(token, user.username(), code).errorCode()).isEqualTo("not_enrolled");
    // ...the browser signed in while disabled was signed out by the enable...
    assertThat(browser.get("/register").redirectPath()).isEqualTo("/login?expired");
    // ...and the password alone does not register the next authenticator (issue 12): the first
    // registration after an enable needs a registration link, and the page says so.
    browser.signInOrFail(user.username(), user.password());
    Page needsLink = browser.get("/register");
    assertThat(needsLink.status()).isEqualTo(403);
    assertThat(needsLink.textOf("error-code")).contains("registration_link_required");
    JsonNode finding =
        api.adminGet("/api/v1/diagnostics/" + needsLink.correlationId())
            .json()
            .path("findings")
            .path(0);
    assertThat(finding.path("code").asString()).isEqualTo("registration_link_required");
    String link =
        api.adminPost(
                "/api/v1/admin/users/" + user.username() + "/registration-link",
                Map.of("expiresInMinutes", 60))
            .json()
            .path("url")
            .asString();
    String token = link.substring(link.indexOf("/enroll/"));
    browser.get(token);
    assertThat(browser.post(token, Map.of()).redirectPath()).isEqualTo("/register");
    assertThat(browser.get("/register").status()).isEqualTo(200);
    Pending fresh = browser.start();
    assertThat(fresh.secret()).isNotEqualTo(user.secret());

    JsonNode events =
        api.adminGet("/api/v1/admin/audit?username=" + user.username()).json().path("events");
    assertThat(typeWithActor(events, "user.disabled")).isEqualTo("admin");
    assertThat(typeWithActor(events, "user.enabled")).isEqualTo("admin");
    assertThat(events.toString()).contains("1 method(s) removed");
  }

  @Test
  void aRegistrationBegunBeforeEnablingCannotComplete() {
    String username = newUsername("eve");
    api.createUser(username, "correct horse battery");
    WizardClient browser = new WizardClient(baseUrl());
    browser.signInOrFail(username, "correct horse battery");
    Pending pending = browser.start();

    lifecycle(username, "disable", "suspicious");
    lifecycle(username, "enable", "cleared");

    Page late =
        browser.confirm(
            pending.enrollmentId(), WizardClient.code(pending.secret(), clock.instant()));
    assertThat(late.redirectPath()).isNotEqualTo("/register/done");
    JsonNode user = api.adminGet("/api/v1/admin/users/" + username).json();
    assertThat(user.path("methods").size()).isZero();
  }

  @Test
  void resettingMfaRemovesAPushDeviceSoItCanNoLongerAnswer() {
    String username = newUsername("rex");
    Phone phone = Phone.compliant(clock);
    PushWizard.register(api, username, phone);
    JsonNode created = api.createChallenge(token, username);

    Response reset = lifecycle(username, "reset-mfa", "lost phone, ticket 12");

    assertThat(reset.status()).as(reset.body()).isEqualTo(200);
    assertThat(reset.json().path("methodsRemoved").asInt()).isEqualTo(1);
    assertThat(reset.json().path("methods").size()).isZero();
    Phone.Run late =
        phone.run(
            "approve",
            created.path("challengeId").asString(),
            "--number",
            created.path("number").asString());
    assertThat(late.exit()).isNotZero();
    Response none = api.appPost(token, "/api/v1/push/challenges", Map.of("username", username));
    assertThat(none.errorCode()).isEqualTo("not_enrolled");
    JsonNode events =
        api.adminGet("/api/v1/admin/audit?username=" + username + "&type=user.mfa_reset")
            .json()
            .path("events");
    assertThat(events.size()).isEqualTo(1);
    assertThat(events.path(0).path("actor").asString()).isEqualTo("admin");
    assertThat(events.path(0).path("detail").asString()).contains("lost phone, ticket 12");
  }

  @Test
  void whileBlockedEveryBrowserIsToldWhyAndTheUnblockSignsThemAllOut() {
    EnrolledUser user = WizardClient.enrollNewUser(api, newUsername("bree"), clock.instant());
    clock.nextStep(30);
    WizardClient laptop = signedInWithFactor(user);
    clock.nextStep(30);
    WizardClient phone = signedInWithFactor(user);
    String laptopCookie = laptop.sessionCookie().orElseThrow();

    Response blocked = lifecycle(user.username(), "block", "laptop stolen, ticket 31");
    assertThat(blocked.status()).as(blocked.body()).isEqualTo(200);
    // Blocked, not "session lost": the page says so, and its ID diagnoses as the block.
    Page refused = laptop.get("/account");
    assertThat(refused.status()).isEqualTo(423);
    assertThat(refused.textOf("error-code")).contains("user_blocked");
    assertThat(phone.get("/account").textOf("error-code")).contains("user_blocked");

    Response unblocked = lifecycle(user.username(), "unblock", "laptop found");
    assertThat(unblocked.status()).as(unblocked.body()).isEqualTo(200);
    assertThat(laptop.get("/account").location()).contains("/login");
    assertThat(phone.get("/account").location()).contains("/login");
    // Whoever kept the laptop's cookie gets nothing from it after the unblock either.
    WizardClient thief = new WizardClient(baseUrl());
    thief.useSessionCookie(laptopCookie);
    assertThat(thief.get("/account").location()).contains("/login");
    JsonNode unblock = null;
    for (JsonNode event : api.auditByCorrelationId(unblocked.correlationId())) {
      if (event.path("type").asString().equals("user.unblocked")) {
        unblock = event;
      }
    }
    assertThat(unblock).isNotNull();
    assertThat(unblock.path("actor").asString()).isEqualTo("admin");
    assertThat(unblock.path("detail").asString())
        .contains("laptop found")
        // The laptop, the phone, and the browser that registered the authenticator.
        .contains("3 signed-in sessions ended");
    // The user is told of the block and of the unblock, with who acted, never the admin's note.
    JsonNode notices = api.adminGet("/api/v1/admin/users/" + user.username() + "/notices").json();
    assertThat(notices.toString())
        .contains("\"account_blocked\"")
        .contains("\"account_unblocked\"")
        .contains(blocked.correlationId())
        .contains(unblocked.correlationId())
        .doesNotContain("ticket 31");
    clock.nextStep(30);
    assertThat(signedInWithFactor(user).get("/account").status())
        .as("a fresh sign-in works")
        .isEqualTo(200);
  }

  @Test
  void aDisabledUsersBrowserIsToldWhyAndTheEnableSignsItOut() {
    EnrolledUser user = WizardClient.enrollNewUser(api, newUsername("dani"), clock.instant());
    clock.nextStep(30);
    WizardClient browser = signedInWithFactor(user);

    Response disabled = lifecycle(user.username(), "disable", "contract ended");

    // The disable signs the browser out at once (issue 12); signing in again says why.
    assertThat(browser.get("/account").location()).contains("/login");
    browser.signInOrFail(user.username(), user.password());
    assertThat(browser.get("/login/verify").textOf("error-code")).contains("user_disabled");
    lifecycle(user.username(), "enable", "contract renewed");
    assertThat(browser.get("/account").location()).contains("/login");
    assertThat(api.adminGet("/api/v1/admin/users/" + user.username() + "/notices").body())
        .contains("\"account_disabled\"")
        .contains("\"account_enabled\"")
        .contains(disabled.correlationId())
        .doesNotContain("contract ended")
        .doesNotContain("contract renewed");
  }

  private WizardClient signedInWithFactor(EnrolledUser user) {
    WizardClient browser = new WizardClient(baseUrl());
    browser.signInOrFail(user.username(), user.password());
    Page verified =
        browser.post(
            "/login/verify", Map.of("code", WizardClient.code(user.secret(), clock.instant())));
    assertThat(verified.redirectPath()).isEqualTo("/account");
    assertThat(browser.get("/account").status()).isEqualTo(200);
    return browser;
  }

  private Response lifecycle(String username, String action, String reason) {
    return api.adminPost(
        "/api/v1/admin/users/" + username + "/" + action, Map.of("reason", reason));
  }

  private static String typeWithActor(JsonNode events, String type) {
    for (JsonNode event : events) {
      if (event.path("type").asString().equals(type)) {
        return event.path("actor").asString();
      }
    }
    throw new AssertionError("no " + type + " in " + events);
  }
}
