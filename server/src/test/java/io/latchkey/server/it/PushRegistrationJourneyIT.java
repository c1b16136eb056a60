package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.testing.Browser;
import io.latchkey.server.testing.Peers;
import io.latchkey.server.testing.Phone;
import io.latchkey.server.testing.ServerIT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

/**
 * The push registration end to end, as PRODUCT 3 describes it: a browser in headless Chromium, the
 * real app as the phone. The page notices each step by itself; the number is typed, never sent.
 */
class PushRegistrationJourneyIT extends ServerIT {
  private static final Duration PAGE_WAIT = Duration.ofSeconds(15);

  @Test
  void pushRegistrationInTheBrowserThenASignInApprovedWithTheNumber() throws Exception {
    String username = newUsername("pia");
    api.createUser(username, "correct horse battery");
    Phone phone = Phone.compliant(clock);
    WebDriver browser = Browser.open("en");
    try {
      signIn(browser, username);
      Browser.clickAndWait(browser, By.id("push"));
      assertThat(browser.getCurrentUrl()).endsWith("/register/push");
      assertThat(browser.findElement(By.tagName("h1")).getText())
          .isEqualTo("Connect the Latchkey app");

      // What zbarimg reads from the page's QR code is the activation link shown as text.
      Path qr = savePng(browser.findElement(By.id("qr")).getAttribute("src"));
      String shownUri = browser.findElement(By.id("activation-uri")).getText();
      assertThat(Peers.zbarimg(qr)).isEqualTo(shownUri).startsWith("latchkey://activate?server=");

      Phone.Run activated = phone.run("activate", "--qr", qr.toString());
      assertThat(activated.exit()).as(activated.all()).isZero();
      assertThat(activated.out()).contains("listen");

      // The page moves on by itself to the test step and shows the number.
      WebDriverWait wait = new WebDriverWait(browser, PAGE_WAIT);
      String number =
          wait.until(ExpectedConditions.presenceOfElementLocated(By.id("number"))).getText();
      assertThat(number).matches("[0-9]{3}");
      assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Let's try it out");

      try (Phone.Listener listener = phone.listen()) {
        JsonNode test = listener.awaitChallenge();
        assertThat(test.path("purpose").asString()).isEqualTo("registration_test");
        assertThat(test.path("username").asString()).isEqualTo(username);
        assertThat(test.has("number")).as("the number never reaches the device").isFalse();
        assertThat(listener.lines()).noneMatch(line -> line.contains("\"" + number + "\""));

        Phone.Run approved =
            phone.run("approve", test.path("challengeId").asString(), "--number", number);
        assertThat(approved.exit()).as(approved.all()).isZero();
        wait.until(ExpectedConditions.urlContains("/register/done"));
        assertThat(browser.findElement(By.tagName("main")).getText())
            .contains("Push approval (Latchkey app)");

        // An application's sign-in: the device shows who asks and from where; the number is typed.
        String token = api.createApiKey("push-journey-" + username);
        JsonNode created = api.createChallenge(token, username);
        String signInNumber = created.path("number").asString();
        assertThat(signInNumber).matches("[0-9]{3}");
        JsonNode signIn = listener.awaitChallenge();
        assertThat(signIn.path("challengeId").asString())
            .isEqualTo(created.path("challengeId").asString());
        assertThat(signIn.path("purpose").asString()).isEqualTo("sign_in");
        assertThat(signIn.path("application").asString()).isEqualTo("Intranet");
        assertThat(signIn.path("ip").asString()).isEqualTo("203.0.113.9");
        assertThat(signIn.has("number")).isFalse();
        assertThat(api.challengeStatus(token, created.path("challengeId").asString(), 0))
            .isEqualTo("pending");

        Phone.Run ok =
            phone.run("approve", created.path("challengeId").asString(), "--number", signInNumber);
        assertThat(ok.exit()).as(ok.all()).isZero();
        assertThat(api.challengeStatus(token, created.path("challengeId").asString(), 5))
            .isEqualTo("approved");
      }
    } finally {
      browser.quit();
    }
  }

  @Test
  void thePushPathInJapanese() throws Exception {
    String username = newUsername("hana");
    api.createUser(username, "correct horse battery");
    Phone phone = Phone.compliant(clock);
    WebDriver browser = Browser.open("ja");
    try {
      signIn(browser, username);
      assertThat(browser.findElement(By.id("push")).getText()).isEqualTo("プッシュ承認を使う");
      Browser.clickAndWait(browser, By.id("push"));
      assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Latchkey アプリを接続する");
      assertThat(browser.findElement(By.id("waiting")).getText()).isEqualTo("スマートフォンの接続を待っています...");
      Path qr = savePng(browser.findElement(By.id("qr")).getAttribute("src"));

      Phone.Run activated = phone.run("activate", "--qr", qr.toString());
      assertThat(activated.exit()).as(activated.all()).isZero();

      WebDriverWait wait = new WebDriverWait(browser, PAGE_WAIT);
      String number =
          wait.until(ExpectedConditions.presenceOfElementLocated(By.id("number"))).getText();
      assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("試してみましょう");

      // A wrong number first: the page's test ends and says so in Japanese, with Next.
      String wrong = number.equals("000") ? "001" : "000";
      Phone.Run refused = phone.run("approve", "--number", wrong);
      assertThat(refused.exit()).isNotZero();
      assertThat(refused.err()).contains("number_mismatch");
      wait.until(ExpectedConditions.presenceOfElementLocated(By.id("push-refused")));
      assertThat(browser.findElement(By.id("error-code")).getText()).isEqualTo("number_mismatch");
      assertThat(browser.findElement(By.id("error-message")).getText())
          .startsWith("アプリに入力された番号がこのページに表示された番号と一致しなかった");
      assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("デバイスを登録できませんでした");

      // Next gives a new QR code; the old activation no longer exists, so activate again.
      Browser.clickAndWait(browser, By.id("next"));
      Path again = savePng(browser.findElement(By.id("qr")).getAttribute("src"));
      Phone second = Phone.compliant(clock);
      Phone.Run reactivated = second.run("activate", "--qr", again.toString());
      assertThat(reactivated.exit()).as(reactivated.all()).isZero();
      String secondNumber =
          wait.until(ExpectedConditions.presenceOfElementLocated(By.id("number"))).getText();
      Phone.Run approved = second.run("approve", "--number", secondNumber);
      assertThat(approved.exit()).as(approved.all()).isZero();
      wait.until(ExpectedConditions.urlContains("/register/done"));
      assertThat(browser.findElement(By.tagName("main")).getText())
          .contains("プッシュ承認 (Latchkey アプリ)");
    } finally {
      browser.quit();
    }
  }

  private void signIn(WebDriver browser, String username) {
    browser.get(baseUrl() + "/login");
    browser.findElement(By.id("username")).sendKeys(username);
    browser.findElement(By.id("password")).sendKeys("correct horse battery");
    Browser.clickAndWait(browser, By.id("sign-in"));
  }

  private static Path savePng(String src) throws Exception {
    assertThat(src).startsWith("data:image/png;base64,");
    Path file = Files.createTempFile("latchkey-activate-", ".png");
    Files.write(file, Base64.getDecoder().decode(src.substring("data:image/png;base64,".length())));
    return file;
  }
}
