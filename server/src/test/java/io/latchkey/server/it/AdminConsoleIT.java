package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.alert.Alert;
import io.latchkey.core.alert.AlertRepository;
import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.user.UserId;
import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.Browser;
import io.latchkey.server.testing.Envelopes;
import io.latchkey.server.testing.ServerIT;
import io.latchkey.server.testing.WizardClient;
import io.latchkey.server.testing.WizardClient.EnrolledUser;
import io.latchkey.server.testing.WizardClient.Page;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The admin console in headless Chromium, against the real server: an administrator (not the
 * bootstrap {@code admin}, so the audit's actor proves who acted) finds users who registered
 * through the wizard, blocks, unblocks, disables, enables and resets them, and diagnoses a
 * correlation ID a user was shown; every action is checked through the REST API, and its audit
 * record names the administrator. Also: 403 for everyone else, CSRF on every action (J1), CSV
 * import, inert rendering of user-supplied text (J2), and Japanese.
 */
class AdminConsoleIT extends ServerIT {
  private static final String PASSWORD = "operator's long passphrase";

  @TempDir Path work;
  @Autowired AlertRepository alerts;

  private String operator;
  private String operatorSecret;
  private WebDriver browser;

  @BeforeEach
  void anotherAdministrator() {
    operator = newUsername("ops");
    Response created =
        api.adminPost(
            "/api/v1/admin/users",
            Map.of("username", operator, "password", PASSWORD, "admin", true));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    // An administrator proves a second factor before any console page (issue 12): the operator
    // registers one first, as a new administrator with nothing to prove may.
    operatorSecret = new WizardClient(baseUrl()).register(operator, PASSWORD, clock.instant());
    clock.nextStep(30);
  }

  /** A raw-HTTP browser of the operator with the password and the factor proven just now. */
  private WizardClient operatorClient() {
    WizardClient admin = new WizardClient(baseUrl());
    admin.signInOrFail(operator, PASSWORD);
    admin.get("/login/verify");
    WizardClient.Page proven =
        admin.post(
            "/login/verify", Map.of("code", WizardClient.code(operatorSecret, clock.instant())));
    assertThat(proven.isRedirect()).as(proven.body()).isTrue();
    clock.nextStep(30);
    return admin;
  }

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @Test
  void anAdministratorFindsBlocksUnblocksDisablesEnablesResetsAndDiagnosesUsers() {
    EnrolledUser alice = WizardClient.enrollNewUser(api, newUsername("alice"), clock.instant());
    EnrolledUser bob = WizardClient.enrollNewUser(api, newUsername("bob"), clock.instant());
    String token = api.createApiKey("console-app-" + System.nanoTime());
    browser = signedInBrowser("en");

    // Find alice: the search lists her with her one method; her page says where it came from.
    findAndOpen(alice.username());
    assertThat(text("status")).isEqualTo("active");
    assertThat(browser.findElements(By.cssSelector("#methods .method-row"))).hasSize(1);
    assertThat(text(By.cssSelector("#methods .ip"))).isEqualTo("127.0.0.1");
    assertThat(text(By.cssSelector("#methods .agent"))).isEqualTo(WizardClient.USER_AGENT);
    assertThat(text(By.cssSelector("#user-events"))).contains("registration.completed");

    // Block with a reason: the page says by whom, why and since when; verification is refused.
    act("block", "phone stolen, ticket 7");
    assertThat(text("done")).contains("Blocked " + alice.username());
    assertThat(text("status")).isEqualTo("blocked");
    assertThat(text("status-by")).contains(operator);
    assertThat(text("status-reason")).isEqualTo("phone stolen, ticket 7");
    assertThat(text("status-since")).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
    clock.nextStep(30);
    Response refused =
        api.verify(token, alice.username(), WizardClient.code(alice.secret(), clock.instant()));
    assertThat(refused.errorCode()).isEqualTo("user_blocked");

    // Unblock: codes are accepted again.
    act("unblock", "found the phone");
    assertThat(text("status")).isEqualTo("active");
    clock.nextStep(30);
    Response accepted =
        api.verify(token, alice.username(), WizardClient.code(alice.secret(), clock.instant()));
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);

    // Disable, then enable: the page warns before and says after that MFA is off.
    act("disable", "left the company");
    assertThat(text("status")).isEqualTo("disabled");
    assertThat(text("enable-warning"))
        .isEqualTo(
            "Enabling removes every method of this user (1 now): MFA is off until they register"
                + " again.");
    act("enable", "rehired");
    assertThat(text("done"))
        .isEqualTo(
            "Enabled "
                + alice.username()
                + ". 1 method(s) were removed: MFA is off for "
                + alice.username()
                + " until they register again.");
    assertThat(text("status")).isEqualTo("active");
    assertThat(text("no-methods")).contains("MFA is off");
    assertThat(methodsOf(alice.username())).isEmpty();

    // Reset the MFA of another registered user (a lost phone).
    findAndOpen(bob.username());
    act("reset-mfa", "lost phone, ticket 9");
    assertThat(text("done")).contains("1 method(s) removed");
    assertThat(methodsOf(bob.username())).isEmpty();

    // A user whose registration timed out gives the admin the correlation ID they were shown.
    String shownId = timedOutRegistrationCorrelationId();
    browser.get(baseUrl() + "/admin");
    browser.findElement(By.id("lookup-id")).sendKeys(shownId.toLowerCase(java.util.Locale.ROOT));
    Browser.clickAndWait(browser, By.id("lookup-submit"));
    assertThat(browser.findElement(By.id("verdict")).getAttribute("data-verdict"))
        .isEqualTo("explained");
    WebElement finding = browser.findElement(By.id("finding-1"));
    assertThat(finding.getAttribute("data-code")).isEqualTo("deadline_passed_idle");
    assertThat(finding.findElement(By.cssSelector(".cause")).getText())
        .contains("no code was typed before the deadline");
    assertThat(finding.findElement(By.cssSelector(".remedy")).getText())
        .contains("select Next for a new QR code");
    assertThat(browser.findElement(By.cssSelector("#flows .flow")).getAttribute("data-kind"))
        .isEqualTo("registration");
    assertThat(text("timeline"))
        .contains("registration.started", "registration.timed_out", shownId);

    // Every action is in the audit log with the acting administrator.
    for (String type : List.of("user.blocked", "user.unblocked", "user.disabled", "user.enabled")) {
      assertThat(actorsOf(alice.username(), type)).as(type).containsExactly(operator);
    }
    assertThat(actorsOf(bob.username(), "user.mfa_reset")).containsExactly(operator);
    JsonNode lookups =
        api.adminGet("/api/v1/admin/audit?type=diagnosis.viewed").json().path("events");
    assertThat(lookups.toString()).contains(operator + " looked up " + shownId);
  }

  @Test
  void theDashboardShowsOpenAlertsAndAcknowledgingOneIsAudited() {
    String victim = newUsername("victim");
    api.createUser(victim, "correct horse battery");
    UserId victimId =
        new UserId(
            UUID.fromString(
                api.adminGet("/api/v1/admin/users/" + victim).json().path("id").asString()));
    Alert alert =
        new Alert(
            UUID.randomUUID(),
            clock.instant(),
            "push_fraud_reported",
            victimId,
            victim,
            victim + " reported a sign-in request from 198.51.100.7 as fraud",
            CorrelationId.random(new SecureRandom()),
            null);
    alerts.raise(alert);
    browser = signedInBrowser("en");

    WebElement row =
        browser.findElement(By.cssSelector("#alerts tr[data-kind='push_fraud_reported']"));
    assertThat(row.getText()).contains("reported as fraud", victim, alert.cause().value());
    Browser.clickAndWait(browser, By.id("acknowledge-" + alert.id()));

    assertThat(text("notice")).isEqualTo("Alert acknowledged.");
    assertThat(browser.findElements(By.id("acknowledge-" + alert.id()))).isEmpty();
    assertThat(actorsOf(victim, "alert.acknowledged")).containsExactly(operator);
    JsonNode listed = api.adminGet("/api/v1/admin/alerts?open=true").json().path("alerts");
    assertThat(listed.toString()).doesNotContain(alert.id().toString());
  }

  @Test
  void aUserWhoIsNotAnAdministratorGetsTheForbiddenPageEverywhereInTheConsole() {
    String plain = newUsername("plain");
    api.createUser(plain, "correct horse battery");
    String target = newUsername("target");
    api.createUser(target, "correct horse battery");
    WizardClient user = new WizardClient(baseUrl());
    user.signInOrFail(plain, "correct horse battery");
    user.get("/register"); // a page with a form: the session's CSRF token

    for (String path :
        List.of(
            "/admin",
            "/admin/users",
            "/admin/users/" + target,
            "/admin/audit",
            "/admin/audit/export?format=csv",
            "/admin/diagnose?id=7Q2MK-9TDW4-XH3BZ-R5N8C")) {
      Page page = user.get(path);
      assertThat(
              Envelopes.pageProblems(
                  page.status(),
                  page.correlationId(),
                  page.contentType(),
                  page.body(),
                  "forbidden"))
          .as(path)
          .isEmpty();
    }
    Page block = user.post("/admin/users/" + target + "/block", Map.of("reason", "me too"));
    assertThat(block.status()).isEqualTo(403);
    assertThat(block.textOf("error-code")).contains("forbidden");

    assertThat(api.adminGet("/api/v1/admin/users/" + target).json().path("status").asString())
        .isEqualTo("active");
    JsonNode denied =
        api.adminGet("/api/v1/admin/audit?type=request.rejected&username=" + plain)
            .json()
            .path("events");
    assertThat(denied.toString()).contains("POST /admin/users/" + target + "/block", "forbidden");
  }

  @Test
  void aCrossSitePostWithoutTheSessionsCsrfTokenChangesNothing() {
    String target = newUsername("csrf");
    api.createUser(target, "correct horse battery");
    WizardClient admin = operatorClient();
    assertThat(admin.get("/admin/users/" + target).status()).isEqualTo(200);
    String path = "/admin/users/" + target + "/block";

    List<HttpRequest> forged =
        List.of(
            crossSite(admin, path, "reason=forged"),
            crossSite(admin, path, "_csrf=garbage&reason=forged"),
            crossSite(admin, "/admin/users", "username=" + newUsername("forged")),
            crossSite(admin, "/admin/alerts/" + UUID.randomUUID() + "/acknowledge", ""),
            crossSiteUpload(admin, "username\r\n" + newUsername("forged") + "\r\n"));
    for (HttpRequest request : forged) {
      Page page = admin.send(request);
      assertThat(
              Envelopes.pageProblems(
                  page.status(),
                  page.correlationId(),
                  page.contentType(),
                  page.body(),
                  "session_lost"))
          .as(request.uri().toString())
          .isEmpty();
    }
    // GET never changes state: the action is a POST only.
    assertThat(admin.get(path + "?reason=forged").status()).isEqualTo(405);

    assertThat(api.adminGet("/api/v1/admin/users/" + target).json().path("status").asString())
        .isEqualTo("active");
    assertThat(api.adminGet("/api/v1/admin/audit?username=" + target).json().toString())
        .doesNotContain("user.blocked");
    // With the session's token the same request works: the refusals above were the CSRF check.
    admin.get("/admin/users/" + target);
    Page real = admin.post(path, Map.of("reason", "real"));
    assertThat(real.redirectPath()).isEqualTo("/admin/users/" + target);
  }

  @Test
  void csvImportThroughThePageAnswersEveryRowAndAMalformedFileCreatesNobody() throws Exception {
    String fresh = newUsername("imported");
    String existing = newUsername("existing");
    api.createUser(existing, "correct horse battery");
    Path good =
        csv(
            "good.csv",
            "username,display_name,admin",
            fresh + ",\"Imported, Person\",false",
            existing + ",Already There,false",
            "no spaces allowed,Refused,false");
    String never = newUsername("never");
    Path malformed = csv("bad.csv", "username,display_name", never + ",Fine", "\"unclosed,Broken");
    browser = signedInBrowser("en");
    browser.get(baseUrl() + "/admin/users");

    browser.findElement(By.id("import-file")).sendKeys(good.toString());
    Browser.clickAndWait(browser, By.id("import"));

    assertThat(text("import-summary")).isEqualTo("1 created, 1 already existed, 1 refused.");
    assertThat(text("import-no-password")).contains("no password", "one-time registration link");
    assertThat(outcome(2)).isEqualTo("created");
    assertThat(outcome(3)).isEqualTo("exists");
    assertThat(outcome(4)).isEqualTo("refused");
    assertThat(text(By.cssSelector("tr[data-line='4'] .reason")))
        .isEqualTo("Not a valid username.");
    JsonNode user = api.adminGet("/api/v1/admin/users/" + fresh).json();
    assertThat(user.path("displayName").asString()).isEqualTo("Imported, Person");
    assertThat(actorsOf(fresh, "user.created")).containsExactly(operator);

    browser.get(baseUrl() + "/admin/users");
    browser.findElement(By.id("import-file")).sendKeys(malformed.toString());
    Browser.clickAndWait(browser, By.id("import"));

    assertThat(text("error-code")).isEqualTo("bad_request");
    assertThat(text("error-message")).contains("no user was created");
    assertThat(text("error-detail")).contains("line 3: a quoted field is never closed");
    assertThat(api.adminGet("/api/v1/admin/users/" + never).status()).isEqualTo(404);
  }

  @Test
  void textUsersSuppliedRendersInertInTheConsole() {
    String markup = "<img src=x onerror=alert(1)>\"><svg onload=alert(2)>";
    // (A line break is refused in a display name since the fuzzing of issue 13; a bidi override
    // is not a control character and still has to render inert.)
    String displayName = markup + " \u202Eevil next line";
    String username = newUsername("inert");
    Response created =
        api.adminPost(
            "/api/v1/admin/users",
            Map.of(
                "username",
                username,
                "displayName",
                displayName,
                "password",
                "correct horse battery"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String agent = "<script>alert(3)</script>" + "A".repeat(10_000);
    WizardClient wizard = new WizardClient(baseUrl(), agent);
    wizard.register(username, "correct horse battery", clock.instant());
    String reason = markup + " \u202Ereversed\r\n" + "r".repeat(400);
    assertThat(
            api.adminPost("/api/v1/admin/users/" + username + "/block", Map.of("reason", reason))
                .status())
        .isEqualTo(200);
    browser = signedInBrowser("en");

    browser.get(baseUrl() + "/admin/users?q=" + username);
    WebElement listed = browser.findElement(By.cssSelector("#users tr.user bdi.text"));
    assertThat(textContent(listed)).isEqualTo(asParsed(displayName));
    assertInert();

    browser.get(baseUrl() + "/admin/users/" + username);
    WebElement shownName = browser.findElement(By.id("user-display-name"));
    assertThat(shownName.getTagName()).isEqualTo("bdi");
    assertThat(shownName.getCssValue("unicode-bidi")).isEqualTo("isolate");
    assertThat(textContent(shownName)).isEqualTo(asParsed(displayName));
    assertThat(textContent(browser.findElement(By.id("status-reason"))))
        .isEqualTo(asParsed(reason));
    assertThat(textContent(browser.findElement(By.cssSelector("#methods .agent"))))
        .startsWith("<script>alert(3)</script>AAAA");
    assertThat(text(By.cssSelector("#user-events"))).contains("<img src=x onerror=alert(1)>");
    assertInert();

    browser.get(baseUrl() + "/admin/audit?username=" + username);
    assertThat(text("audit-events")).contains("<img src=x onerror=alert(1)>");
    assertInert();

    // Lengths are capped: a 10,000-character reason is refused, and nothing changes.
    browser.get(baseUrl() + "/admin/users/" + username);
    act("unblock", "u".repeat(10_000), true);
    assertThat(text("error-code")).isEqualTo("bad_request");
    assertThat(text("error-detail")).contains("at most 500 characters");
    assertThat(text("status")).isEqualTo("blocked");
  }

  @Test
  void theConsoleSpeaksJapaneseByAcceptLanguage() {
    String username = newUsername("hanako");
    api.createUser(username, "correct horse battery");
    browser = signedInBrowser("ja");

    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("管理コンソール");
    assertThat(text("nav-users")).isEqualTo("ユーザー");
    findAndOpen(username);
    assertThat(text("status")).isEqualTo("有効");
    act("block", "テストのため");
    assertThat(text("done")).isEqualTo(username + " をブロックしました。管理者がブロックを解除するまで、このユーザーからは何も受け付けません。");
    assertThat(text("status")).isEqualTo("ブロック中");

    // The diagnosis of the block says cause and remedy in Japanese; the reason stays as typed.
    String blockId =
        api.adminGet("/api/v1/admin/audit?type=user.blocked&username=" + username)
            .json()
            .path("events")
            .path(0)
            .path("correlationId")
            .asString();
    browser.get(baseUrl() + "/admin/diagnose?id=" + blockId);
    WebElement finding = browser.findElement(By.id("finding-1"));
    assertThat(finding.getAttribute("data-code")).isEqualTo("user_blocked");
    assertThat(finding.findElement(By.cssSelector(".cause")).getText())
        .startsWith("ユーザー " + username + " は ")
        .contains(operator + " によりブロックされています")
        .contains("テストのため")
        .endsWith("管理者がブロックを解除するまで、サインイン、登録、コードはすべて拒否されます。");
    // An administrator's block: no invented failed attempts (issue 15).
    assertThat(finding.findElement(By.cssSelector(".remedy")).getText())
        .startsWith("このブロックは上記の理由による管理者の判断")
        .doesNotContain("失敗した試行")
        .contains("latchkey admin unblock " + username);

    browser.get(baseUrl() + "/admin/diagnose?id=not-an-id");
    assertThat(text("error-code")).isEqualTo("bad_request");
    assertThat(text("error-message")).isEqualTo("リクエストを理解できませんでした。入力内容を確認して、もう一度お試しください。");
    assertThat(text("diagnose-refused")).startsWith("相関 ID ではありません。");
    // The hint speaks to the administrator reading it, not "if you contact your administrator".
    assertThat(browser.findElement(By.cssSelector("#error .hint")).getText())
        .isEqualTo("上の相関 ID は、調べた ID や操作の対象ではなく、この要求自身のものです。");
    // An ID as read over the phone: lower case, groups separated by spaces (issue 15).
    browser.get(
        baseUrl()
            + "/admin/diagnose?id="
            + blockId.toLowerCase(java.util.Locale.ROOT).replace("-", "+"));
    assertThat(browser.findElement(By.id("finding-1")).getAttribute("data-code"))
        .isEqualTo("user_blocked");
    browser.get(baseUrl() + "/admin/diagnose?id=7Q2MK-9TDW4-XH3BZ-R5N8C");
    assertThat(text("error-code")).isEqualTo("not_found");
    assertThat(text("diagnose-refused")).startsWith("この相関 ID のイベントはありません。");
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void aUserWhoLostTheirPhoneIsResetAndGetsARegistrationLinkFromTheConsole() {
    EnrolledUser carol = WizardClient.enrollNewUser(api, newUsername("carol"), clock.instant());
    browser = signedInBrowser("en");
    findAndOpen(carol.username());
    act("reset-mfa", "lost phone, ticket 4711");
    assertThat(methodsOf(carol.username())).isEmpty();

    new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("link-hours")))
        .selectByValue("72");
    Browser.clickAndWait(browser, By.id("issue-link"));
    String link = text("issued-link");
    assertThat(link).startsWith(baseUrl() + "/enroll/lkr_");
    assertThat(text("issued-link-box"))
        .contains(clock.instant().plus(java.time.Duration.ofHours(72)).toString().substring(0, 10));
    assertThat(actorsOf(carol.username(), "registration_link.issued")).containsExactly(operator);

    // Carol registers again through the link, without her password.
    WizardClient carolsBrowser = new WizardClient(baseUrl());
    String path = java.net.URI.create(link).getRawPath();
    carolsBrowser.get(path);
    assertThat(carolsBrowser.post(path, Map.of()).redirectPath()).isEqualTo("/register");
    clock.nextStep(30);
    WizardClient.Pending pending = carolsBrowser.start();
    WizardClient.Page done =
        carolsBrowser.confirm(
            pending.enrollmentId(), WizardClient.code(pending.secret(), clock.instant()));
    assertThat(done.redirectPath()).isEqualTo("/register/done");
    assertThat(methodsOf(carol.username())).hasSize(1);
  }

  @Test
  void anAdministratorWhoRegisteredAMethodProvesItBeforeTheConsoleOpens() {
    String secret = operatorSecret;
    WizardClient admin = new WizardClient(baseUrl());
    assertThat(admin.get("/admin").redirectPath()).isEqualTo("/login");
    assertThat(admin.signIn(operator, PASSWORD).redirectPath()).isEqualTo("/login/verify");
    assertThat(admin.get("/admin").redirectPath()).isEqualTo("/login/verify");
    assertThat(admin.get("/admin/users").redirectPath()).isEqualTo("/login/verify");
    admin.get("/login/verify");
    WizardClient.Page proven =
        admin.post("/login/verify", Map.of("code", WizardClient.code(secret, clock.instant())));
    assertThat(proven.redirectPath()).as("back to the page asked for").isEqualTo("/admin");
    assertThat(admin.get("/admin/users").status()).isEqualTo(200);
  }

  /** Chromium signed in as the operator, on the dashboard (the page asked for before sign-in). */
  private WebDriver signedInBrowser(String language) {
    WebDriver driver = Browser.open(language);
    driver.get(baseUrl() + "/admin");
    assertThat(driver.getCurrentUrl()).endsWith("/login");
    driver.findElement(By.id("username")).sendKeys(operator);
    driver.findElement(By.id("password")).sendKeys(PASSWORD);
    Browser.clickAndWait(driver, By.id("sign-in"));
    // The password alone opens nothing of the console: the second factor comes first.
    assertThat(driver.getCurrentUrl()).endsWith("/login/verify");
    driver.findElement(By.id("code")).sendKeys(WizardClient.code(operatorSecret, clock.instant()));
    clock.nextStep(30);
    Browser.clickAndWait(driver, By.id("verify"));
    assertThat(driver.getCurrentUrl()).endsWith("/admin");
    return driver;
  }

  private void findAndOpen(String username) {
    browser.get(baseUrl() + "/admin/users");
    browser.findElement(By.id("q")).sendKeys(username.toUpperCase(java.util.Locale.ROOT));
    Browser.clickAndWait(browser, By.id("search"));
    WebElement row =
        browser.findElement(By.cssSelector("#users tr.user[data-username='" + username + "']"));
    Browser.clickAndWait(
        browser, By.cssSelector("tr[data-username='" + username + "'] a.username"));
    assertThat(browser.getCurrentUrl()).endsWith("/admin/users/" + username);
    assertThat(row).isNotNull();
  }

  private void act(String action, String reason) {
    act(action, reason, false);
  }

  /**
   * Fills in the action's reason and submits it; {@code force} bypasses the browser's maxlength.
   */
  private void act(String action, String reason, boolean force) {
    WebElement field = browser.findElement(By.id(action + "-reason"));
    if (force) {
      ((JavascriptExecutor) browser)
          .executeScript(
              "arguments[0].removeAttribute('maxlength'); arguments[0].value = arguments[1];",
              field,
              reason);
    } else {
      field.sendKeys(reason);
    }
    Browser.clickAndWait(browser, By.id(action));
  }

  private String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }

  private String text(By target) {
    return browser.findElement(target).getText();
  }

  /** The element's text as the document holds it (HTML parsing turns CR LF into LF). */
  private static String textContent(WebElement element) {
    return element.getAttribute("textContent");
  }

  private static String asParsed(String text) {
    return text.replace("\r\n", "\n");
  }

  private String outcome(int line) {
    return browser
        .findElement(By.cssSelector("tr[data-line='" + line + "']"))
        .getAttribute("data-outcome");
  }

  /** Nothing the users typed became markup or ran. */
  private void assertInert() {
    assertThat(browser.findElements(By.cssSelector("main img, main svg, main script"))).isEmpty();
    try {
      browser.switchTo().alert();
      throw new AssertionError("a script ran: an alert is open");
    } catch (NoAlertPresentException expected) {
      // nothing ran
    }
  }

  private JsonNode methodsOf(String username) {
    return api.adminGet("/api/v1/admin/users/" + username).json().path("methods");
  }

  /** The actors of the user's audit events of {@code type}. */
  private List<String> actorsOf(String username, String type) {
    JsonNode events =
        api.adminGet("/api/v1/admin/audit?username=" + username + "&type=" + type)
            .json()
            .path("events");
    List<String> actors = new java.util.ArrayList<>();
    events.forEach(e -> actors.add(e.path("actor").asString()));
    return actors;
  }

  /** A new user starts registering and walks away; the time-out page shows this ID. */
  private String timedOutRegistrationCorrelationId() {
    String username = newUsername("carol");
    api.createUser(username, "correct horse battery");
    WizardClient wizard = new WizardClient(baseUrl());
    wizard.signInOrFail(username, "correct horse battery");
    wizard.start();
    clock.advance(Duration.ofMinutes(5).plusSeconds(1));
    Page timedOut = wizard.get("/register/scan");
    assertThat(timedOut.textOf("error-code")).contains("enrollment_timed_out");
    return timedOut.textOf("correlation-id").orElseThrow();
  }

  private static HttpRequest crossSite(WizardClient browser, String path, String body) {
    return browser
        .request(path)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Origin", "https://evil.example")
        .header("Sec-Fetch-Site", "cross-site")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  /** A multipart upload of a CSV file to the import, without the session's CSRF token. */
  private static HttpRequest crossSiteUpload(WizardClient browser, String csv) {
    String body =
        "--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"u.csv\"\r\n"
            + "Content-Type: text/csv\r\n\r\n"
            + csv
            + "\r\n--b0undary--\r\n";
    return browser
        .request("/admin/users/import")
        .header("Content-Type", "multipart/form-data; boundary=b0undary")
        .header("Origin", "https://evil.example")
        .header("Sec-Fetch-Site", "cross-site")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private Path csv(String name, String... lines) throws Exception {
    Path file = work.resolve(name);
    Files.writeString(file, String.join("\r\n", lines) + "\r\n", StandardCharsets.UTF_8);
    return file;
  }
}
