package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.Browser;
import io.latchkey.server.testing.Phone;
import io.latchkey.server.testing.ServerIT;
import io.latchkey.server.testing.WizardClient;
import io.latchkey.server.testing.WizardClient.Page;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * One-time registration links (issue 4): an administrator issues one, the user registers through it
 * without a password, once, before it expires; the link's session reaches nothing but the wizard
 * until an authenticator is registered.
 */
class RegistrationLinkIT extends ServerIT {

  @Test
  void aUserWithoutAPasswordRegistersThroughALinkInTheBrowserOnce() {
    String username = newUsername("newbie");
    assertThat(api.adminPost("/api/v1/admin/users", Map.of("username", username)).status())
        .isEqualTo(201);
    Response issued = issue(username, Map.of("expiresInMinutes", 120));
    assertThat(issued.status()).as(issued.body()).isEqualTo(201);
    String link = issued.json().path("url").asString();
    assertThat(link).startsWith(baseUrl() + "/enroll/lkr_");
    assertThat(issued.json().path("expiresAt").asString())
        .isEqualTo(clock.instant().plus(Duration.ofMinutes(120)).toString());

    // Fetching the link (a mail scanner, a preview) does not use it up.
    assertThat(new WizardClient(baseUrl()).get(path(link)).status()).isEqualTo(200);

    Phone phone = Phone.compliant(clock);
    WebDriver browser = Browser.open("en");
    try {
      browser.get(link);
      assertThat(browser.findElement(By.id("enroll")).getText()).contains(username);
      Browser.clickAndWait(browser, By.id("continue"));
      assertThat(browser.getCurrentUrl()).endsWith("/register");
      Browser.clickAndWait(browser, By.id("next"));
      String secret = browser.findElement(By.id("secret")).getText().replace(" ", "");
      phone.run("add", "otpauth://totp/Latchkey:" + username + "?secret=" + secret);
      browser.findElement(By.id("code")).sendKeys(phone.run("code", username).out().strip());
      Browser.clickAndWait(browser, By.id("verify"));
      assertThat(browser.getCurrentUrl()).endsWith("/register/done");
      browser.get(baseUrl() + "/account");
      assertThat(browser.getCurrentUrl()).endsWith("/account");

      // A second use gets a plain page with the envelope, not the wizard.
      browser.get(link);
      assertThat(browser.findElement(By.id("error-code")).getText()).isEqualTo("link_expired");
      assertThat(browser.findElement(By.id("error-message")).getText())
          .contains("Ask your administrator for a new one");
      String shown = browser.findElement(By.id("correlation-id")).getText();
      // The administrator looks the ID up and reads why, and what to do.
      Response diagnosis = api.adminGet("/api/v1/diagnostics/" + shown);
      assertThat(diagnosis.status()).as(diagnosis.body()).isEqualTo(200);
      assertThat(diagnosis.json().path("findings").get(0).path("code").asString())
          .isEqualTo("link_expired");
      assertThat(diagnosis.json().path("findings").get(0).path("cause").asString())
          .contains("already been used");
      assertThat(diagnosis.json().path("findings").get(0).path("remedy").asString())
          .contains("latchkey admin registration-link " + username);
    } finally {
      browser.quit();
    }
    String audit =
        api.adminGet("/api/v1/admin/audit?username=" + username).json().path("events").toString();
    assertThat(audit)
        .contains("registration_link.issued")
        .contains("registration_link.used")
        .contains("\"actor\":\"admin\"");
  }

  @Test
  void aLinkSessionReachesOnlyTheWizardAndALinkExpires() {
    String username = newUsername("linked");
    api.createUser(username, "correct horse battery");
    String link = issue(username, Map.of()).json().path("url").asString();
    WizardClient session = new WizardClient(baseUrl());
    session.get(path(link));
    Page redeemed = session.post(path(link), Map.of());
    assertThat(redeemed.redirectPath()).isEqualTo("/register");
    assertThat(session.get("/account").redirectPath()).isEqualTo("/register");
    assertThat(session.get("/register").status()).isEqualTo(200);
    WizardClient second = new WizardClient(baseUrl());
    second.get("/login"); // a CSRF token of its own, as a browser's open tab would have
    Page again = second.post(path(link), Map.of());
    assertThat(again.status()).isEqualTo(410);
    assertThat(again.textOf("error-code")).contains("link_expired");

    String shortLived =
        issue(username, Map.of("expiresInMinutes", 60)).json().path("url").asString();
    clock.advance(Duration.ofMinutes(61));
    Page expired = new WizardClient(baseUrl()).get(path(shortLived));
    assertThat(expired.status()).isEqualTo(410);
    assertThat(expired.textOf("error-code")).contains("link_expired");
  }

  @Test
  void badRequestsForALinkAreEnvelopes() {
    String username = newUsername("badlink");
    api.createUser(username, "correct horse battery");
    assertThat(issue(username, Map.of("expiresInMinutes", 0)).errorCode()).isEqualTo("bad_request");
    assertThat(issue(username, Map.of("expiresInMinutes", 10081)).errorCode())
        .isEqualTo("bad_request");
    assertThat(issue(username, Map.of("expiresInMinutes", "60")).errorCode())
        .isEqualTo("bad_request");
    assertThat(issue(username, Map.of("expiresInMinutes", 1.5)).errorCode())
        .isEqualTo("bad_request");
    assertThat(issue(username + "-nobody", Map.of()).errorCode()).isEqualTo("not_found");
    api.adminPost("/api/v1/admin/users/" + username + "/block", Map.of("reason", "test"));
    assertThat(issue(username, Map.of()).errorCode()).isEqualTo("user_blocked");
    Page forged = new WizardClient(baseUrl()).get("/enroll/lkr_" + "A".repeat(43));
    assertThat(forged.status()).isEqualTo(410);
    assertThat(new WizardClient(baseUrl()).get("/enroll/" + "%00".repeat(20)).status())
        .isBetween(400, 499);
  }

  private Response issue(String username, Map<String, ?> body) {
    return api.adminPost("/api/v1/admin/users/" + username + "/registration-link", body);
  }

  private static String path(String url) {
    return URI.create(url).getRawPath();
  }
}
