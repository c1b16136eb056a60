package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.testing.Browser;
import io.latchkey.server.testing.Phone;
import io.latchkey.server.testing.PolicyChanges;
import io.latchkey.server.testing.ServerIT;
import io.latchkey.server.testing.WizardClient;
import io.latchkey.server.testing.WizardClient.Page;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import tools.jackson.databind.JsonNode;

/** The console's policies page in headless Chromium: read, change with a reason, see history. */
class PoliciesPageIT extends ServerIT {
  private static final String PASSWORD = "correct horse battery";

  @AfterEach
  void restorePolicy() {
    PolicyChanges.restoreInitial(api);
  }

  private String newAdmin() {
    String username = newUsername("policyadmin");
    var created =
        api.adminPost(
            "/api/v1/admin/users",
            Map.of("username", username, "password", PASSWORD, "admin", true));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return username;
  }

  /**
   * Signs in and registers an authenticator app (a user without one is sent to the wizard first),
   * which also proves the second factor for this session.
   */
  private void signIn(WebDriver browser, String username) {
    browser.get(baseUrl() + "/login");
    browser.findElement(By.id("username")).sendKeys(username);
    browser.findElement(By.id("password")).sendKeys(PASSWORD);
    Browser.clickAndWait(browser, By.id("sign-in"));
    Phone phone = Phone.compliant(clock);
    Browser.clickAndWait(browser, By.id("next"));
    assertThat(browser.getCurrentUrl()).endsWith("/register/scan");
    String secret = browser.findElement(By.id("secret")).getText().replace(" ", "");
    String uri = "otpauth://totp/Latchkey:" + username + "?secret=" + secret + "&issuer=Latchkey";
    Phone.Run added = phone.run("add", uri);
    assertThat(added.exit()).as(added.all()).isZero();
    browser.findElement(By.id("code")).sendKeys(phone.run("code", username).out().strip());
    Browser.clickAndWait(browser, By.id("verify"));
    assertThat(browser.getCurrentUrl()).endsWith("/register/done");
  }

  private static void type(WebDriver browser, String id, String value) {
    WebElement field = browser.findElement(By.id(id));
    field.clear();
    field.sendKeys(value);
  }

  @Test
  void anAdministratorChangesThePolicyWithAReasonAndSeesTheNewVersionInTheHistory() {
    String admin = newAdmin();
    long before = PolicyChanges.current(api).path("version").asLong();
    WebDriver browser = Browser.open("en");
    try {
      signIn(browser, admin);
      browser.get(baseUrl() + "/admin/policies");

      assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Policies");
      assertThat(browser.findElement(By.id("setting-lockout.threshold")).getAttribute("value"))
          .isEqualTo(
              PolicyChanges.current(api).path("settings").path("lockout.threshold").asString());
      assertThat(browser.findElement(By.id("policy-form")).getText())
          .contains("a whole number from 1 to 100");
      type(browser, "setting-lockout.threshold", "6");
      type(browser, "setting-push.posture.not-rooted", "refuse");
      type(browser, "reason", "rooted phones seen in the pilot");
      Browser.clickAndWait(browser, By.id("save"));

      assertThat(browser.findElement(By.id("saved")).getText())
          .isEqualTo("Saved as version " + (before + 1) + ".");
      WebElement newest = browser.findElement(By.id("version-" + (before + 1)));
      assertThat(newest.getText())
          .contains("Version " + (before + 1) + " by " + admin)
          .contains("Reason: rooted phones seen in the pilot")
          .contains("lockout.threshold: 10 → 6")
          .contains("push.posture.not-rooted: warn → refuse");
      assertThat(browser.findElement(By.id("history")).getText())
          .contains("Version 0: the initial policy from the configuration.");
      JsonNode current = PolicyChanges.current(api);
      assertThat(current.path("version").asLong()).isEqualTo(before + 1);
      assertThat(current.path("changedBy").asString()).isEqualTo(admin);
      assertThat(current.path("settings").path("push.posture.not-rooted").asString())
          .isEqualTo("refuse");

      // A value out of range: the error box names the key and its range; nothing is saved.
      type(browser, "setting-totp.drift-window", "11");
      type(browser, "reason", "too far");
      Browser.clickAndWait(browser, By.id("save"));
      assertThat(browser.findElement(By.id("error-code")).getText()).isEqualTo("bad_request");
      assertThat(browser.findElement(By.id("error-detail")).getText())
          .contains("'totp.drift-window' must be a whole number from 0 to 10");
      assertThat(browser.findElement(By.id("setting-totp.drift-window")).getAttribute("value"))
          .isEqualTo("11");
      assertThat(PolicyChanges.current(api).path("version").asLong()).isEqualTo(before + 1);
    } finally {
      browser.quit();
    }
  }

  @Test
  void aFormOpenedBeforeAnotherAdministratorsChangeIsRefusedAsAConflict() {
    String admin = newAdmin();
    WebDriver browser = Browser.open("en");
    try {
      signIn(browser, admin);
      browser.get(baseUrl() + "/admin/policies");
      PolicyChanges.set(api, Map.of("push.number-digits", 4)); // meanwhile, through the API

      type(browser, "setting-push.number-digits", "5");
      type(browser, "reason", "longer numbers");
      Browser.clickAndWait(browser, By.id("save"));

      assertThat(browser.findElement(By.id("error-code")).getText()).isEqualTo("conflict");
      assertThat(PolicyChanges.current(api).path("settings").path("push.number-digits").asInt())
          .isEqualTo(4);
    } finally {
      browser.quit();
    }
  }

  @Test
  void thePageIsInJapaneseForAJapaneseBrowser() {
    String admin = newAdmin();
    WebDriver browser = Browser.open("ja");
    try {
      signIn(browser, admin);
      browser.get(baseUrl() + "/admin/policies");

      assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("ポリシー");
      assertThat(browser.findElement(By.id("save")).getText()).isEqualTo("新しいバージョンとして保存");
      assertThat(browser.findElement(By.id("policy-form")).getText())
          .contains("ユーザーをブロックする、連続した誤ったコード");
    } finally {
      browser.quit();
    }
  }

  @Test
  void aUserWhoIsNotAnAdministratorIsRefused() {
    String username = newUsername("notadmin");
    api.createUser(username, PASSWORD);
    WizardClient client = new WizardClient(baseUrl());
    client.register(username, PASSWORD, clock.instant());

    Page page = client.get("/admin/policies");

    assertThat(page.status()).isEqualTo(403);
    assertThat(page.textOf("error-code")).contains("forbidden");
    assertThat(
            client
                .post("/admin/policies", Map.of("lockout.threshold", "1", "reason", "x"))
                .status())
        .isEqualTo(403);
    assertThat(PolicyChanges.current(api).path("settings").path("lockout.threshold").asInt())
        .isEqualTo(10);
  }
}
