package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.Browser;
import io.latchkey.server.testing.DatabaseFiles;
import io.latchkey.server.testing.Phone;
import io.latchkey.server.testing.ServerIT;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Backup codes through the real server, in headless Chromium and with the real app: the way back in
 * for a user who deleted the account from their app (issue 5; SECURITY-TESTS C5, E1, E2).
 */
class BackupCodesIT extends ServerIT {
  private static final String PASSWORD = "correct horse battery";

  @Autowired JdbcClient jdbc;
  private String token;

  @BeforeEach
  void apiKey() {
    token = api.createApiKey("backup-codes-app");
  }

  @Test
  void aUserWhoDeletedTheAccountFromTheAppSignsInWithABackupCodeAndRegistersAgain()
      throws Exception {
    String username = newUsername("bea");
    api.createUser(username, PASSWORD);
    Phone phone = Phone.compliant(clock);
    WebDriver browser = Browser.open("en");
    try {
      signIn(browser, username);
      registerTotp(browser, phone, username);

      // Backup codes are offered right after registering; they are shown once.
      Browser.clickAndWait(browser, By.id("generate-backup-codes"));
      List<String> codes =
          browser.findElements(By.cssSelector("#backup-codes li")).stream()
              .map(WebElement::getText)
              .toList();
      assertThat(codes).hasSize(10).allMatch(c -> c.matches("[A-Z2-7]{5}-[A-Z2-7]{5}"));
      assertThat(new HashSet<>(codes)).hasSize(10);
      Browser.clickAndWait(browser, By.id("back-to-account"));
      assertThat(browser.findElement(By.id("backup-summary")).getText()).contains("10 of 10");

      // The entry is deleted from the app by mistake; the user signs out.
      assertThat(phone.run("remove", "Latchkey: " + username).exit()).isZero();
      assertThat(phone.run("code", username).exit()).isNotZero();
      Browser.clickAndWait(browser, By.cssSelector("form.signout button"));

      // Signing in again needs the second factor: a backup code, typed loosely.
      signIn(browser, username);
      assertThat(browser.getCurrentUrl()).endsWith("/login/verify");
      assertThat(browser.findElement(By.id("backup-hint")).getText()).contains("10 left");
      browser.get(baseUrl() + "/account");
      assertThat(browser.getCurrentUrl())
          .as("the password alone opens no other page")
          .endsWith("/login/verify");
      browser.findElement(By.id("code")).sendKeys(codes.get(0).toLowerCase().replace("-", " "));
      Browser.clickAndWait(browser, By.id("verify"));
      assertThat(browser.getCurrentUrl()).endsWith("/account");
      assertThat(browser.findElement(By.id("backup-summary")).getText()).contains("9 of 10");

      // The useless old authenticator is removed, and a new one registered.
      Browser.clickAndWait(browser, By.cssSelector(".remove-method"));
      assertThat(browser.findElement(By.id("notice")).getText()).contains("removed");
      assertThat(browser.findElements(By.cssSelector("#methods li"))).isEmpty();
      Browser.clickAndWait(browser, By.id("add-method"));
      assertThat(browser.getCurrentUrl()).endsWith("/register");
      registerTotp(browser, phone, username);
      assertThat(browser.findElements(By.cssSelector("#methods li"))).hasSize(1);

      // The application accepts the new app's codes; the used backup code is spent.
      clock.nextStep(30);
      Response fromApp = api.verify(token, username, phone.run("code", username).out().strip());
      assertThat(fromApp.status()).as(fromApp.body()).isEqualTo(200);
      assertThat(fromApp.json().path("method").asString()).isEqualTo("totp");
      assertThat(api.verify(token, username, codes.get(0)).errorCode()).isEqualTo("code_reused");
      Response backup = api.verify(token, username, codes.get(1));
      assertThat(backup.status()).as(backup.body()).isEqualTo(200);
      assertThat(backup.json().path("method").asString()).isEqualTo("backup_code");
      assertThat(backup.json().path("backupCodesLeft").asInt()).isEqualTo(8);

      // Regenerating revokes every old code at once.
      browser.get(baseUrl() + "/account");
      Browser.clickAndWait(browser, By.id("generate-backup-codes"));
      List<String> fresh =
          browser.findElements(By.cssSelector("#backup-codes li")).stream()
              .map(WebElement::getText)
              .toList();
      assertThat(fresh).hasSize(10).doesNotContainAnyElementsOf(codes);
      for (String old : codes.subList(2, 5)) {
        assertThat(api.verify(token, username, old).errorCode()).isEqualTo("invalid_code");
      }
      assertThat(api.verify(token, username, fresh.get(0)).status()).isEqualTo(200);

      // Only salted Argon2id hashes are kept: no code in any spelling in the database files.
      List<String> hashes =
          jdbc.sql(
                  "SELECT b.code_hash FROM backup_codes b JOIN users u ON u.id = b.user_id"
                      + " WHERE u.username = :name")
              .param("name", username)
              .query(String.class)
              .list();
      assertThat(hashes).hasSize(10).allMatch(h -> h.startsWith("$argon2id$"));
      Set<String> salts = new HashSet<>();
      hashes.forEach(h -> salts.add(h.split("\\$")[4]));
      assertThat(salts).as("a salt of its own for every code").hasSize(10);
      List<String> everyCode = new ArrayList<>(codes);
      everyCode.addAll(fresh);
      assertThat(databaseFilesContaining(everyCode)).isEmpty();
    } finally {
      browser.quit();
    }
  }

  @Test
  void thirtyRacingRequestsWithOneBackupCodeAcceptItOnce() throws Exception {
    String username = newUsername("race");
    List<String> codes = backupCodesFor(username);
    String code = codes.get(7);

    List<Response> answers = race(30, () -> api.verify(token, username, code));

    assertThat(answers).filteredOn(r -> r.status() == 200).hasSize(1);
    assertThat(answers)
        .filteredOn(r -> r.status() != 200)
        .allMatch(r -> "code_reused".equals(r.errorCode()) || "user_blocked".equals(r.errorCode()));
    Long used =
        jdbc.sql(
                "SELECT COUNT(*) FROM backup_codes b JOIN users u ON u.id = b.user_id"
                    + " WHERE u.username = :name AND b.used_at IS NOT NULL")
            .param("name", username)
            .query(Long.class)
            .single();
    assertThat(used).isEqualTo(1);
  }

  @Test
  void backupCodesNeedARecentFactorAndARegenerationByGetChangesNothing() throws Exception {
    String username = newUsername("stepup");
    List<String> codes = backupCodesFor(username);
    WebDriver browser = Browser.open("en");
    try {
      signIn(browser, username);
      browser.findElement(By.id("code")).sendKeys(codes.get(0));
      Browser.clickAndWait(browser, By.id("verify"));
      assertThat(browser.getCurrentUrl()).endsWith("/account");

      // Eleven minutes later the session is too old for a change: prove it again first.
      clock.advance(java.time.Duration.ofMinutes(11));
      Browser.clickAndWait(browser, By.id("generate-backup-codes"));
      assertThat(browser.getCurrentUrl()).contains("/login/verify");
      assertThat(browser.findElement(By.tagName("h1")).getText()).contains("Confirm it is you");
      browser.findElement(By.id("code")).sendKeys(codes.get(1));
      Browser.clickAndWait(browser, By.id("verify"));
      assertThat(browser.getCurrentUrl()).endsWith("/account");
      assertThat(browser.findElement(By.id("backup-summary")).getText()).contains("8 of 10");

      // A GET of the form's address issues nothing (J1: GET never changes state).
      browser.get(baseUrl() + "/account/backup-codes");
      browser.get(baseUrl() + "/account");
      assertThat(browser.findElement(By.id("backup-summary")).getText()).contains("8 of 10");
      assertThat(api.verify(token, username, codes.get(2)).status()).isEqualTo(200);
    } finally {
      browser.quit();
    }
  }

  /** A user with a TOTP method (registered through the wizard) and a fresh set of codes. */
  private List<String> backupCodesFor(String username) throws Exception {
    io.latchkey.server.testing.WizardClient wizard =
        new io.latchkey.server.testing.WizardClient(baseUrl());
    api.createUser(username, PASSWORD);
    wizard.register(username, PASSWORD, clock.instant());
    io.latchkey.server.testing.WizardClient.Page page =
        wizard.post("/account/backup-codes", java.util.Map.of());
    assertThat(page.status()).as(page.body()).isEqualTo(200);
    List<String> codes = new ArrayList<>();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("<li\\b[^>]*\\bclass=\"backup-code\"[^>]*>([^<]*)</li>")
            .matcher(page.body());
    while (m.find()) {
      codes.add(m.group(1).strip());
    }
    // Only the list's items: a CSRF token elsewhere on the page can spell a code's shape by chance.
    assertThat(codes).allMatch(c -> c.matches("[A-Z2-7]{5}-[A-Z2-7]{5}"));
    assertThat(codes).hasSize(10);
    return codes;
  }

  private void registerTotp(WebDriver browser, Phone phone, String username) {
    Browser.clickAndWait(browser, By.id("next"));
    assertThat(browser.getCurrentUrl()).endsWith("/register/scan");
    String secret = browser.findElement(By.id("secret")).getText().replace(" ", "");
    String uri = "otpauth://totp/Latchkey:" + username + "?secret=" + secret + "&issuer=Latchkey";
    Phone.Run added = phone.run("add", uri);
    assertThat(added.exit()).as(added.all()).isZero();
    String code = phone.run("code", username).out().strip();
    browser.findElement(By.id("code")).sendKeys(code);
    Browser.clickAndWait(browser, By.id("verify"));
    assertThat(browser.getCurrentUrl()).endsWith("/register/done");
  }

  private void signIn(WebDriver browser, String username) {
    browser.get(baseUrl() + "/login");
    browser.findElement(By.id("username")).sendKeys(username);
    browser.findElement(By.id("password")).sendKeys(PASSWORD);
    Browser.clickAndWait(browser, By.id("sign-in"));
  }

  private List<String> databaseFilesContaining(List<String> codes) throws IOException {
    List<String> found = new ArrayList<>();
    for (Map.Entry<Path, byte[]> file : DatabaseFiles.contents(jdbc).entrySet()) {
      String content = new String(file.getValue(), StandardCharsets.ISO_8859_1);
      for (String code : codes) {
        if (content.contains(code) || content.contains(code.replace("-", ""))) {
          found.add(code + " in " + file.getKey().getFileName());
        }
      }
    }
    return found;
  }

  private static <T> List<T> race(int threads, Callable<T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        futures.add(
            pool.submit(
                () -> {
                  go.await();
                  return task.call();
                }));
      }
      go.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(60, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
