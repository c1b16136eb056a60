package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.testing.Phone;
import io.latchkey.server.testing.PolicyChanges;
import io.latchkey.server.testing.PushWizard;
import io.latchkey.server.testing.ServerIT;
import io.latchkey.server.testing.WizardClient;
import io.latchkey.server.testing.WizardClient.Page;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every way the push registration can fail is detected and named, on the page and in the app, with
 * the same correlation ID: a refused device posture, a refused network mismatch, a test request
 * nobody approved, an activation that never came.
 */
class PushRefusalsIT extends ServerIT {
  private static final Pattern CORRELATION_ID = Pattern.compile("[0-9A-Z]{5}(-[0-9A-Z]{5}){3}");
  private static final String PASSWORD = "correct horse battery";

  private String username;
  private PushWizard wizard;

  @BeforeEach
  void newUser() {
    username = newUsername("rita");
    api.createUser(username, PASSWORD);
    wizard = new PushWizard(new WizardClient(baseUrl()));
  }

  @AfterEach
  void resetPolicy() {
    PolicyChanges.restoreInitial(api);
  }

  @Test
  void aDeviceWithUnencryptedStorageIsRefusedNamingTheRuleOnThePageAndInTheApp() {
    PolicyChanges.set(api, Map.of("push.posture.storage-encrypted", "refuse"));
    String uri = wizard.start(username, PASSWORD);
    Phone phone =
        new Phone(
            clock, Map.of("LATCHKEY_POSTURE", "storage-encrypted=no,rooted=no,notifications=yes"));

    Phone.Run refused = phone.run("activate", uri);

    assertThat(refused.exit()).isNotZero();
    assertThat(refused.err())
        .contains("device_not_compliant")
        .contains("Your device does not meet your organization's security rules")
        .contains("Rule failed: the app's storage must be encrypted");
    String appId = correlationId(refused.err());

    Page page = wizard.page();
    assertThat(page.status()).isEqualTo(403);
    assertThat(page.textOf("error-code")).contains("device_not_compliant");
    assertThat(page.textOf("error-message").orElseThrow())
        .contains("Rule failed: the app's storage must be encrypted")
        .doesNotContain("root");
    assertThat(page.textOf("correlation-id")).contains(appId);

    JsonNode events = api.auditByCorrelationId(appId);
    assertThat(events.toString())
        .contains("push_registration.refused")
        .contains("storage must be encrypted")
        .contains("storage_encrypted=no");

    // Next: a new QR code; the refused one is dead. A compliant device then gets through.
    wizard.next();
    String fresh = wizard.activationUri();
    assertThat(fresh).isNotEqualTo(uri);
    Phone.Run oldCode = Phone.compliant(clock).run("activate", uri);
    assertThat(oldCode.exit()).isNotZero();
    assertThat(oldCode.err()).contains("invalid_code");
    Phone compliant = Phone.compliant(clock);
    Phone.Run activated = compliant.run("activate", fresh);
    assertThat(activated.exit()).as(activated.all()).isZero();
    assertThat(compliant.run("approve", "--number", wizard.number()).exit()).isZero();
    assertThat(wizard.page().redirectPath()).isEqualTo("/register/done");
  }

  @Test
  void aRootedDeviceIsOnlyWarnedAboutWhenTheRuleWarns() {
    PolicyChanges.set(api, Map.of("push.posture.not-rooted", "warn"));
    String uri = wizard.start(username, PASSWORD);
    Phone phone =
        new Phone(
            clock,
            Map.of("LATCHKEY_POSTURE", "storage-encrypted=yes,rooted=yes,notifications=yes"));

    Phone.Run activated = phone.run("activate", uri);

    assertThat(activated.exit()).as(activated.all()).isZero();
    assertThat(activated.all())
        .contains("Warning from the server: The app runs with administrator (root) rights.");
    assertThat(wizard.number()).matches("[0-9]{3}");
  }

  @Test
  void aBrowserAndPhoneOnDifferentNetworksAreRefusedWithASentenceAboutVpns() {
    PolicyChanges.set(api, Map.of("push.network.rule", "refuse"));
    wizard.client().comeFrom("198.51.100.7");
    String uri = wizard.start(username, PASSWORD);

    Phone.Run refused = Phone.compliant(clock).run("activate", uri);

    assertThat(refused.exit()).isNotZero();
    assertThat(refused.err()).contains("network_mismatch").contains("VPN");
    String appId = correlationId(refused.err());
    Page page = wizard.page();
    assertThat(page.status()).isEqualTo(403);
    assertThat(page.textOf("error-code")).contains("network_mismatch");
    assertThat(page.textOf("error-message").orElseThrow())
        .contains("different networks")
        .contains("VPN");
    assertThat(page.textOf("correlation-id")).contains(appId);
    assertThat(api.auditByCorrelationId(appId).toString())
        .contains("198.51.100.7")
        .contains("127.0.0.1");

    // Same network (the proxy no longer says otherwise): Next, and it goes through.
    wizard.client().comeFrom("127.0.0.1");
    wizard.next();
    Phone phone = Phone.compliant(clock);
    Phone.Run activated = phone.run("activate", wizard.activationUri());
    assertThat(activated.exit()).as(activated.all()).isZero();
  }

  @Test
  void aMismatchOnlyWarnsWhenTheNetworkRuleWarns() {
    PolicyChanges.set(api, Map.of("push.network.rule", "warn"));
    wizard.client().comeFrom("198.51.100.7");
    String uri = wizard.start(username, PASSWORD);

    Phone.Run activated = Phone.compliant(clock).run("activate", uri);

    assertThat(activated.exit()).as(activated.all()).isZero();
    assertThat(activated.all()).contains("different networks");
    assertThat(wizard.number()).matches("[0-9]{3}");
  }

  @Test
  void theTestStepTimesOutAndNextSendsTheTestAgain() throws Exception {
    String uri = wizard.start(username, PASSWORD);
    Phone phone = Phone.compliant(clock);
    assertThat(phone.run("activate", uri).exit()).isZero();
    String firstNumber = wizard.number();

    try (Phone.Listener listener = phone.listen()) {
      JsonNode first = listener.awaitChallenge();
      clock.advance(Duration.ofMinutes(5).plusSeconds(1));

      Page timedOut = wizard.page();
      assertThat(timedOut.status()).isEqualTo(410);
      assertThat(timedOut.textOf("error-code")).contains("enrollment_timed_out");
      assertThat(timedOut.textOf("error-message"))
          .contains("Authenticator registration timed out. Select Next to try again.");
      assertThat(timedOut.textOf("timeout-explain").orElseThrow())
          .contains("the test request was not approved in time");
      assertThat(timedOut.textOf("correlation-id").orElseThrow()).matches(CORRELATION_ID);

      // The old test request is dead.
      Phone.Run late =
          phone.run("approve", first.path("challengeId").asString(), "--number", firstNumber);
      assertThat(late.exit()).isNotZero();

      // Next sends a new test request to the same device, delivered to the open connection.
      wizard.next();
      String secondNumber = wizard.number();
      JsonNode second = listener.awaitChallenge();
      assertThat(second.path("challengeId").asString())
          .isNotEqualTo(first.path("challengeId").asString());
      Phone.Run approved =
          phone.run("approve", second.path("challengeId").asString(), "--number", secondNumber);
      assertThat(approved.exit()).as(approved.all()).isZero();
      assertThat(wizard.page().redirectPath()).isEqualTo("/register/done");
    }
  }

  @Test
  void anActivationThatNeverCameTimesOutAndNextIssuesANewCode() {
    String uri = wizard.start(username, PASSWORD);
    clock.advance(Duration.ofMinutes(5).plusSeconds(1));

    Page timedOut = wizard.page();
    assertThat(timedOut.status()).isEqualTo(410);
    assertThat(timedOut.textOf("timeout-explain").orElseThrow())
        .contains("Check that your phone is online");

    wizard.next();
    String fresh = wizard.activationUri();
    assertThat(fresh).isNotEqualTo(uri);
    Phone phone = Phone.compliant(clock);
    Phone.Run old = phone.run("activate", uri);
    assertThat(old.exit()).isNotZero();
    Phone.Run activated = phone.run("activate", fresh);
    assertThat(activated.exit()).as(activated.all()).isZero();
  }

  private static String correlationId(String text) {
    Matcher matcher = CORRELATION_ID.matcher(text);
    assertThat(matcher.find()).as("a correlation ID in: " + text).isTrue();
    return matcher.group();
  }
}
