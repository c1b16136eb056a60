package io.latchkey.server.testing;

import io.latchkey.core.otp.OtpParameters;
import io.latchkey.core.otp.Secret;
import io.latchkey.core.otp.Totp;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Drives the registration wizard over plain HTTP, like a browser without JavaScript: a cookie jar,
 * the hidden {@code _csrf} field of each form, no automatic redirects (each hop's correlation ID
 * stays visible). One client is one browser profile.
 *
 * <pre>
 * WizardClient wizard = new WizardClient(baseUrl());
 * wizard.signIn(username, password);
 * WizardClient.Pending pending = wizard.start();
 * wizard.confirm(pending.enrollmentId(), WizardClient.code(pending.secret(), clock.instant()));
 * </pre>
 */
public final class WizardClient {
  /** The User-Agent every request of this client sends, so audit records can be matched. */
  public static final String USER_AGENT = "latchkey-it-wizard/1.0";

  private static final Pattern INPUT = Pattern.compile("<input\\b[^>]*>", Pattern.CASE_INSENSITIVE);
  private static final Pattern SECRET =
      Pattern.compile("<[^>]*\\bid=\"secret\"[^>]*>([^<]*)<", Pattern.CASE_INSENSITIVE);

  private String base;
  private final String userAgent;
  private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
  private final HttpClient http;
  private String csrf;
  private String forwardedFor;

  public WizardClient(String base) {
    this(base, USER_AGENT);
  }

  public WizardClient(String base, String userAgent) {
    this.base = base;
    this.userAgent = userAgent;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  /**
   * Sends the next requests to another server node, with the same cookies: what a load balancer
   * without sticky sessions does.
   */
  public void useNode(String otherBase) {
    this.base = otherBase;
  }

  private java.net.http.HttpHeaders lastHeaders;

  /**
   * Makes the browser appear to come from {@code address}, as a trusted reverse proxy on loopback
   * would report it ({@code X-Forwarded-For}): a browser on another network than the phone.
   */
  public void comeFrom(String address) {
    this.forwardedFor = address;
  }

  /** One response: status, its correlation ID, type, where it redirects, and the page. */
  public record Page(
      int status, String correlationId, String contentType, String location, String body) {
    public boolean isRedirect() {
      return status / 100 == 3;
    }

    /** The path a redirect points to, without scheme and host. */
    public String redirectPath() {
      if (location == null) {
        return null;
      }
      URI uri = URI.create(location);
      return uri.getRawQuery() == null
          ? uri.getRawPath()
          : uri.getRawPath() + "?" + uri.getRawQuery();
    }

    /** The text of the element with {@code id} (e.g. {@code error-code}), if the page has one. */
    public Optional<String> textOf(String id) {
      Matcher m =
          Pattern.compile("<[^>]*\\bid=\"" + Pattern.quote(id) + "\"[^>]*>([^<]*)<").matcher(body);
      return m.find() ? Optional.of(unescape(m.group(1)).strip()) : Optional.empty();
    }
  }

  /** A registration waiting for its first code: the secret the page shows and its hidden ID. */
  public record Pending(String secret, UUID enrollmentId, Page scanPage) {}

  /** GET {@code path}; remembers the page's CSRF token when it has a form. */
  public Page get(String path) {
    return send(request(path).GET().build());
  }

  /**
   * POSTs a form with the last CSRF token seen (unless {@code fields} has its own {@code _csrf}).
   */
  public Page post(String path, Map<String, String> fields) {
    Map<String, String> form = new LinkedHashMap<>();
    if (csrf != null) {
      form.put("_csrf", csrf);
    }
    form.putAll(fields);
    Optional<String> before = sessionCookie();
    Page page =
        send(
            request(path)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(formBody(form)))
                .build());
    if (page.isRedirect() && !sessionCookie().equals(before)) {
      // A sign-in starts a brand-new session, with a CSRF token of its own: a browser lands on a
      // page of that session before it sends the next form, so this client reads one too.
      get("/login");
    }
    return page;
  }

  /** A header of the last response this client read fully (e.g. {@code Retry-After}). */
  public Optional<String> lastHeader(String name) {
    return lastHeaders == null ? Optional.empty() : lastHeaders.firstValue(name);
  }

  /** Sends any request with this client's cookies (for malformed-input tests). */
  public Page send(HttpRequest request) {
    try {
      HttpResponse<String> response =
          http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      lastHeaders = response.headers();
      Page page =
          new Page(
              response.statusCode(),
              response.headers().firstValue("X-Correlation-Id").orElse(null),
              response.headers().firstValue("Content-Type").orElse(""),
              response.headers().firstValue("Location").orElse(null),
              response.body());
      hiddenInput(page.body(), "_csrf").ifPresent(token -> csrf = token);
      return page;
    } catch (IOException e) {
      throw new AssertionError("request failed: " + request + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Sends any request with this client's cookies, like {@link #send}, but does not read the body of
   * a server-sent event stream (it never ends): its status and headers are the answer.
   */
  public Page sendUnlessStream(HttpRequest request) {
    try {
      HttpResponse<java.io.InputStream> response =
          http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      String type = response.headers().firstValue("Content-Type").orElse("");
      String body;
      try (java.io.InputStream in = response.body()) {
        body =
            type.startsWith("text/event-stream")
                ? ""
                : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      Page page =
          new Page(
              response.statusCode(),
              response.headers().firstValue("X-Correlation-Id").orElse(null),
              type,
              response.headers().firstValue("Location").orElse(null),
              body);
      hiddenInput(page.body(), "_csrf").ifPresent(token -> csrf = token);
      return page;
    } catch (IOException e) {
      throw new AssertionError("request failed: " + request + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** A request builder for {@code path} with this client's User-Agent. */
  public HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .header("User-Agent", userAgent);
    if (forwardedFor != null) {
      builder.header("X-Forwarded-For", forwardedFor);
    }
    return builder;
  }

  /** GET /login, then POST /login; the answer of the POST (a redirect when it worked). */
  public Page signIn(String username, String password) {
    get("/login");
    return post("/login", Map.of("username", username, "password", password));
  }

  /** Signs in and fails unless the server sends the browser on to the wizard. */
  public void signInOrFail(String username, String password) {
    Page page = signIn(username, password);
    if (!page.isRedirect()) {
      throw new AssertionError(
          "sign-in failed: " + page.status() + " " + page.textOf("error-code"));
    }
  }

  /** Step 1 and "Next": GET /register, POST /register/start, GET /register/scan. */
  public Pending start() {
    Page getApp = get("/register");
    if (getApp.status() != 200) {
      throw new AssertionError(
          "GET /register answered " + getApp.status() + " " + getApp.location());
    }
    Page started = post("/register/start", Map.of());
    if (!"/register/scan".equals(started.redirectPath())) {
      throw new AssertionError(
          "POST /register/start answered " + started.status() + " " + started.location());
    }
    return scan();
  }

  /** GET /register/scan: the pending registration it shows. */
  public Pending scan() {
    Page scan = get("/register/scan");
    if (scan.status() != 200) {
      throw new AssertionError("GET /register/scan answered " + scan.status() + ": " + scan.body());
    }
    Matcher secret = SECRET.matcher(scan.body());
    if (!secret.find()) {
      throw new AssertionError("no secret on the scan page");
    }
    String enrollment =
        hiddenInput(scan.body(), "enrollment")
            .orElseThrow(() -> new AssertionError("no enrollment field on the scan page"));
    return new Pending(
        unescape(secret.group(1)).replace(" ", "").strip(), UUID.fromString(enrollment), scan);
  }

  /** POST /register/confirm with the current CSRF token. */
  public Page confirm(UUID enrollmentId, String code) {
    return post("/register/confirm", Map.of("enrollment", enrollmentId.toString(), "code", code));
  }

  /**
   * The whole wizard for an existing user: sign in, start, confirm with the current code at {@code
   * now}. Returns the registered secret (Base32); the confirming step is then used up.
   */
  public String register(String username, String password, Instant now) {
    signInOrFail(username, password);
    return registerSignedIn(now);
  }

  /**
   * Signs in; when the server sends the session to the password page first (a password an
   * administrator set, or the first start's one: issue 14), sets {@code newPassword} there.
   *
   * @return the password that works now: {@code newPassword} if it was set, else {@code password}
   */
  public String signInChangingPassword(String username, String password, String newPassword) {
    signInOrFail(username, password);
    Page next = get("/account");
    if (!"/account/password".equals(next.redirectPath())) {
      return password;
    }
    changeRequiredPassword(newPassword);
    return newPassword;
  }

  /** On the password page of a session that must change it: sets {@code newPassword}. */
  public void changeRequiredPassword(String newPassword) {
    Page form = get("/account/password");
    if (form.status() != 200) {
      throw new AssertionError("GET /account/password answered " + form.status());
    }
    Page changed =
        post("/account/password", Map.of("password", newPassword, "confirm", newPassword));
    if (!"/account?done=password".equals(changed.redirectPath())) {
      throw new AssertionError(
          "the password change failed: "
              + changed.status()
              + " "
              + changed.textOf("error-code").orElse(""));
    }
  }

  /**
   * The rest of the wizard for a signed-in session: start, confirm with the code at {@code now}.
   */
  public String registerSignedIn(Instant now) {
    Pending pending = start();
    Page done = confirm(pending.enrollmentId(), code(pending.secret(), now));
    if (!"/register/done".equals(done.redirectPath())) {
      throw new AssertionError(
          "confirmation failed: " + done.status() + " " + done.textOf("error-code").orElse(""));
    }
    return pending.secret();
  }

  /** A user made by the admin API who then registered an authenticator through the wizard. */
  public record EnrolledUser(String username, String password, String secret) {}

  /**
   * Creates {@code username} through the admin API and registers a TOTP authenticator for it at
   * {@code now}; the step of {@code now} is then used up (SECURITY-TESTS C4).
   */
  public static EnrolledUser enrollNewUser(Api api, String username, Instant now) {
    String password = "correct horse battery";
    api.createUser(username, password);
    String secret = new WizardClient(api.base()).register(username, password, now);
    return new EnrolledUser(username, password, secret);
  }

  /** The CSRF token of the last form seen. */
  public String csrf() {
    return csrf;
  }

  /** Presents {@code value} as the session cookie from now on (a stolen or planted session ID). */
  public void useSessionCookie(String value) {
    HttpCookie cookie = new HttpCookie("LATCHKEY_SESSION", value);
    cookie.setPath("/");
    cookie.setVersion(0);
    cookies.getCookieStore().add(URI.create(base), cookie);
  }

  /** The session cookie's value, if the server set one. */
  public Optional<String> sessionCookie() {
    return cookies.getCookieStore().getCookies().stream()
        .filter(c -> c.getName().equals("LATCHKEY_SESSION"))
        .map(HttpCookie::getValue)
        .findFirst();
  }

  /** The TOTP code (SHA1, 6 digits, 30 s) of {@code base32} at {@code at}. */
  public static String code(String base32, Instant at) {
    return Totp.generate(Secret.fromBase32(base32), OtpParameters.TOTP_DEFAULT, at);
  }

  /** The {@code value} of the input named {@code name}. */
  public static Optional<String> hiddenInput(String html, String name) {
    Matcher inputs = INPUT.matcher(html);
    Pattern named = Pattern.compile("\\bname=\"" + Pattern.quote(name) + "\"");
    Pattern value = Pattern.compile("\\bvalue=\"([^\"]*)\"");
    while (inputs.find()) {
      String tag = inputs.group();
      if (named.matcher(tag).find()) {
        Matcher v = value.matcher(tag);
        return v.find() ? Optional.of(unescape(v.group(1))) : Optional.empty();
      }
    }
    return Optional.empty();
  }

  public static String formBody(Map<String, String> fields) {
    return fields.entrySet().stream()
        .map(
            e ->
                URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  private static String unescape(String html) {
    return html.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
  }
}
