package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.Phone;
import io.latchkey.server.testing.PolicyChanges;
import io.latchkey.server.testing.PushWizard;
import io.latchkey.server.testing.ServerIT;
import io.latchkey.server.testing.WizardClient;
import io.latchkey.server.testing.WizardClient.Page;
import io.latchkey.server.testing.WizardClient.Pending;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Diagnosis by correlation ID (PRODUCT 7): each situation is built for real through the server and
 * the app, the test takes the correlation ID the user was shown, and the diagnosis must name that
 * cause first, with evidence and a remedy.
 */
class DiagnosisIT extends ServerIT {
  private static final Pattern CORRELATION_ID = Pattern.compile("[0-9A-Z]{5}(-[0-9A-Z]{5}){3}");
  private static final String PASSWORD = "correct horse battery";

  private String username;
  private WizardClient browser;

  @BeforeEach
  void user() {
    username = newUsername("diag");
    api.createUser(username, PASSWORD);
    browser = new WizardClient(baseUrl());
  }

  @AfterEach
  void resetPolicy() {
    PolicyChanges.restoreInitial(api);
  }

  @Test
  void aBlockedUser() {
    api.adminPost(
        "/api/v1/admin/users/" + username + "/block", Map.of("reason", "laptop reported stolen"));
    browser.signInOrFail(username, PASSWORD);
    Page refused = browser.get("/register");
    assertThat(refused.textOf("error-code")).contains("user_blocked");

    JsonNode finding = firstFinding(refused.textOf("correlation-id").orElseThrow());

    assertThat(finding.path("code").asString()).isEqualTo("user_blocked");
    assertThat(finding.path("cause").asString())
        .contains(username)
        .contains("laptop reported stolen")
        .contains("admin");
    assertThat(finding.path("remedy").asString()).contains("unblock");
    assertThat(finding.path("evidence").toString()).contains("user.blocked");
  }

  @Test
  void browserAndPhoneOnDifferentNetworks() {
    PolicyChanges.set(api, Map.of("push.network.rule", "refuse"));
    browser.comeFrom("198.51.100.7");
    PushWizard wizard = new PushWizard(browser);
    String uri = wizard.start(username, PASSWORD);
    Phone.compliant(clock).run("activate", uri);
    Page page = wizard.page();

    JsonNode finding = firstFinding(page.textOf("correlation-id").orElseThrow());

    assertThat(finding.path("code").asString()).isEqualTo("network_mismatch");
    assertThat(finding.path("cause").asString())
        .contains("198.51.100.7")
        .contains("127.0.0.1")
        .contains("VPN");
    assertThat(finding.path("evidence").toString()).contains("push_registration.refused");

    // Asked in Japanese, the same verdict in Japanese, the addresses quoted as recorded.
    JsonNode ja = diagnose(page.textOf("correlation-id").orElseThrow(), "ja");
    assertThat(ja.path("language").asString()).isEqualTo("ja");
    JsonNode jaFinding = ja.path("findings").path(0);
    assertThat(jaFinding.path("code").asString()).isEqualTo("network_mismatch");
    assertThat(jaFinding.path("cause").asString())
        .startsWith("ブラウザーとスマートフォンが異なるネットワークから接続しており")
        .contains("198.51.100.7")
        .contains("127.0.0.1")
        .contains("VPN");
    assertThat(jaFinding.path("remedy").asString()).startsWith("両方を同じネットワークにつなぐ");
    assertThat(ja.path("summary").asString()).isEqualTo(jaFinding.path("cause").asString());
    assertThat(diagnose(page.textOf("correlation-id").orElseThrow()).path("language").asString())
        .isEqualTo("en");
  }

  @Test
  void aDeviceRefusedByPosture() {
    PolicyChanges.set(api, Map.of("push.posture.not-rooted", "refuse"));
    PushWizard wizard = new PushWizard(browser);
    String uri = wizard.start(username, PASSWORD);
    Phone.Run refused =
        new Phone(
                clock,
                Map.of("LATCHKEY_POSTURE", "storage-encrypted=yes,rooted=yes,notifications=yes"))
            .run("activate", uri);

    JsonNode finding = firstFinding(correlationId(refused.err()));

    assertThat(finding.path("code").asString()).isEqualTo("device_not_compliant");
    assertThat(finding.path("cause").asString()).contains("administrator (root) rights");
  }

  @Test
  void aSessionCookieDroppedBetweenSteps() {
    browser.signInOrFail(username, PASSWORD);
    Pending pending = browser.start();
    // The next step arrives without the session cookie (cleared, blocked, an extension...).
    Response lost =
        api.send(
            api.request("/register/confirm")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        WizardClient.formBody(
                            Map.of(
                                "_csrf", browser.csrf(),
                                "enrollment", pending.enrollmentId().toString(),
                                "code", "123456"))))
                .build());
    assertThat(lost.body()).contains("session_lost");

    JsonNode finding = firstFinding(lost.correlationId());

    assertThat(finding.path("code").asString()).isEqualTo("session_lost");
    assertThat(finding.path("remedy").asString()).contains("private window");
  }

  @Test
  void aPhoneThatIsNotListeningNeverGetsTheTestRequest() {
    PushWizard wizard = new PushWizard(browser);
    String uri = wizard.start(username, PASSWORD);
    assertThat(Phone.compliant(clock).run("activate", uri).exit()).isZero();
    wizard.number();
    clock.advance(Duration.ofMinutes(5).plusSeconds(1));
    Page timedOut = wizard.page();
    assertThat(timedOut.textOf("error-code")).contains("enrollment_timed_out");

    JsonNode finding = firstFinding(timedOut.textOf("correlation-id").orElseThrow());

    assertThat(finding.path("code").asString()).isEqualTo("test_request_not_delivered");
    assertThat(finding.path("remedy").asString()).contains("listen");
    assertThat(finding.path("evidence").toString()).contains("push_device.activated");
  }

  @Test
  void aListeningPhoneThatDoesNotApproveInTime() throws Exception {
    PushWizard wizard = new PushWizard(browser);
    String uri = wizard.start(username, PASSWORD);
    Phone phone = Phone.compliant(clock);
    assertThat(phone.run("activate", uri).exit()).isZero();
    try (Phone.Listener listener = phone.listen()) {
      listener.awaitChallenge();
      clock.advance(Duration.ofMinutes(5).plusSeconds(1));
      Page timedOut = wizard.page();

      JsonNode finding = firstFinding(timedOut.textOf("correlation-id").orElseThrow());

      assertThat(finding.path("code").asString()).isEqualTo("test_request_not_answered");
      assertThat(finding.path("evidence").toString()).contains("push_challenge.delivered");
    }
  }

  @Test
  void aPhoneWhoseClockIsThreeMinutesFast() {
    browser.signInOrFail(username, PASSWORD);
    Pending pending = browser.start();
    String fromAFastPhone =
        WizardClient.code(pending.secret(), clock.instant().plus(Duration.ofMinutes(3)));
    Page refused = browser.confirm(pending.enrollmentId(), fromAFastPhone);
    assertThat(refused.textOf("error-code")).contains("invalid_code");

    JsonNode finding = firstFinding(refused.textOf("correlation-id").orElseThrow());

    assertThat(finding.path("code").asString()).isEqualTo("clock_skew");
    assertThat(finding.path("cause").asString()).containsPattern("1[5-9][0-9] s|2[01][0-9] s");
    assertThat(finding.path("remedy").asString()).contains("automatic");
  }

  @Test
  void aDeadlinePassingWhileNothingHappened() {
    browser.signInOrFail(username, PASSWORD);
    browser.start();
    clock.advance(Duration.ofMinutes(5).plusSeconds(1));
    Page timedOut = browser.get("/register/scan");
    assertThat(timedOut.textOf("error-code")).contains("enrollment_timed_out");

    JsonNode finding = firstFinding(timedOut.textOf("correlation-id").orElseThrow());

    assertThat(finding.path("code").asString()).isEqualTo("deadline_passed_idle");
  }

  @Test
  void aPhoneThatNeverReachedTheServer() {
    new PushWizard(browser).start(username, PASSWORD);
    clock.advance(Duration.ofMinutes(5).plusSeconds(1));
    Page timedOut = new PushWizard(browser).page();

    JsonNode finding = firstFinding(timedOut.textOf("correlation-id").orElseThrow());

    assertThat(finding.path("code").asString()).isEqualTo("device_never_reached_server");
    assertThat(finding.path("remedy").asString()).contains("internet");
  }

  @Test
  void eventsNoRuleExplainsAreShownWithoutAGuess() {
    Response created = api.adminPost("/api/v1/admin/api-keys", Map.of("name", "diag-" + username));

    JsonNode diagnosis = diagnose(created.correlationId());

    assertThat(diagnosis.path("verdict").asString()).isEqualTo("unexplained");
    assertThat(diagnosis.path("findings").size()).isZero();
    assertThat(diagnosis.path("timeline").toString()).contains("api_key.created");
    assertThat(diagnosis.path("summary").asString())
        .isEqualTo("No rule explains these events; read the timeline below.");
    assertThat(diagnose(created.correlationId(), "ja").path("summary").asString())
        .isEqualTo("これらのイベントを説明できる規則はありません。下のタイムラインを確認してください。");
  }

  @Test
  void anUnknownOrMalformedIdIsAnEnvelopeNotAGuess() {
    assertThat(api.adminGet("/api/v1/diagnostics/AAAAA-AAAAA-AAAAA-AAAAA").errorCode())
        .isEqualTo("not_found");
    assertThat(api.adminGet("/api/v1/diagnostics/not-an-id").errorCode()).isEqualTo("bad_request");
  }

  private JsonNode firstFinding(String correlationId) {
    JsonNode diagnosis = diagnose(correlationId);
    assertThat(diagnosis.path("verdict").asString())
        .as(diagnosis.toString())
        .isEqualTo("explained");
    return diagnosis.path("findings").path(0);
  }

  private JsonNode diagnose(String correlationId) {
    assertThat(correlationId).matches(CORRELATION_ID);
    Response response = api.adminGet("/api/v1/diagnostics/" + correlationId);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.json();
  }

  private JsonNode diagnose(String correlationId, String language) {
    Response response =
        api.send(
            api.asAdmin(api.request("/api/v1/diagnostics/" + correlationId))
                .header("Accept-Language", language)
                .GET()
                .build());
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.json();
  }

  private static String correlationId(String text) {
    Matcher matcher = CORRELATION_ID.matcher(text);
    assertThat(matcher.find()).as(text).isTrue();
    return matcher.group();
  }
}
