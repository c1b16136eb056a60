package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.ServerIT;
import io.latchkey.server.testing.WizardClient;
import io.latchkey.server.testing.WizardClient.EnrolledUser;
import io.latchkey.server.testing.WizardClient.Page;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A browser session ends 12 hours after its sign-in ({@code latchkey.session.absolute-lifetime}),
 * however active it was (issue 14): the idle limit alone would let a session that is used every few
 * minutes, a taken-over one included, live for good.
 */
class SessionLifetimeIT extends ServerIT {

  @Test
  void anActiveSessionEndsTwelveHoursAfterItsSignIn() {
    EnrolledUser user = WizardClient.enrollNewUser(api, newUsername("lifetime"), clock.instant());
    WizardClient browser = signedInWithFactor(user);

    // Used every 20 minutes (well inside the idle limit) for 11 h 40 min: still signed in.
    for (int i = 0; i < 35; i++) {
      clock.advance(Duration.ofMinutes(20));
      assertThat(browser.get("/account").status()).as("after %d min", (i + 1) * 20).isEqualTo(200);
    }
    clock.advance(Duration.ofMinutes(19));
    assertThat(browser.get("/account").status()).as("11 h 59 min").isEqualTo(200);

    clock.advance(Duration.ofMinutes(1));
    Page ended = browser.get("/account");
    assertThat(ended.redirectPath()).isEqualTo("/login?expired");
    // The session is gone, not merely refused once: the next page is the anonymous sign-in.
    assertThat(browser.get("/account").redirectPath()).startsWith("/login");
    assertThat(browser.get("/login?expired").body()).contains("Your session expired");

    Response diagnosis = api.adminGet("/api/v1/diagnostics/" + ended.correlationId());
    assertThat(diagnosis.status()).as(diagnosis.body()).isEqualTo(200);
    JsonNode finding = diagnosis.json().path("findings").path(0);
    assertThat(finding.path("code").asString()).isEqualTo("session_lifetime_over");
    assertThat(finding.path("cause").asString()).contains(user.username()).contains("PT12H");

    // A new sign-in is a new session with a new lifetime.
    WizardClient again = signedInWithFactor(user);
    clock.advance(Duration.ofHours(11));
    assertThat(again.get("/account").status()).isEqualTo(200);
  }

  private WizardClient signedInWithFactor(EnrolledUser user) {
    WizardClient browser = new WizardClient(baseUrl());
    clock.nextStep(30);
    browser.signInOrFail(user.username(), user.password());
    browser.get("/login/verify");
    Page verified =
        browser.post(
            "/login/verify", Map.of("code", WizardClient.code(user.secret(), clock.instant())));
    assertThat(verified.redirectPath()).isEqualTo("/account");
    return browser;
  }
}
