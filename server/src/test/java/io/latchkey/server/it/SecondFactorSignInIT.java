package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.testing.Phone;
import io.latchkey.server.testing.PushWizard;
import io.latchkey.server.testing.ServerIT;
import io.latchkey.server.testing.WizardClient;
import io.latchkey.server.testing.WizardClient.EnrolledUser;
import io.latchkey.server.testing.WizardClient.Page;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A browser sign-in has two stages (SECURITY-TESTS J3, B4, F4): the password opens only the second
 * factor step; the factor (a code, a backup code, or a push approved with the number) opens the
 * rest; each stage gets a new session ID, so a planted or stolen pre-MFA ID is worth nothing.
 */
class SecondFactorSignInIT extends ServerIT {
  private static final String PASSWORD = "correct horse battery";

  @Test
  void aPasswordAloneReachesOnlyTheSecondFactorStepAndEachStageHasANewSessionId() {
    EnrolledUser user = WizardClient.enrollNewUser(api, newUsername("stage"), clock.instant());
    clock.nextStep(30);
    WizardClient browser = new WizardClient(baseUrl());
    browser.get("/login");
    String planted = browser.sessionCookie().orElseThrow();

    Page signedIn = browser.signIn(user.username(), PASSWORD);
    assertThat(signedIn.redirectPath()).isEqualTo("/login/verify");
    String afterPassword = browser.sessionCookie().orElseThrow();
    assertThat(afterPassword).isNotEqualTo(planted);

    // Nothing but the second-factor step answers a session that has only the password.
    for (String path : new String[] {"/account", "/register", "/register/done", "/"}) {
      Page page = browser.get(path);
      assertThat(page.isRedirect()).as(path).isTrue();
      assertThat(page.location()).as(path).matches(".*/(login/verify|account)$");
    }
    assertThat(browser.post("/account/backup-codes", Map.of()).redirectPath())
        .isEqualTo("/login/verify");
    Page form = browser.get("/login/verify");
    assertThat(form.status()).isEqualTo(200);

    // A wrong code is refused in the envelope and counts toward the one shared lockout.
    Page wrong = browser.post("/login/verify", Map.of("code", "000000"));
    assertThat(wrong.status()).isEqualTo(422);
    assertThat(wrong.textOf("error-code")).contains("invalid_code");
    assertThat(wrong.textOf("correlation-id")).isPresent();
    assertThat(api.adminGet("/api/v1/admin/users/" + user.username()).json().toString())
        .contains("\"failedAttempts\":1");

    Page verified =
        browser.post(
            "/login/verify", Map.of("code", WizardClient.code(user.secret(), clock.instant())));
    assertThat(verified.redirectPath()).isEqualTo("/account");
    String afterFactor = browser.sessionCookie().orElseThrow();
    assertThat(afterFactor).isNotEqualTo(afterPassword);
    assertThat(browser.get("/account").status()).isEqualTo(200);
    assertThat(api.adminGet("/api/v1/admin/users/" + user.username()).json().toString())
        .contains("\"failedAttempts\":0");

    // The ID the session had before the factor no longer opens anything.
    WizardClient thief = new WizardClient(baseUrl());
    thief.useSessionCookie(afterPassword);
    assertThat(thief.get("/account").location()).contains("/login");
    // The code just used is spent for the applications too (one step, accepted once).
    String token = api.createApiKey("stage-app");
    assertThat(
            api.verify(token, user.username(), WizardClient.code(user.secret(), clock.instant()))
                .errorCode())
        .isEqualTo("code_reused");
    assertThat(api.auditByCorrelationId(verified.correlationId()).toString())
        .contains("sign_in.completed");
  }

  @Test
  void aPushSignInIsApprovedWithTheNumberAndOnlyTheSessionThatAskedCompletesIt() {
    String username = newUsername("pushin");
    Phone phone = Phone.compliant(clock);
    PushWizard.register(api, username, phone);

    WizardClient browser = new WizardClient(baseUrl());
    assertThat(browser.signIn(username, PASSWORD).redirectPath()).isEqualTo("/login/verify");
    assertThat(browser.get("/login/verify").body()).contains("send-push");
    assertThat(browser.post("/login/verify/push", Map.of()).redirectPath())
        .isEqualTo("/login/verify/push");
    Page waiting = browser.get("/login/verify/push");
    String number = waiting.textOf("number").orElseThrow();
    assertThat(number).matches("[0-9]{3}");

    // Another session of the same user cannot ride on this approval.
    WizardClient other = new WizardClient(baseUrl());
    other.signIn(username, PASSWORD);
    other.get("/login/verify");

    Phone.Run approved = phone.run("approve", "--number", number);
    assertThat(approved.exit()).as(approved.all()).isZero();

    assertThat(other.post("/login/verify/push/complete", Map.of()).redirectPath())
        .isEqualTo("/login/verify/push");
    assertThat(other.get("/account").redirectPath()).isEqualTo("/login/verify");
    assertThat(browser.get("/login/verify/push/status").body()).contains("APPROVED");
    Page approvedPage = browser.get("/login/verify/push");
    assertThat(approvedPage.body()).contains("complete-form");
    assertThat(browser.post("/login/verify/push/complete", Map.of()).redirectPath())
        .isEqualTo("/account");
    assertThat(browser.get("/account").status()).isEqualTo(200);

    // A wrong number ends the request and says so on the page.
    WizardClient third = new WizardClient(baseUrl());
    third.signIn(username, PASSWORD);
    third.get("/login/verify");
    third.post("/login/verify/push", Map.of());
    String shown = third.get("/login/verify/push").textOf("number").orElseThrow();
    String wrong = shown.equals("111") ? "222" : "111";
    assertThat(phone.run("approve", "--number", wrong).exit()).isNotZero();
    Page mismatch = third.get("/login/verify/push");
    assertThat(mismatch.status()).isEqualTo(422);
    assertThat(mismatch.textOf("error-code")).contains("number_mismatch");
    assertThat(third.get("/account").redirectPath()).isEqualTo("/login/verify");
  }

  @Test
  void signingOutEverywhereElseEndsTheOtherSessionsOnly() {
    EnrolledUser user = WizardClient.enrollNewUser(api, newUsername("elsewhere"), clock.instant());
    WizardClient laptop = signedInWithCode(user);
    WizardClient kiosk = signedInWithCode(user);
    assertThat(kiosk.get("/account").status()).isEqualTo(200);

    Page ended = laptop.post("/account/sessions/end-others", Map.of());

    assertThat(ended.redirectPath()).isEqualTo("/account?done=signedOut");
    assertThat(laptop.get("/account").status()).isEqualTo(200);
    assertThat(kiosk.get("/account").location()).contains("/login");
    assertThat(api.adminGet("/api/v1/admin/audit?username=" + user.username()).body())
        .as("the kiosk, and the browser that registered the user")
        .contains("2 other browser session(s) signed out");
  }

  private WizardClient signedInWithCode(EnrolledUser user) {
    clock.nextStep(30);
    WizardClient browser = new WizardClient(baseUrl());
    browser.signIn(user.username(), PASSWORD);
    browser.get("/login/verify");
    Page verified =
        browser.post(
            "/login/verify", Map.of("code", WizardClient.code(user.secret(), clock.instant())));
    assertThat(verified.redirectPath()).isEqualTo("/account");
    return browser;
  }
}
