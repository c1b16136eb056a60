package io.latchkey.server.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven by Debian's chromedriver: nothing is downloaded. Each browser
 * has a fresh profile, like a private window.
 */
public final class Browser {
  private Browser() {}

  private static final Duration WAIT = Duration.ofSeconds(30);

  /**
   * Clicks something that submits a form or follows a link, and returns once the next page has
   * replaced this one and finished loading: tests never read a page that is still on its way.
   */
  public static void clickAndWait(WebDriver driver, By target) {
    WebElement page = driver.findElement(By.tagName("html"));
    driver.findElement(target).click();
    WebDriverWait wait = new WebDriverWait(driver, WAIT);
    wait.until(d -> gone(page));
    wait.until(
        d ->
            "complete"
                .equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
  }

  /**
   * Whether the element's document has been replaced. Chromium reports an element of an unloaded
   * document either as stale or as "does not belong to the document": both mean gone.
   */
  private static boolean gone(WebElement element) {
    try {
      element.getTagName();
      return false;
    } catch (org.openqa.selenium.WebDriverException e) {
      return true;
    }
  }

  /** Reloads and waits for the new page. */
  public static void reload(WebDriver driver) {
    WebElement page = driver.findElement(By.tagName("html"));
    driver.navigate().refresh();
    WebDriverWait wait = new WebDriverWait(driver, WAIT);
    wait.until(d -> gone(page));
    wait.until(
        d ->
            "complete"
                .equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
  }

  /** Waits until the element is on the page (for changes made by the page's own script). */
  public static WebElement await(WebDriver driver, By target) {
    return new WebDriverWait(driver, WAIT)
        .until(ExpectedConditions.presenceOfElementLocated(target));
  }

  public static ChromeDriver open(String language) {
    try {
      ChromeOptions options = new ChromeOptions();
      options.setBinary("/usr/bin/chromium");
      options.addArguments(
          "--headless=new",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-dev-shm-usage",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--disable-quic",
          "--no-first-run",
          "--window-size=1024,1200",
          "--lang=" + language,
          "--user-data-dir=" + Files.createTempDirectory("latchkey-chromium-"));
      options.setExperimentalOption("prefs", Map.of("intl.accept_languages", language));
      ChromeDriverService service =
          new ChromeDriverService.Builder()
              .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
              .build();
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
      return driver;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
