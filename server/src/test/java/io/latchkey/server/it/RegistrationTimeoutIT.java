package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.otp.OtpParameters;
import io.latchkey.core.otp.Secret;
import io.latchkey.core.otp.Totp;
import io.latchkey.server.testing.Browser;
import io.latchkey.server.testing.ServerIT;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import tools.jackson.databind.JsonNode;

/** Deadlines, Next, reloads, second tabs and lost sessions in the registration wizard. */
class RegistrationTimeoutIT extends ServerIT {
  private WebDriver browser;
  private String username;

  @BeforeEach
  void openBrowser() {
    username = newUsername("bob");
    api.createUser(username, "correct horse battery");
    browser = Browser.open("en");
  }

  @AfterEach
  void closeBrowser() {
    browser.quit();
  }

  @Test
  void nextIssuesAFreshSecretAndKillsTheOldOne() {
    signInAndStart();
    String oldSecret = shownSecret();

    clock.advance(Duration.ofMinutes(5).plusSeconds(1));
    Browser.reload(browser);

    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Registration timed out");
    assertThat(browser.findElement(By.id("error-message")).getText())
        .isEqualTo("Authenticator registration timed out. Select Next to try again.");
    assertThat(browser.findElement(By.id("error-code")).getText())
        .isEqualTo("enrollment_timed_out");
    String correlationId = browser.findElement(By.id("correlation-id")).getText();
    assertThat(correlationId).matches("[0-9A-Z]{5}(-[0-9A-Z]{5}){3}");
    Instant shownAt = Instant.parse(browser.findElement(By.id("error-timestamp")).getText());
    assertThat(shownAt)
        .isEqualTo(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    var copy = browser.findElement(By.id("copy-error"));
    copy.click();
    new org.openqa.selenium.support.ui.WebDriverWait(browser, Duration.ofSeconds(10))
        .until(
            org.openqa.selenium.support.ui.ExpectedConditions.attributeToBe(
                copy, "data-copied", "true"));
    assertThat(copy.getText()).isEqualTo("Copied");

    Browser.clickAndWait(browser, By.id("next"));
    assertThat(browser.getCurrentUrl()).endsWith("/register/scan");
    String newSecret = shownSecret();
    assertThat(newSecret).isNotEqualTo(oldSecret);

    // The old secret's current code is refused; the new one completes the registration.
    typeCode(codeFor(oldSecret, clock.instant()));
    assertThat(browser.findElement(By.id("error-code")).getText()).isEqualTo("invalid_code");
    typeCode(codeFor(newSecret, clock.instant()));
    assertThat(browser.getCurrentUrl()).endsWith("/register/done");

    // ...and the old secret never works afterwards, not even through the API.
    String token = api.createApiKey("timeout-app");
    clock.nextStep(30);
    var refused = api.verify(token, username, codeFor(oldSecret, clock.instant()));
    assertThat(refused.errorCode()).isEqualTo("invalid_code");

    // The correlation ID the user was shown leads the admin to the whole registration.
    JsonNode events = api.auditByCorrelationId(correlationId);
    List<String> types = new ArrayList<>();
    events.forEach(e -> types.add(e.path("type").asString()));
    assertThat(types)
        .containsSubsequence(
            "registration.started",
            "registration.timed_out",
            "registration.retried",
            "registration.code_rejected",
            "registration.completed");
    JsonNode timedOut = find(events, "registration.timed_out");
    assertThat(timedOut.path("correlationId").asString()).isEqualTo(correlationId);
    assertThat(timedOut.path("reason").asString()).isEqualTo("enrollment_timed_out");
    assertThat(timedOut.path("username").asString()).isEqualTo(username);
    assertThat(timedOut.path("ip").asString()).isEqualTo("127.0.0.1");
    assertThat(timedOut.path("userAgent").asString()).contains("Chrome");
    events.forEach(
        e -> assertThat(e.path("flowId").asString()).isEqualTo(timedOut.path("flowId").asString()));
    assertThat(events.toString()).doesNotContain(oldSecret).doesNotContain(newSecret);
  }

  @Test
  void aReloadOrASecondTabNeverCreatesASecondPendingRegistration() {
    signInAndStart();
    String first = shownSecret();
    Browser.reload(browser);
    assertThat(shownSecret()).isEqualTo(first);
    // A second tab goes through step 1 again and gets the same pending secret.
    browser.switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
    browser.get(baseUrl() + "/register");
    Browser.clickAndWait(browser, By.id("next"));
    assertThat(shownSecret()).isEqualTo(first);
  }

  @Test
  void aLostBrowserSessionGetsAClearErrorAndSigningInAgainStartsAfresh() {
    signInAndStart();
    String secret = shownSecret();
    browser.manage().deleteAllCookies();
    typeCode(codeFor(secret, clock.instant()));
    assertThat(browser.findElement(By.id("error-code")).getText()).isEqualTo("session_lost");
    assertThat(browser.findElement(By.id("error-message")).getText()).contains("private window");
    String correlationId = browser.findElement(By.id("correlation-id")).getText();
    assertThat(api.auditByCorrelationId(correlationId).toString()).contains("session.lost");

    // Signing in again is a new session: it gets a fresh secret and the QR code the lost session
    // showed stops working (a secret is shown to one session only: issue 12), so nothing
    // half-made is left over and the new code registers.
    browser.get(baseUrl() + "/login");
    signIn();
    Browser.clickAndWait(browser, By.id("next"));
    String fresh = shownSecret();
    assertThat(fresh).isNotEqualTo(secret);
    typeCode(codeFor(fresh, clock.instant()));
    assertThat(browser.getCurrentUrl()).endsWith("/register/done");
  }

  private void signInAndStart() {
    browser.get(baseUrl() + "/login");
    signIn();
    Browser.clickAndWait(browser, By.id("next"));
    assertThat(browser.getCurrentUrl()).endsWith("/register/scan");
  }

  private void signIn() {
    browser.findElement(By.id("username")).sendKeys(username);
    browser.findElement(By.id("password")).sendKeys("correct horse battery");
    Browser.clickAndWait(browser, By.id("sign-in"));
  }

  private String shownSecret() {
    return browser.findElement(By.id("secret")).getText().replace(" ", "");
  }

  private void typeCode(String code) {
    var field = browser.findElement(By.id("code"));
    field.clear();
    field.sendKeys(code);
    Browser.clickAndWait(browser, By.id("verify"));
  }

  private static String codeFor(String base32, Instant at) {
    return Totp.generate(Secret.fromBase32(base32), OtpParameters.TOTP_DEFAULT, at);
  }

  private static JsonNode find(JsonNode events, String type) {
    for (JsonNode e : events) {
      if (type.equals(e.path("type").asString())) {
        return e;
      }
    }
    throw new AssertionError("no " + type + " in " + events);
  }
}
