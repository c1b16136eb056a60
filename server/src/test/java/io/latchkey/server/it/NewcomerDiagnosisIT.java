package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.config.RegistrationSweeper;
import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.Phone;
import io.latchkey.server.testing.PolicyChanges;
import io.latchkey.server.testing.PushWizard;
import io.latchkey.server.testing.ServerIT;
import io.latchkey.server.testing.WizardClient;
import io.latchkey.server.testing.WizardClient.Page;
import io.latchkey.server.testing.WizardClient.Pending;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Every correlation ID a user is shown diagnoses to its cause (issue 15, "what a newcomer met"):
 * time-outs found by the background sweep, a wrong push number, a code from the previous QR code, a
 * manual block, and IDs read over the phone.
 */
class NewcomerDiagnosisIT extends ServerIT {
  private static final String PASSWORD = "correct horse battery";

  @Autowired RegistrationSweeper sweeper;

  private String username;
  private WizardClient browser;

  @BeforeEach
  void user() {
    username = newUsername("newcomer");
    api.createUser(username, PASSWORD);
    browser = new WizardClient(baseUrl());
  }

  @AfterEach
  void resetPolicy() {
    PolicyChanges.restoreInitial(api);
  }

  /** Item 0 and 3: the sweep timed the code step out; the page's ID (and a reload's) explains. */
  @Test
  void aCodeStepTimedOutByTheSweepDiagnosesFromThePageAndAReload() {
    PolicyChanges.set(api, Map.of("registration.step-deadline", "5s"));
    browser.signInOrFail(username, PASSWORD);
    browser.start();
    clock.advance(Duration.ofSeconds(6));
    sweeper.sweep();
    assertThat(api.auditByCorrelationId(startedId()).toString()).contains("system:sweeper");

    Page timedOut = browser.get("/register/scan");
    assertThat(timedOut.textOf("error-code")).contains("enrollment_timed_out");
    JsonNode finding = firstFinding(timedOut.textOf("correlation-id").orElseThrow());
    assertThat(finding.path("code").asString()).isEqualTo("deadline_passed_idle");
    // The setting in force is the policy's, with its value (item 3).
    assertThat(finding.path("remedy").asString())
        .contains("registration.step-deadline")
        .contains("5s")
        .doesNotContain("latchkey.registration-step-deadline");
    assertThat(finding.path("evidence").toString()).contains("registration.timed_out");

    Page reloaded = browser.get("/register/scan");
    String again = reloaded.textOf("correlation-id").orElseThrow();
    assertThat(again).isNotEqualTo(timedOut.textOf("correlation-id").orElseThrow());
    assertThat(firstFinding(again).path("code").asString()).isEqualTo("deadline_passed_idle");
    JsonNode ja = diagnose(again, "ja").path("findings").path(0);
    assertThat(ja.path("remedy").asString()).contains("registration.step-deadline").contains("5s");
  }

  /** Item 0 on the push path: the sweep timed the activation out. */
  @Test
  void aPushStepTimedOutByTheSweepDiagnosesFromThePageAndAReload() {
    PolicyChanges.set(api, Map.of("registration.step-deadline", "5s"));
    PushWizard wizard = new PushWizard(browser);
    wizard.start(username, PASSWORD);
    clock.advance(Duration.ofSeconds(6));
    sweeper.sweep();

    for (int view = 0; view < 2; view++) {
      Page timedOut = wizard.page();
      assertThat(timedOut.textOf("error-code")).contains("enrollment_timed_out");
      JsonNode finding = firstFinding(timedOut.textOf("correlation-id").orElseThrow());
      assertThat(finding.path("code").asString()).isEqualTo("device_never_reached_server");
    }
  }

  /** Item 1: a wrong number typed for the test request is a number mismatch everywhere. */
  @Test
  void aWrongNumberForTheTestRequestIsANumberMismatchEverywhere() {
    PushWizard wizard = new PushWizard(browser);
    String uri = wizard.start(username, PASSWORD);
    Phone phone = Phone.compliant(clock);
    assertThat(phone.run("activate", uri).exit()).isZero();
    String number = wizard.number();
    String wrong = (number.charAt(0) == '1' ? "2" : "1") + number.substring(1);

    // The test step's page does not claim the phone received the request: it was only sent.
    Page testStep = wizard.page();
    assertThat(testStep.textOf("test-intro").orElseThrow())
        .startsWith("A test sign-in request was sent to your phone.")
        .doesNotContain("has received");
    var japanese =
        browser.send(
            browser.request("/register/push").header("Accept-Language", "ja").GET().build());
    assertThat(japanese.textOf("test-intro").orElseThrow())
        .startsWith("スマートフォンにテスト用のサインイン要求を送りました。")
        .doesNotContain("届きました");

    Phone.Run approved = phone.run("approve", "--number", wrong);
    assertThat(approved.exit()).isNotZero();
    assertThat(approved.all()).contains("number_mismatch");

    Page page = wizard.page();
    assertThat(page.textOf("error-code")).contains("number_mismatch");
    assertThat(page.textOf("error-message").orElseThrow())
        .startsWith("The number typed in the app did not match the number this page showed")
        .doesNotContain("sign-in again");
    String id = page.textOf("correlation-id").orElseThrow();
    JsonNode refused = null;
    for (JsonNode event : api.auditByCorrelationId(id)) {
      if (event.path("type").asString().equals("push_registration.refused")) {
        refused = event;
      }
    }
    assertThat(refused).isNotNull();
    assertThat(refused.path("reason").asString()).isEqualTo("number_mismatch");

    JsonNode finding = firstFinding(id);
    assertThat(finding.path("code").asString()).isEqualTo("number_mismatch");
    assertThat(finding.path("cause").asString()).contains("number");
    assertThat(diagnose(id, "ja").path("findings").path(0).path("cause").asString()).contains("番号");
  }

  /** Item 2: a code from the erased secret, typed after Next, is named as such. */
  @Test
  void aCodeFromThePreviousQrCodeAfterNext() {
    browser.signInOrFail(username, PASSWORD);
    Pending first = browser.start();
    clock.advance(Duration.ofMinutes(5).plusSeconds(1));
    assertThat(browser.get("/register/scan").textOf("error-code")).contains("enrollment_timed_out");
    browser.post("/register/retry", Map.of());
    Pending second = browser.scan();
    assertThat(second.secret()).isNotEqualTo(first.secret());

    Page refused =
        browser.confirm(second.enrollmentId(), WizardClient.code(first.secret(), clock.instant()));
    assertThat(refused.textOf("error-code")).contains("invalid_code");

    String id = refused.textOf("correlation-id").orElseThrow();
    JsonNode finding = firstFinding(id);
    assertThat(finding.path("code").asString()).isEqualTo("code_from_previous_qr");
    assertThat(finding.path("cause").asString()).contains("previous QR code");
    assertThat(finding.path("remedy").asString()).contains("remove").contains("scan");
    JsonNode ja = diagnose(id, "ja").path("findings").path(0);
    assertThat(ja.path("cause").asString()).contains("前の QR コード");
  }

  /** Item 2: a plain API invalid_code is no longer "unexplained": what is known is said. */
  @Test
  void aWrongCodeThroughTheApiSaysWhatIsKnown() {
    String name = newUsername("apicode");
    var enrolled = WizardClient.enrollNewUser(api, name, clock.instant());
    String token = api.createApiKey("newcomer-" + name);
    clock.nextStep(30);
    String current = WizardClient.code(enrolled.secret(), clock.instant());
    String wrong = current.equals("000000") ? "000001" : "000000";
    Response refused = api.verify(token, name, wrong);
    assertThat(refused.errorCode()).isEqualTo("invalid_code");

    JsonNode finding = firstFinding(refused.correlationId());
    assertThat(finding.path("code").asString()).isEqualTo("wrong_code");
    assertThat(finding.path("cause").asString())
        .contains(name)
        .contains("totp")
        .contains("old entry")
        .doesNotContain(wrong)
        .doesNotContain(current);
    assertThat(finding.path("remedy").asString()).contains("newest");
    assertThat(
            diagnose(refused.correlationId(), "ja")
                .path("findings")
                .path(0)
                .path("cause")
                .asString())
        .contains("古いエントリー");
  }

  /** Item 4: an administrator's block names the reason once and no attempts that never were. */
  @Test
  void aManualBlockIsExplainedWithoutInventedAttempts() {
    api.adminPost(
        "/api/v1/admin/users/" + username + "/block", Map.of("reason", "laptop reported stolen"));
    browser.signInOrFail(username, PASSWORD);
    Page refused = browser.get("/register");
    JsonNode finding = firstFinding(refused.textOf("correlation-id").orElseThrow());
    assertThat(finding.path("code").asString()).isEqualTo("user_blocked");
    String cause = finding.path("cause").asString();
    assertThat(cause).contains("laptop reported stolen").doesNotContain("blocked by admin:");
    assertThat(cause).contains(" by admin: laptop reported stolen.");
    assertThat(finding.path("remedy").asString())
        .contains("unblock")
        .doesNotContain("failed attempts")
        .doesNotContain("reported request");
    assertThat(
            diagnose(refused.textOf("correlation-id").orElseThrow(), "ja")
                .path("findings")
                .path(0)
                .path("remedy")
                .asString())
        .doesNotContain("失敗した試行");
  }

  /** Item 11: an ID read over the phone (lower case, no dashes, spaces) is found. */
  @Test
  void aCorrelationIdAsReadOverThePhoneIsFound() {
    browser.signInOrFail(username, PASSWORD);
    browser.start();
    clock.advance(Duration.ofMinutes(5).plusSeconds(1));
    String id = browser.get("/register/scan").textOf("correlation-id").orElseThrow();
    String plain = id.replace("-", "").toLowerCase(java.util.Locale.ROOT);
    String spaced = id.replace("-", " ").toLowerCase(java.util.Locale.ROOT).replace(" ", "%20");

    for (String typed : new String[] {plain, spaced, id.toLowerCase(java.util.Locale.ROOT)}) {
      Response response = api.adminGet("/api/v1/diagnostics/" + typed);
      assertThat(response.status()).as(typed + ": " + response.body()).isEqualTo(200);
      assertThat(response.json().path("correlationId").asString()).isEqualTo(id);
    }
  }

  /** Item 0: the clock-skew cause is a sentence that says whether the phone is ahead or behind. */
  @Test
  void aClockSkewSaysWhetherThePhoneIsAheadOrBehind() {
    browser.signInOrFail(username, PASSWORD);
    Pending pending = browser.start();
    Page fast =
        browser.confirm(
            pending.enrollmentId(),
            WizardClient.code(pending.secret(), clock.instant().plus(Duration.ofMinutes(3))));
    JsonNode ahead = firstFinding(fast.textOf("correlation-id").orElseThrow());
    assertThat(ahead.path("code").asString()).isEqualTo("clock_skew");
    assertThat(ahead.path("cause").asString())
        .startsWith("The phone's clock is about 180 s (about 3 min) ahead of the server's");
    assertThat(
            diagnose(fast.textOf("correlation-id").orElseThrow(), "ja")
                .path("findings")
                .path(0)
                .path("cause")
                .asString())
        .contains("約 180 秒")
        .contains("進んでいます");

    Page slow =
        browser.confirm(
            pending.enrollmentId(),
            WizardClient.code(pending.secret(), clock.instant().minus(Duration.ofMinutes(2))));
    assertThat(firstFinding(slow.textOf("correlation-id").orElseThrow()).path("cause").asString())
        .startsWith("The phone's clock is about 120 s (about 2 min) behind the server's");
  }

  /** Item 0: "until the deadline {0}" names the deadline, not the whole event. */
  @Test
  void anUndeliveredTestRequestNamesItsDeadline() {
    PushWizard wizard = new PushWizard(browser);
    String uri = wizard.start(username, PASSWORD);
    assertThat(Phone.compliant(clock).run("activate", uri).exit()).isZero();
    wizard.number();
    clock.advance(Duration.ofMinutes(5).plusSeconds(1));
    Page timedOut = wizard.page();
    JsonNode finding = firstFinding(timedOut.textOf("correlation-id").orElseThrow());
    assertThat(finding.path("code").asString()).isEqualTo("test_request_not_delivered");
    assertThat(finding.path("cause").asString())
        .matches("(?s).* until the deadline \\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z\\.")
        .doesNotContain("attempt")
        .doesNotContain("was not approved");
  }

  /** Item 0: a network rule at warn shows the warning on the page and in the app, with an ID. */
  @Test
  void aNetworkWarningIsShownOnThePageAndInTheAppWithAnIdThatDiagnoses() {
    PolicyChanges.set(api, Map.of("push.network.rule", "warn"));
    browser.comeFrom("198.51.100.7");
    PushWizard wizard = new PushWizard(browser);
    String uri = wizard.start(username, PASSWORD);
    Phone.Run activated = Phone.compliant(clock).run("activate", uri);
    assertThat(activated.exit()).as(activated.all()).isZero();
    assertThat(activated.out())
        .contains("Warning from the server: Your phone and the browser came from different")
        .doesNotContain("Warning from the server: Warning");
    java.util.regex.Matcher appId =
        java.util.regex.Pattern.compile("Correlation ID of this warning: ([0-9A-Z-]{23})")
            .matcher(activated.out());
    assertThat(appId.find()).as(activated.out()).isTrue();

    Page testStep = wizard.page();
    assertThat(testStep.body()).contains("different networks");
    String pageId = testStep.textOf("warning-correlation-id").orElseThrow();
    assertThat(pageId).isEqualTo(appId.group(1));
    JsonNode finding = firstFinding(pageId);
    assertThat(finding.path("code").asString()).isEqualTo("network_mismatch");
    assertThat(finding.path("cause").asString()).contains("allowed with a warning");
  }

  /** Item 0: the posture remedy names the setting that refused the phone. */
  @Test
  void aPostureRefusalNamesTheRealSetting() {
    PolicyChanges.set(api, Map.of("push.posture.not-rooted", "refuse"));
    PushWizard wizard = new PushWizard(browser);
    String uri = wizard.start(username, PASSWORD);
    new Phone(
            clock, Map.of("LATCHKEY_POSTURE", "storage-encrypted=yes,rooted=yes,notifications=yes"))
        .run("activate", uri);
    Page refused = wizard.page();
    JsonNode finding = firstFinding(refused.textOf("correlation-id").orElseThrow());
    assertThat(finding.path("code").asString()).isEqualTo("device_not_compliant");
    assertThat(finding.path("remedy").asString())
        .contains("latchkey admin policy set push.posture.not-rooted=warn")
        .doesNotContain("RULE");
  }

  private String startedId() {
    for (JsonNode event :
        api.adminGet("/api/v1/admin/audit?type=registration.started&limit=1000")
            .json()
            .path("events")) {
      if (event.path("username").asString().equals(username)) {
        return event.path("correlationId").asString();
      }
    }
    throw new AssertionError("no registration.started for " + username);
  }

  private JsonNode firstFinding(String correlationId) {
    JsonNode diagnosis = diagnose(correlationId, "en");
    assertThat(diagnosis.path("verdict").asString())
        .as(diagnosis.toString())
        .isEqualTo("explained");
    return diagnosis.path("findings").path(0);
  }

  private JsonNode diagnose(String correlationId, String language) {
    Response response =
        api.send(
            api.asAdmin(api.request("/api/v1/diagnostics/" + correlationId))
                .header("Accept-Language", language)
                .GET()
                .build());
    assertThat(response.status()).as(correlationId + ": " + response.body()).isEqualTo(200);
    return response.json();
  }
}
