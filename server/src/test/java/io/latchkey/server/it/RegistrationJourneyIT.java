package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.app.AppCommand;
import io.latchkey.core.otp.OtpAuthUri;
import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.Browser;
import io.latchkey.server.testing.Peers;
import io.latchkey.server.testing.ServerIT;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import picocli.CommandLine;

/**
 * The whole first path through the real server: an admin creates a user; the user registers in
 * headless Chromium; the QR code on the page is read by zbarimg; oathtool's code completes the
 * registration; an application verifies pyotp's code through the REST API; and the Latchkey app,
 * fed the same QR image, produces codes the server accepts.
 */
class RegistrationJourneyIT extends ServerIT {

  @TempDir Path work;

  @Test
  void aNewUserRegistersInTheBrowserAndAnApplicationVerifiesTheirCodes() throws Exception {
    String username = newUsername("alice");
    api.createUser(username, "correct horse battery");
    String token = api.createApiKey("journey-app");

    WebDriver browser = Browser.open("en");
    try {
      // Usernames are canonical: typing it in capitals signs in to the same account.
      signIn(browser, username.toUpperCase(java.util.Locale.ROOT), "correct horse battery");
      assertThat(browser.getCurrentUrl()).endsWith("/register");
      assertThat(browser.findElement(By.tagName("h1")).getText())
          .contains("Get the authenticator app");
      Browser.clickAndWait(browser, By.id("next"));

      assertThat(browser.getCurrentUrl()).endsWith("/register/scan");
      Path qr = savePngFromDataUri(browser.findElement(By.id("qr")).getAttribute("src"));
      String uri = Peers.zbarimg(qr);
      OtpAuthUri parsed = OtpAuthUri.parse(uri);
      assertThat(parsed.account()).isEqualTo(username);
      assertThat(parsed.issuer()).isEqualTo("Latchkey");
      assertThat(parsed.secret().length()).isGreaterThanOrEqualTo(20);
      String shownSecret = browser.findElement(By.id("secret")).getText().replace(" ", "");
      assertThat(shownSecret).isEqualTo(parsed.secret().base32());

      String oathtoolCode = Peers.oathtool(parsed.secret().base32(), clock.instant());
      browser.findElement(By.id("code")).sendKeys(oathtoolCode);
      Browser.clickAndWait(browser, By.id("verify"));

      assertThat(browser.getCurrentUrl()).endsWith("/register/done");
      assertThat(browser.findElements(By.cssSelector("#methods li"))).hasSize(1);

      // The code used to register is consumed: the application cannot replay it (C4).
      Response replay = api.verify(token, username, oathtoolCode);
      assertThat(replay.status()).isEqualTo(422);
      assertThat(replay.errorCode()).isEqualTo("code_reused");

      // Next time step: pyotp, reading the same URI, makes a code the API accepts once.
      clock.nextStep(30);
      String pyotpCode = Peers.pyotp(uri, clock.instant());
      assertThat(pyotpCode).isEqualTo(Peers.oathtool(parsed.secret().base32(), clock.instant()));
      Response accepted = api.verify(token, username, pyotpCode);
      assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
      assertThat(accepted.json().path("result").asString()).isEqualTo("accepted");
      assertThat(accepted.correlationId()).isNotBlank();
      Response again = api.verify(token, username, pyotpCode);
      assertThat(again.errorCode()).isEqualTo("code_reused");

      // The Latchkey app scans the same QR image and agrees with oathtool.
      clock.nextStep(30);
      Instant appTime = clock.instant();
      Path home = work.resolve("phone");
      assertThat(app(home, appTime, "add", "--qr", qr.toString()).exit()).isZero();
      AppRun code = app(home, appTime, "code", username);
      assertThat(code.exit()).as(code.err()).isZero();
      assertThat(code.out().strip())
          .isEqualTo(Peers.oathtool(parsed.secret().base32(), appTime))
          .matches("[0-9]{6}");
      Response fromApp = api.verify(token, username, code.out().strip());
      assertThat(fromApp.status()).as(fromApp.body()).isEqualTo(200);
    } finally {
      browser.quit();
    }
  }

  @Test
  void theWizardSpeaksJapaneseByAcceptLanguage() {
    String username = newUsername("hanako");
    api.createUser(username, "correct horse battery");
    WebDriver browser = Browser.open("ja");
    try {
      browser.get(baseUrl() + "/login");
      assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("サインイン");
      signIn(browser, username, "wrong password!");
      assertThat(browser.findElement(By.id("error-code")).getText()).isEqualTo("unauthorized");
      assertThat(browser.findElement(By.id("error-message")).getText()).contains("パスワード");
      assertThat(browser.findElement(By.id("correlation-id")).getText())
          .matches("[0-9A-Z]{5}(-[0-9A-Z]{5}){3}");
      signIn(browser, username, "correct horse battery");
      assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("認証アプリを入手する");
      Browser.clickAndWait(browser, By.id("next"));
      assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("QR コードをスキャンする");
    } finally {
      browser.quit();
    }
  }

  private void signIn(WebDriver browser, String username, String password) {
    browser.get(baseUrl() + "/login");
    browser.findElement(By.id("username")).clear();
    browser.findElement(By.id("username")).sendKeys(username);
    browser.findElement(By.id("password")).sendKeys(password);
    Browser.clickAndWait(browser, By.id("sign-in"));
  }

  private Path savePngFromDataUri(String src) throws Exception {
    assertThat(src).startsWith("data:image/png;base64,");
    byte[] png = Base64.getDecoder().decode(src.substring("data:image/png;base64,".length()));
    Path file = work.resolve("qr-" + System.nanoTime() + ".png");
    Files.write(file, png);
    return file;
  }

  record AppRun(int exit, String out, String err) {}

  static AppRun app(Path home, Instant at, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command =
        AppCommand.commandLine(new AppCommand(Clock.fixed(at, ZoneOffset.UTC), Map.of()));
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 2];
    all[0] = "--home";
    all[1] = home.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    int exit = command.execute(all);
    return new AppRun(exit, out.toString(), err.toString());
  }

  static Duration seconds(long s) {
    return Duration.ofSeconds(s);
  }
}
