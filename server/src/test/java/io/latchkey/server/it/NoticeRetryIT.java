package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.MailIT;
import io.latchkey.server.testing.MailServer;
import io.latchkey.server.testing.WizardClient;
import io.latchkey.server.testing.WizardClient.Page;
import io.latchkey.server.testing.WizardClient.Pending;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The mail channel is down (SECURITY-TESTS I5): the notice is kept and retried with a growing wait,
 * marked failed and audited with the reason after the last attempt, and the security change it
 * reports stands; once the SMTP server is back, a failed notice is not sent late.
 */
class NoticeRetryIT extends MailIT {
  private static final String PASSWORD = "correct horse battery";

  @AfterEach
  void mailServerBack() {
    MailServer.ensureStarted();
  }

  @Test
  void withTheSmtpServerDownTheNoticeIsRetriedThenFailedAndTheRegistrationStands() {
    String username = newUsername("outage");
    String address = addressOf(username);
    createUser(api, username, address);
    MailServer.stop();

    WizardClient browser = new WizardClient(baseUrl());
    browser.signInOrFail(username, PASSWORD);
    Pending pending = browser.start();
    Page done =
        browser.confirm(
            pending.enrollmentId(), WizardClient.code(pending.secret(), clock.instant()));
    assertThat(done.redirectPath()).as(done.body()).isEqualTo("/register/done");

    // Attempt 1 fails at once; attempt 2 waits one minute (of the server's clock), attempt 3 two.
    JsonNode first =
        awaitNotice(
            username,
            "method_added",
            n -> n.path("attempts").asInt() == 1 && n.path("status").asString().equals("pending"));
    assertThat(first.path("lastError").asString()).contains("ConnectException");
    assertThat(first.path("nextAttemptAt").asString())
        .isEqualTo(clock.instant().plus(RETRY_DELAY).toString());
    assertThat(audited(done.correlationId(), "notice.failed")).isEmpty();

    clock.advance(RETRY_DELAY);
    JsonNode second =
        awaitNotice(
            username,
            "method_added",
            n -> n.path("attempts").asInt() == 2 && n.path("status").asString().equals("pending"));
    assertThat(second.path("nextAttemptAt").asString())
        .isEqualTo(clock.instant().plus(RETRY_DELAY.multipliedBy(2)).toString());

    clock.advance(RETRY_DELAY.multipliedBy(2));
    JsonNode failed = awaitNotice(username, "method_added", status("failed"));

    assertThat(failed.path("attempts").asInt()).isEqualTo(MAX_ATTEMPTS);
    assertThat(failed.path("lastError").asString()).contains("Connection refused");
    List<JsonNode> audit = audited(done.correlationId(), "notice.failed");
    assertThat(audit).hasSize(1);
    assertThat(audit.get(0).path("success").asBoolean()).isFalse();
    assertThat(audit.get(0).path("reason").asString()).isEqualTo("delivery_failed");
    assertThat(audit.get(0).path("detail").asString())
        .contains("3 attempt(s)")
        .contains("Connection refused")
        .contains(address);
    assertThat(audited(done.correlationId(), "notice.sent")).isEmpty();

    // The registration stands: the method is there and its codes are accepted.
    JsonNode user = api.adminGet("/api/v1/admin/users/" + username).json();
    assertThat(user.path("methods")).hasSize(1);
    clock.nextStep(30);
    String token = api.createApiKey("notice-outage-" + username);
    Response verified =
        api.verify(token, username, WizardClient.code(pending.secret(), clock.instant()));
    assertThat(verified.status()).as(verified.body()).isEqualTo(200);
    // And the page still tells the user, saying the mail did not go.
    assertThat(browser.get("/register/done").body())
        .contains("A sign-in method was added to your account")
        .contains("Could not be sent to you by email.");

    // The SMTP server is back: a later notice goes out, the failed one is not sent late.
    MailServer.ensureStarted();
    clock.advance(java.time.Duration.ofHours(1));
    Response reset =
        api.adminPost("/api/v1/admin/users/" + username + "/reset-mfa", Map.of("reason", "test"));
    assertThat(reset.status()).as(reset.body()).isEqualTo(200);
    awaitNotice(username, "mfa_reset", status("sent"));
    assertThat(MailServer.to(address))
        .singleElement()
        .satisfies(m -> assertThat(m.subject()).contains("reset your sign-in methods"));
    assertThat(notices(username))
        .filteredOn(n -> n.path("kind").asString().equals("method_added"))
        .singleElement()
        .satisfies(n -> assertThat(n.path("status").asString()).isEqualTo("failed"));
  }
}
