package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.AuditQuery;
import io.latchkey.core.audit.CorrelationId;
import io.latchkey.server.LatchkeyServerApplication;
import io.latchkey.server.testing.ServerIT;
import io.latchkey.server.testing.WizardClient;
import io.latchkey.server.testing.WizardClient.EnrolledUser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code X-Forwarded-For} and {@code X-Forwarded-Proto} are believed only from {@code
 * latchkey.trusted-proxies} (issue 14). The suite's server trusts loopback, as a proxy on the same
 * host would be set up; the nested server keeps the default (no proxy trusted), so the same headers
 * from the same loopback client change nothing.
 */
class TrustedProxiesIT extends ServerIT {
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @Autowired private AuditLog audit;

  @Test
  void theClientIsTheAddressTheTrustedProxyReports() {
    assertThat(addressOfFailedSignIn(baseUrl(), audit, "203.0.113.9")).isEqualTo("203.0.113.9");
    // Read from the end: the entry the nearest proxy added. Whatever the client wrote before it
    // (a forged first entry) is not its address.
    assertThat(addressOfFailedSignIn(baseUrl(), audit, "198.51.100.1, 203.0.113.9"))
        .isEqualTo("203.0.113.9");
    // A second trusted proxy on the way is skipped.
    assertThat(addressOfFailedSignIn(baseUrl(), audit, "203.0.113.9, 127.0.0.1"))
        .isEqualTo("203.0.113.9");
    // An entry that is not an address stops the walk at the hop that added it.
    assertThat(addressOfFailedSignIn(baseUrl(), audit, "203.0.113.9, not-an-address"))
        .isEqualTo("127.0.0.1");
  }

  @Test
  void behindTlsTheSessionCookieIsHostPrefixedSecureAndHstsIsSent() throws Exception {
    HttpResponse<String> plain = send(baseUrl(), "/login", Map.of());
    assertThat(sessionCookie(plain))
        .hasValueSatisfying(
            c -> assertThat(c).startsWith("LATCHKEY_SESSION=").doesNotContain("Secure"));
    assertThat(plain.headers().firstValue("Strict-Transport-Security")).isEmpty();

    HttpResponse<String> tls = send(baseUrl(), "/login", Map.of("X-Forwarded-Proto", "https"));
    String cookie = sessionCookie(tls).orElseThrow();
    assertThat(cookie)
        .startsWith("__Host-LATCHKEY_SESSION=")
        .contains("; Path=/")
        .contains("; Secure")
        .contains("; HttpOnly")
        .contains("SameSite=Lax")
        .doesNotContainIgnoringCase("Domain=");
    assertThat(tls.headers().firstValue("Strict-Transport-Security"))
        .hasValueSatisfying(h -> assertThat(h).contains("max-age="));
  }

  @Test
  void behindTlsOnlyTheHostPrefixedCookieCarriesTheSession() throws Exception {
    EnrolledUser user = WizardClient.enrollNewUser(api, newUsername("tls"), clock.instant());
    Map<String, String> https = Map.of("X-Forwarded-Proto", "https");
    HttpResponse<String> login = send(baseUrl(), "/login", https);
    String first = value(sessionCookie(login).orElseThrow());
    String csrf = WizardClient.hiddenInput(login.body(), "_csrf").orElseThrow();
    HttpResponse<String> signedIn =
        post(
            baseUrl(),
            "/login",
            Map.of("X-Forwarded-Proto", "https", "Cookie", "__Host-LATCHKEY_SESSION=" + first),
            Map.of("username", user.username(), "password", user.password(), "_csrf", csrf));
    assertThat(signedIn.statusCode()).isEqualTo(302);
    String session = value(sessionCookie(signedIn).orElseThrow());
    assertThat(session).isNotEqualTo(first);

    // With its __Host- cookie the session is signed in (the password alone: on to the factor).
    HttpResponse<String> account =
        send(
            baseUrl(),
            "/account",
            Map.of("X-Forwarded-Proto", "https", "Cookie", "__Host-LATCHKEY_SESSION=" + session));
    assertThat(location(account)).isEqualTo("/login/verify");
    // The same ID in a plain cookie (one a sibling host or an HTTP page could plant) is not read.
    HttpResponse<String> planted =
        send(
            baseUrl(),
            "/account",
            Map.of("X-Forwarded-Proto", "https", "Cookie", "LATCHKEY_SESSION=" + session));
    assertThat(location(planted)).isEqualTo("/login");
  }

  /**
   * Behind the proxy's TLS every redirect stays on https (security review of issue 14): Tomcat
   * built absolute Locations from its own plain-HTTP connection, so a browser was sent to
   * http://HOST/... (no __Host- cookie there, and a plain-text hop a network attacker can answer).
   */
  @Test
  void behindTlsARedirectNeverLeadsToPlainHttp() throws Exception {
    // (Java's HTTP client sets the Host header itself: the proxy's public name is the loopback.)
    Map<String, String> https = Map.of("X-Forwarded-Proto", "https");
    URI page = URI.create("https://127.0.0.1/account");
    for (String path : List.of("/account", "/", "/admin", "/account/password")) {
      HttpResponse<String> response = send(baseUrl(), path, https);
      assertThat(response.statusCode()).as(path).isEqualTo(302);
      String raw = response.headers().firstValue("Location").orElseThrow();
      assertThat(page.resolve(raw).getScheme()).as(path + " -> " + raw).isEqualTo("https");
      assertThat(page.resolve(raw).getHost()).as(path + " -> " + raw).isEqualTo("127.0.0.1");
    }
  }

  /** The default: no proxy is trusted, so the same headers from loopback are ignored. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class WithNoTrustedProxy {
    private ConfigurableApplicationContext untrusting;
    private String base;

    @BeforeAll
    void start() throws IOException {
      Path data = Files.createTempDirectory("latchkey-untrusting-");
      untrusting =
          SpringApplication.run(
              LatchkeyServerApplication.class,
              "--server.port=0",
              "--server.address=127.0.0.1",
              "--latchkey.data=" + data.toAbsolutePath());
      base = "http://127.0.0.1:" + untrusting.getEnvironment().getProperty("local.server.port");
    }

    @AfterAll
    void stop() {
      untrusting.close();
    }

    @Test
    void forwardedHeadersChangeNothing() throws Exception {
      AuditLog log = untrusting.getBean(AuditLog.class);
      assertThat(addressOfFailedSignIn(base, log, "203.0.113.9")).isEqualTo("127.0.0.1");

      HttpResponse<String> tls = send(base, "/login", Map.of("X-Forwarded-Proto", "https"));
      assertThat(sessionCookie(tls))
          .hasValueSatisfying(
              c -> assertThat(c).startsWith("LATCHKEY_SESSION=").doesNotContain("Secure"));
      assertThat(tls.headers().firstValue("Strict-Transport-Security")).isEmpty();
    }
  }

  /** Signs in with a wrong password through {@code forwardedFor}; the audited client address. */
  private static String addressOfFailedSignIn(String base, AuditLog log, String forwardedFor) {
    WizardClient browser = new WizardClient(base);
    browser.comeFrom(forwardedFor);
    WizardClient.Page refused = browser.signIn("nobody-" + System.nanoTime(), "wrong password!");
    assertThat(refused.correlationId()).isNotBlank();
    List<AuditEvent> events =
        log.search(
            AuditQuery.byCorrelationId(CorrelationId.parse(refused.correlationId()).orElseThrow()));
    assertThat(events).as("audit of %s", refused.correlationId()).isNotEmpty();
    return events.getFirst().ip();
  }

  private static HttpResponse<String> send(String base, String path, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).GET();
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static HttpResponse<String> post(
      String base, String path, Map<String, String> headers, Map<String, String> form)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(WizardClient.formBody(form)));
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static Optional<String> sessionCookie(HttpResponse<String> response) {
    List<String> cookies = new ArrayList<>(response.headers().allValues("Set-Cookie"));
    return cookies.stream().filter(c -> c.contains("LATCHKEY_SESSION=")).findFirst();
  }

  private static String value(String setCookie) {
    String pair = setCookie.substring(0, setCookie.indexOf(';'));
    return pair.substring(pair.indexOf('=') + 1);
  }

  private static String location(HttpResponse<String> response) {
    String location = response.headers().firstValue("Location").orElse("");
    URI uri = URI.create(location);
    return uri.getRawQuery() == null
        ? uri.getRawPath()
        : uri.getRawPath() + "?" + uri.getRawQuery();
  }
}
