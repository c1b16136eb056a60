package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.Browser;
import io.latchkey.server.testing.PolicyChanges;
import io.latchkey.server.testing.ServerIT;
import io.latchkey.server.testing.UserApiClient;
import io.latchkey.server.testing.WizardClient;
import io.latchkey.server.testing.WizardClient.EnrolledUser;
import io.latchkey.server.testing.WizardClient.Page;
import io.latchkey.server.testing.WizardClient.Pending;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import tools.jackson.databind.JsonNode;

/**
 * Issue 12: the reproductions of "a password alone takes over an account", each now refused with
 * the right answer, audited under the correlation ID of the refusal, and diagnosed as the stage
 * that was missing. Raw HTTP where the attacker needs no browser, Chromium where they use one.
 */
class SecondFactorHoldsIT extends ServerIT {

  /**
   * Reproduction 1: mallory's own push registration in a browser, then alice's password in the same
   * browser. Before, the flow marker let alice's password-only session finish a push registration
   * as alice and then make backup codes.
   */
  @Test
  void anotherUsersPushFlowInTheSameBrowserDoesNotLetAPasswordRegisterAPhone() {
    EnrolledUser alice = WizardClient.enrollNewUser(api, newUsername("alice"), clock.instant());
    clock.nextStep(30);
    String mallory = newUsername("mallory");
    api.createUser(mallory, alice.password());

    WizardClient browser = new WizardClient(baseUrl());
    browser.signInOrFail(mallory, alice.password());
    browser.get("/register");
    assertThat(browser.post("/register/push/start", Map.of()).redirectPath())
        .isEqualTo("/register/push");
    assertThat(browser.get("/register/push").body()).contains("latchkey://activate");
    String malloryCookie = browser.sessionCookie().orElseThrow();

    assertThat(browser.signIn(alice.username(), alice.password()).redirectPath())
        .isEqualTo("/login/verify");
    // A sign-in is a brand-new session: nothing of mallory's survives in it.
    assertThat(browser.sessionCookie().orElseThrow()).isNotEqualTo(malloryCookie);
    assertThat(browser.get("/account").redirectPath()).isEqualTo("/login/verify");

    Page retry = browser.post("/register/push/retry", Map.of());
    assertThat(retry.redirectPath()).isEqualTo("/login/verify");
    assertRefusedAndDiagnosed(retry.correlationId(), alice.username(), "second_factor_required");
    for (String path : new String[] {"/register/push", "/register/push/status", "/register"}) {
      assertThat(browser.get(path).redirectPath()).as(path).isEqualTo("/login/verify");
    }
    assertThat(browser.post("/register/push/start", Map.of()).redirectPath())
        .isEqualTo("/login/verify");
    assertThat(browser.post("/account/backup-codes", Map.of()).redirectPath())
        .isEqualTo("/login/verify");
    // Alice still has her one authenticator and no backup codes; nothing was registered for her.
    JsonNode shown = api.adminGet("/api/v1/admin/users/" + alice.username()).json();
    assertThat(shown.path("methods").size()).as(shown.toString()).isEqualTo(1);
    assertThat(shown.toString()).doesNotContain("\"kind\":\"push\"");
  }

  /** The same through the TOTP wizard: a registration planted by another session is worthless. */
  @Test
  void aPlantedTotpRegistrationCannotBeConfirmedWithThePasswordAlone() {
    EnrolledUser alice = WizardClient.enrollNewUser(api, newUsername("alice"), clock.instant());
    clock.nextStep(30);
    String mallory = newUsername("mallory");
    api.createUser(mallory, alice.password());

    WizardClient browser = new WizardClient(baseUrl());
    browser.signInOrFail(mallory, alice.password());
    Pending planted = browser.start();
    browser.signInOrFail(alice.username(), alice.password());

    Page confirm =
        browser.confirm(
            planted.enrollmentId(), WizardClient.code(planted.secret(), clock.instant()));
    assertThat(confirm.redirectPath()).isEqualTo("/login/verify");
    assertRefusedAndDiagnosed(confirm.correlationId(), alice.username(), "second_factor_required");
    assertThat(browser.get("/register/scan").redirectPath()).isEqualTo("/login/verify");
    assertThat(browser.post("/register/start", Map.of()).redirectPath()).isEqualTo("/login/verify");
    assertThat(browser.post("/register/retry", Map.of()).redirectPath()).isEqualTo("/login/verify");
    assertThat(api.adminGet("/api/v1/admin/users/" + alice.username()).json().path("methods"))
        .hasSize(1);
    // Mallory's registration is still mallory's, untouched by alice's session.
    assertThat(api.adminGet("/api/v1/admin/users/" + mallory).json().path("methods")).isEmpty();
  }

  /** A registration link redeemed in a password-only browser opens the link's user only. */
  @Test
  void aLinkRedeemedInAPasswordOnlyBrowserCarriesNothingOfTheOtherUser() {
    EnrolledUser alice = WizardClient.enrollNewUser(api, newUsername("alice"), clock.instant());
    clock.nextStep(30);
    String newcomer = newUsername("newcomer");
    api.adminPost("/api/v1/admin/users", Map.of("username", newcomer));
    String url =
        api.adminPost(
                "/api/v1/admin/users/" + newcomer + "/registration-link",
                Map.of("expiresInMinutes", 60))
            .json()
            .path("url")
            .asString();
    String link = url.substring(url.indexOf("/enroll/"));

    WizardClient browser = new WizardClient(baseUrl());
    browser.signInOrFail(alice.username(), alice.password());
    browser.get(link);
    assertThat(browser.post(link, Map.of()).redirectPath()).isEqualTo("/register");
    Page wizard = browser.get("/register");
    assertThat(wizard.status()).isEqualTo(200);
    assertThat(wizard.body()).contains(newcomer).doesNotContain(alice.username());
    // The link's session registers and nothing else: not alice's account, not a factor step.
    assertThat(browser.get("/account").redirectPath()).isEqualTo("/register");
    assertThat(browser.get("/login/verify").redirectPath()).isEqualTo("/register");
  }

  /**
   * Reproduction 2: a factor proven longer ago than the step-up window opens neither a new
   * registration (start, retry, push start and retry) nor backup codes.
   */
  @Test
  void aFactorProvenLongAgoDoesNotAddAnAuthenticatorOrMakeBackupCodes() {
    EnrolledUser alice = WizardClient.enrollNewUser(api, newUsername("alice"), clock.instant());
    clock.nextStep(30);
    WizardClient browser = signedInWithFactor(alice);
    assertThat(browser.get("/register").status()).isEqualTo(200);
    Pending started = browser.start();
    clock.advance(Duration.ofMinutes(11));

    for (String path :
        new String[] {
          "/register/start",
          "/register/retry",
          "/register/push/start",
          "/register/push/retry",
          "/account/backup-codes",
          "/account/sessions/end-others"
        }) {
      Page refused = browser.post(path, Map.of());
      assertThat(refused.redirectPath()).as(path).startsWith("/login/verify?next=");
      assertThat(refused.redirectPath())
          .as(path)
          .isEqualTo(
              "/login/verify?next=" + (path.startsWith("/account") ? "%2Faccount" : "%2Fregister"));
    }
    Page confirm =
        browser.confirm(
            started.enrollmentId(), WizardClient.code(started.secret(), clock.instant()));
    assertThat(confirm.redirectPath()).startsWith("/login/verify?next=");
    assertRefusedAndDiagnosed(confirm.correlationId(), alice.username(), "step_up_required");
    assertThat(api.adminGet("/api/v1/admin/users/" + alice.username()).json().path("methods"))
        .hasSize(1);
    // Reading the account still works with the older factor; proving it again opens the change.
    assertThat(browser.get("/account").status()).isEqualTo(200);
    browser.get("/login/verify?next=/account");
    clock.nextStep(30);
    assertThat(
            browser
                .post(
                    "/login/verify",
                    Map.of("code", WizardClient.code(alice.secret(), clock.instant())))
                .redirectPath())
        .isEqualTo("/account");
    browser.get("/account");
    assertThat(browser.post("/account/backup-codes", Map.of()).status()).isEqualTo(200);
  }

  /**
   * Reproduction 3 in the browser: an administrator with a method who typed only the password
   * reaches no console page, and one without a method is sent to register one first.
   */
  @Test
  void theConsoleNeedsTheAdministratorsSecondFactor() {
    String fresh = newUsername("newadmin");
    api.adminPost(
        "/api/v1/admin/users",
        Map.of("username", fresh, "password", UserApiClient.PASSWORD, "admin", true));
    WizardClient noMethod = new WizardClient(baseUrl());
    noMethod.signInOrFail(fresh, UserApiClient.PASSWORD);
    for (String path : new String[] {"/admin", "/admin/users", "/admin/policies"}) {
      assertThat(noMethod.get(path).redirectPath()).as(path).isEqualTo("/register");
    }

    String operator = newUsername("operator");
    api.adminPost(
        "/api/v1/admin/users",
        Map.of("username", operator, "password", UserApiClient.PASSWORD, "admin", true));
    String secret =
        new WizardClient(baseUrl()).register(operator, UserApiClient.PASSWORD, clock.instant());
    clock.nextStep(30);
    WebDriver driver = Browser.open("en");
    try {
      driver.get(baseUrl() + "/login");
      driver.findElement(By.id("username")).sendKeys(operator);
      driver.findElement(By.id("password")).sendKeys(UserApiClient.PASSWORD);
      Browser.clickAndWait(driver, By.id("sign-in"));
      for (String path : new String[] {"/admin", "/admin/users/" + fresh, "/admin/audit"}) {
        driver.get(baseUrl() + path);
        assertThat(driver.getCurrentUrl()).as(path).endsWith("/login/verify");
        assertThat(driver.findElements(By.id("code"))).isNotEmpty();
      }
      driver.findElement(By.id("code")).sendKeys(WizardClient.code(secret, clock.instant()));
      Browser.clickAndWait(driver, By.id("verify"));
      driver.get(baseUrl() + "/admin/users/" + fresh);
      assertThat(driver.getPageSource()).contains(fresh);
    } finally {
      driver.quit();
    }

    // An administrator whose factor is older than the step-up window cannot issue a link or reset.
    WizardClient stale = new WizardClient(baseUrl());
    stale.signInOrFail(operator, UserApiClient.PASSWORD);
    stale.get("/login/verify");
    clock.nextStep(30);
    stale.post("/login/verify", Map.of("code", WizardClient.code(secret, clock.instant())));
    clock.advance(Duration.ofMinutes(11));
    stale.get("/admin/users/" + fresh);
    for (String action : new String[] {"registration-link", "reset-mfa", "enable", "unblock"}) {
      Page refused = stale.post("/admin/users/" + fresh + "/" + action, Map.of("reason", "x"));
      assertThat(refused.redirectPath())
          .as(action)
          .isEqualTo("/login/verify?next=%2Fadmin%2Fusers%2F" + fresh);
    }
    Page policy = stale.post("/admin/policies", Map.of("reason", "x"));
    assertThat(policy.redirectPath()).startsWith("/login/verify?next=");
    assertRefusedAndDiagnosed(policy.correlationId(), operator, "step_up_required");
  }

  /**
   * Reproduction 4: after reset-mfa every session and user token of the user ends, and the password
   * alone does not register the next authenticator unless the policy says so.
   */
  @Test
  void afterAResetNothingOfBeforeWorksAndThePasswordAloneDoesNotRegister() {
    EnrolledUser alice = WizardClient.enrollNewUser(api, newUsername("alice"), clock.instant());
    clock.nextStep(30);
    WizardClient before = signedInWithFactor(alice);
    clock.nextStep(30);
    UserApiClient userApi = new UserApiClient(api);
    String token =
        userApi.token(alice.username(), WizardClient.code(alice.secret(), clock.instant()));
    assertThat(userApi.getBackup(token).status()).isNotEqualTo(401);

    Response reset =
        api.adminPost(
            "/api/v1/admin/users/" + alice.username() + "/reset-mfa", Map.of("reason", "lost"));
    assertThat(reset.status()).as(reset.body()).isEqualTo(200);

    assertThat(before.get("/account").redirectPath()).startsWith("/login");
    assertThat(userApi.getBackup(token).status()).isEqualTo(401);

    WizardClient attacker = new WizardClient(baseUrl());
    attacker.signInOrFail(alice.username(), alice.password());
    Page refused = attacker.get("/register");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.textOf("error-code")).contains("registration_link_required");
    assertThat(refused.textOf("correlation-id")).contains(refused.correlationId());
    assertRefusedAndDiagnosed(
        refused.correlationId(), alice.username(), "registration_link_required");
    assertThat(attacker.post("/register/start", Map.of()).status()).isEqualTo(403);
    assertThat(attacker.post("/register/push/start", Map.of()).status()).isEqualTo(403);
    assertThat(attacker.post("/account/backup-codes", Map.of()).status()).isEqualTo(403);
    // The user API needs a factor too: the password alone gets nothing there.
    assertThat(userApi.signIn(alice.username(), alice.password(), "123456").status())
        .isIn(401, 409, 422);
    assertThat(api.adminGet("/api/v1/admin/users/" + alice.username()).json().path("methods"))
        .isEmpty();

    // An organization that prefers it may let the password alone register after a reset.
    PolicyChanges.set(api, Map.of("registration.password-after-reset", true));
    try {
      assertThat(attacker.get("/register").status()).isEqualTo(200);
    } finally {
      PolicyChanges.restoreInitial(api);
    }
    assertThat(attacker.get("/register").status()).isEqualTo(403);
  }

  /** Disabling signs the user out everywhere at once, as a reset does. */
  @Test
  void aDisableEndsEverySessionAndToken() {
    EnrolledUser bob = WizardClient.enrollNewUser(api, newUsername("bob"), clock.instant());
    clock.nextStep(30);
    WizardClient before = signedInWithFactor(bob);
    clock.nextStep(30);
    UserApiClient userApi = new UserApiClient(api);
    String token = userApi.token(bob.username(), WizardClient.code(bob.secret(), clock.instant()));
    assertThat(
            api.adminPost("/api/v1/admin/users/" + bob.username() + "/disable", Map.of()).status())
        .isEqualTo(200);
    assertThat(before.get("/account").redirectPath()).startsWith("/login");
    // The token still says why while the user is disabled, and opens nothing after the enable.
    assertThat(userApi.getBackup(token).errorCode()).isEqualTo("user_disabled");
    assertThat(
            api.adminPost("/api/v1/admin/users/" + bob.username() + "/enable", Map.of()).status())
        .isEqualTo(200);
    assertThat(userApi.getBackup(token).status()).isEqualTo(401);
    assertThat(before.get("/account").redirectPath()).startsWith("/login");
  }

  /**
   * Review finding: a secret shown to one browser session is never shown to another. Someone with a
   * new user's password starts a registration first; the user's own start gets a fresh secret, the
   * planted one stops working, and the planter cannot even see the user's.
   */
  @Test
  void aSecretPlantedBeforeTheFirstRegistrationIsReplacedForTheUser() {
    String carol = newUsername("carol");
    api.createUser(carol, UserApiClient.PASSWORD);
    WizardClient attacker = new WizardClient(baseUrl());
    attacker.signInOrFail(carol, UserApiClient.PASSWORD);
    Pending planted = attacker.start();

    WizardClient own = new WizardClient(baseUrl());
    own.signInOrFail(carol, UserApiClient.PASSWORD);
    Pending mine = own.start();
    assertThat(mine.secret()).isNotEqualTo(planted.secret());
    assertThat(attacker.get("/register/scan").redirectPath()).isEqualTo("/register");
    clock.nextStep(30);
    Page stolen =
        attacker.confirm(
            planted.enrollmentId(), WizardClient.code(planted.secret(), clock.instant()));
    assertThat(stolen.redirectPath()).isNotEqualTo("/register/done");
    // Carol's confirmation in her own session works, with her own secret.
    assertThat(
            own.confirm(mine.enrollmentId(), WizardClient.code(mine.secret(), clock.instant()))
                .redirectPath())
        .isEqualTo("/register/done");
    assertThat(api.adminGet("/api/v1/admin/users/" + carol).json().path("methods")).hasSize(1);
  }

  /**
   * Review finding: a push registration left open by someone with the password alone (while the
   * user had nothing to prove) ends when the user registers an authenticator of their own.
   */
  @Test
  void aPushRegistrationLeftOpenEndsWhenTheUserRegistersAnotherMethod() {
    String dora = newUsername("dora");
    api.createUser(dora, UserApiClient.PASSWORD);
    WizardClient attacker = new WizardClient(baseUrl());
    attacker.signInOrFail(dora, UserApiClient.PASSWORD);
    attacker.get("/register");
    attacker.post("/register/push/start", Map.of());
    assertThat(attacker.get("/register/push").body()).contains("latchkey://activate");

    new WizardClient(baseUrl()).register(dora, UserApiClient.PASSWORD, clock.instant());
    clock.nextStep(30);

    Page after = attacker.get("/register/push");
    assertThat(after.status()).isEqualTo(302);
    assertThat(after.body()).doesNotContain("latchkey://activate");
    assertThat(attacker.get("/account").redirectPath()).isEqualTo("/login/verify");
  }

  /**
   * Review finding: a stale session that once showed a push registration sees nothing of a newer
   * one the user starts in another browser.
   */
  @Test
  void aStaleSessionDoesNotSeeAPushRegistrationStartedElsewhere() {
    EnrolledUser erin = WizardClient.enrollNewUser(api, newUsername("erin"), clock.instant());
    clock.nextStep(30);
    WizardClient stale = signedInWithFactor(erin);
    stale.get("/register");
    stale.post("/register/push/start", Map.of());
    assertThat(stale.get("/register/push").body()).contains("latchkey://activate");
    clock.advance(Duration.ofMinutes(11));

    clock.nextStep(30);
    WizardClient fresh = signedInWithFactor(erin);
    fresh.get("/register");
    fresh.post("/register/push/start", Map.of());
    Page shown = fresh.get("/register/push");
    assertThat(shown.body()).contains("latchkey://activate");

    Page seen = stale.get("/register/push");
    assertThat(seen.status()).isEqualTo(302);
    assertThat(stale.get("/register/push/status").body()).doesNotContain("AWAITING");
  }

  /**
   * Review finding: a user who removed their last authenticator (and has no backup codes) is not
   * handed back to the password alone: the next registration needs a link, as after a reset.
   */
  @Test
  void removingTheLastFactorLeavesRegistrationToALink() {
    EnrolledUser fay = WizardClient.enrollNewUser(api, newUsername("fay"), clock.instant());
    clock.nextStep(30);
    WizardClient browser = signedInWithFactor(fay);
    String method =
        WizardClient.hiddenInput(browser.get("/account").body(), "method").orElseThrow();
    assertThat(browser.post("/account/methods/remove", Map.of("method", method)).redirectPath())
        .startsWith("/account");
    assertThat(api.adminGet("/api/v1/admin/users/" + fay.username()).json().path("methods"))
        .isEmpty();

    WizardClient attacker = new WizardClient(baseUrl());
    attacker.signInOrFail(fay.username(), fay.password());
    Page refused = attacker.get("/register");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.textOf("error-code")).contains("registration_link_required");
  }

  /**
   * The user's own registration, confirmed from another browser session of theirs: a conflict
   * (nothing registered, the first browser can still finish), and the correlation ID on the page
   * diagnoses it.
   */
  @Test
  void aConfirmationFromAnotherSessionOfTheSameUserIsAConflictThatDiagnoses() {
    String username = newUsername("elsewhere");
    api.createUser(username, "correct horse battery");
    WizardClient first = new WizardClient(baseUrl());
    first.signInOrFail(username, "correct horse battery");
    Pending pending = first.start();

    WizardClient second = new WizardClient(baseUrl());
    second.signInOrFail(username, "correct horse battery");
    second.get("/register");
    Page refused =
        second.confirm(
            pending.enrollmentId(), WizardClient.code(pending.secret(), clock.instant()));
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.textOf("error-code")).hasValue("conflict");
    assertThat(refused.textOf("correlation-id")).hasValue(refused.correlationId());
    assertRefusedAndDiagnosed(refused.correlationId(), username, "registration_other_session");

    clock.nextStep(30);
    Page done =
        first.confirm(pending.enrollmentId(), WizardClient.code(pending.secret(), clock.instant()));
    assertThat(done.redirectPath()).isEqualTo("/register/done");
  }

  private WizardClient signedInWithFactor(EnrolledUser user) {
    WizardClient browser = new WizardClient(baseUrl());
    browser.signInOrFail(user.username(), user.password());
    browser.get("/login/verify");
    Page verified =
        browser.post(
            "/login/verify", Map.of("code", WizardClient.code(user.secret(), clock.instant())));
    assertThat(verified.redirectPath()).isEqualTo("/account");
    return browser;
  }

  /** The refusal is in the audit log under its correlation ID, and diagnoses as {@code cause}. */
  private void assertRefusedAndDiagnosed(String correlationId, String username, String cause) {
    assertThat(correlationId).isNotBlank();
    Response diagnosis = api.adminGet("/api/v1/diagnostics/" + correlationId);
    assertThat(diagnosis.status()).as(diagnosis.body()).isEqualTo(200);
    JsonNode json = diagnosis.json();
    assertThat(json.path("timeline").toString())
        .as(json.toString())
        .contains("access.refused")
        .contains(username);
    assertThat(json.path("findings").path(0).path("code").asString())
        .as(json.toString())
        .isEqualTo(cause);
  }
}
