package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.Browser;
import io.latchkey.server.testing.ServerIT;
import io.latchkey.server.testing.WizardClient;
import io.latchkey.server.testing.WizardClient.EnrolledUser;
import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * Changing a password in headless Chromium (issue 14): a user on their account page, and an
 * administrator whose password another administrator set, who is led to the password page after the
 * password and the factor and reaches the console once it is changed.
 */
class PasswordBrowserIT extends ServerIT {
  private static final String NEW = "seven swans a-swimming";

  @Test
  void aUserChangesTheirPasswordInTheBrowserAndTheirOtherBrowserIsSignedOut() {
    EnrolledUser user = WizardClient.enrollNewUser(api, newUsername("chrome"), clock.instant());
    WizardClient other = new WizardClient(baseUrl());
    other.signInOrFail(user.username(), user.password());
    WebDriver browser = Browser.open("en");
    try {
      signIn(browser, user, user.password());
      assertThat(browser.getCurrentUrl()).endsWith("/account");
      Browser.clickAndWait(browser, By.id("change-password-link"));
      browser.findElement(By.id("current")).sendKeys(user.password());
      browser.findElement(By.id("new-password")).sendKeys("iloveyou1");
      browser.findElement(By.id("confirm-password")).sendKeys("iloveyou1");
      Browser.clickAndWait(browser, By.id("change-password"));
      assertThat(browser.findElement(By.id("error-code")).getText())
          .isEqualTo("password_too_common");
      assertThat(browser.findElement(By.id("error-message")).getText()).contains("many people");

      browser.findElement(By.id("current")).sendKeys(user.password());
      browser.findElement(By.id("new-password")).sendKeys(NEW);
      browser.findElement(By.id("confirm-password")).sendKeys(NEW);
      Browser.clickAndWait(browser, By.id("change-password"));

      assertThat(browser.getCurrentUrl()).endsWith("/account?done=password");
      assertThat(browser.findElement(By.id("notice")).getText()).contains("password was changed");
      assertThat(browser.findElement(By.id("account")).getText())
          .contains("Your password was changed");
    } finally {
      browser.quit();
    }
    assertThat(other.get("/login/verify").redirectPath()).startsWith("/login");
    assertThat(new WizardClient(baseUrl()).signIn(user.username(), NEW).isRedirect()).isTrue();
  }

  @Test
  void anAdministratorWhosePasswordWasSetChoosesTheirOwnBeforeTheConsole() {
    String name = newUsername("chrome-admin");
    Response created =
        api.adminPost(
            "/api/v1/admin/users",
            Map.of("username", name, "password", "correct horse battery", "admin", true));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    EnrolledUser operator =
        new EnrolledUser(
            name,
            "correct horse battery",
            new WizardClient(baseUrl()).register(name, "correct horse battery", clock.instant()));
    Response promoted =
        api.send(
            api.asAdmin(api.request("/api/v1/admin/users/" + operator.username() + "/password"))
                .header("Content-Type", "application/json")
                .PUT(
                    HttpRequest.BodyPublishers.ofString(
                        io.latchkey.server.testing.Api.JSON.writeValueAsString(
                            Map.of("password", "from the help desk"))))
                .build());
    assertThat(promoted.status()).as(promoted.body()).isEqualTo(200);
    WebDriver browser = Browser.open("ja");
    try {
      signIn(browser, operator, "from the help desk");

      assertThat(browser.getCurrentUrl()).endsWith("/account/password");
      assertThat(browser.findElements(By.id("current"))).isEmpty();
      assertThat(browser.findElement(By.id("password-required")).getText()).contains("管理者");
      browser.get(baseUrl() + "/register");
      assertThat(browser.getCurrentUrl()).endsWith("/account/password");
      browser.findElement(By.id("new-password")).sendKeys(NEW);
      browser.findElement(By.id("confirm-password")).sendKeys(NEW);
      Browser.clickAndWait(browser, By.id("change-password"));

      assertThat(browser.getCurrentUrl()).endsWith("/account?done=password");
      assertThat(browser.findElement(By.id("notice")).getText()).contains("パスワードを変更しました");
      browser.get(baseUrl() + "/admin");
      assertThat(browser.getCurrentUrl()).endsWith("/admin");
      assertThat(browser.getPageSource()).contains(operator.username());
    } finally {
      browser.quit();
    }
  }

  private void signIn(WebDriver browser, EnrolledUser user, String password) {
    clock.nextStep(30);
    browser.get(baseUrl() + "/login");
    browser.findElement(By.id("username")).sendKeys(user.username());
    browser.findElement(By.id("password")).sendKeys(password);
    Browser.clickAndWait(browser, By.id("sign-in"));
    assertThat(browser.getCurrentUrl()).endsWith("/login/verify");
    browser.findElement(By.id("code")).sendKeys(WizardClient.code(user.secret(), clock.instant()));
    Browser.clickAndWait(browser, By.id("verify"));
  }
}
