package io.latchkey.bench;

import io.latchkey.core.otp.OtpParameters;
import io.latchkey.core.otp.Secret;
import io.latchkey.core.otp.Totp;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One user's browser for the registration wizard: its own cookie jar, the hidden {@code _csrf} of
 * each page, no automatic redirects (a redirect is checked, never followed, so no request leaves
 * the checked base URL).
 */
final class WizardSession implements AutoCloseable {
  private static final Pattern INPUT = Pattern.compile("<input\\b[^>]*>", Pattern.CASE_INSENSITIVE);
  private static final Pattern VALUE = Pattern.compile("\\bvalue=\"([^\"]*)\"");

  /** A step of the wizard answered something else than expected. */
  static final class StepFailed extends RuntimeException {
    StepFailed(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * A registered authenticator.
   *
   * @param secret its Base32 secret, as the scan page showed it (without the spaces)
   * @param signInNanos the time of POST /login alone (the Argon2id password check)
   * @param passwordChanged whether the server asked for a new password first, and got it
   */
  record Registered(String secret, long signInNanos, boolean passwordChanged) {}

  private record Page(int status, String location, String body) {}

  /**
   * Sees every request of the wizard (for {@link SoakLoad}'s pacing and counts); the other load
   * generators use {@link #NO_OBSERVER}.
   */
  interface Observer {
    /** Just before a request is sent (may wait, to hold a request rate). */
    void before() throws InterruptedException;

    /** Its answer: {@code step} is e.g. {@code POST /register/confirm}. */
    void answered(String step, int status);

    /** No answer (time-out, connection refused...). */
    void failed(String step, Exception e);
  }

  static final Observer NO_OBSERVER =
      new Observer() {
        @Override
        public void before() {}

        @Override
        public void answered(String step, int status) {}

        @Override
        public void failed(String step, Exception e) {}
      };

  private final String base;
  private final Deadline deadline;
  private final HttpClient http;
  private final Observer observer;

  WizardSession(String base, Deadline deadline) {
    this(base, deadline, NO_OBSERVER);
  }

  WizardSession(String base, Deadline deadline, Observer observer) {
    this.base = base;
    this.deadline = deadline;
    this.observer = observer;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  /** The whole wizard: sign in, start, read the secret, confirm with the current code. */
  Registered register(String username, String password) throws IOException, InterruptedException {
    return register(username, password, null);
  }

  /**
   * As {@link #register(String, String)}, for a user whose password must be changed first (the
   * first start's administrator, since issue 14): the wizard's first page is then the password
   * page, where {@code newPassword} is set before the registration goes on.
   */
  Registered register(String username, String password, String newPassword)
      throws IOException, InterruptedException {
    SignedIn signedIn = signIn(username, password, newPassword);
    return new Registered(
        registerFrom(signedIn.app()), signedIn.nanos(), signedIn.passwordChanged());
  }

  /**
   * A one-time registration link ({@code /enroll/TOKEN}, as the admin API issued it): open it, take
   * it (POST, which signs this browser in as the link's user), then the wizard as above.
   *
   * @return the new Base32 secret
   */
  String registerWithLink(String token) throws IOException, InterruptedException {
    String path = "/enroll/" + token;
    Page open = expectStatus(get(path), 200, "GET /enroll/{token}");
    expectRedirect(
        post(path, form("_csrf", csrf(open, "/enroll/{token}"))),
        "/register",
        "POST /enroll/{token}");
    Page app = expectStatus(get("/register"), 200, "GET /register");
    return registerFrom(app);
  }

  /**
   * Signs in, starts a TOTP registration and reads the QR code page, then goes away without
   * confirming: no method may come of it.
   */
  void abandon(String username, String password) throws IOException, InterruptedException {
    SignedIn signedIn = signIn(username, password, null);
    expectRedirect(
        post("/register/start", form("_csrf", csrf(signedIn.app(), "/register"))),
        "/register/scan",
        "POST /register/start");
    expectStatus(get("/register/scan"), 200, "GET /register/scan");
  }

  /** From step 1 of the wizard: start, read the secret, confirm with the current code. */
  private String registerFrom(Page app) throws IOException, InterruptedException {
    expectRedirect(
        post("/register/start", form("_csrf", csrf(app, "/register"))),
        "/register/scan",
        "POST /register/start");

    Page scan = expectStatus(get("/register/scan"), 200, "GET /register/scan");
    String secret = elementText(scan.body(), "secret", "GET /register/scan").replaceAll("\\s+", "");
    String enrollment =
        hiddenInput(scan.body(), "enrollment")
            .orElseThrow(() -> new StepFailed("GET /register/scan: no enrollment field"));
    String code =
        Totp.generate(Secret.fromBase32(secret), OtpParameters.TOTP_DEFAULT, Instant.now());
    expectRedirect(
        post(
            "/register/confirm",
            form("enrollment", enrollment, "code", code, "_csrf", csrf(scan, "/register/scan"))),
        "/register/done",
        "POST /register/confirm");
    return secret;
  }

  /**
   * The push path up to its QR code: sign in, choose "push approval" on step 1, and read the
   * activation link that the page shows under its QR code (element {@code id="activation-uri"}).
   *
   * @return the activation link ({@code latchkey://activate?...}) and the sign-in time
   */
  PushStarted startPush(String username, String password) throws IOException, InterruptedException {
    SignedIn signedIn = signIn(username, password, null);
    expectRedirect(
        post("/register/push/start", form("_csrf", csrf(signedIn.app(), "/register"))),
        "/register/push",
        "POST /register/push/start");
    Page activate = expectStatus(get("/register/push"), 200, "GET /register/push");
    return new PushStarted(
        elementText(activate.body(), "activation-uri", "GET /register/push (activation)").strip(),
        signedIn.nanos());
  }

  /** The number of the test step that the page shows once the device is activated. */
  String pushNumber() throws IOException, InterruptedException {
    Page test = expectStatus(get("/register/push"), 200, "GET /register/push");
    return elementText(test.body(), "number", "GET /register/push (test step)").strip();
  }

  /** Once the test request is approved, the push page sends the browser to "registered". */
  void expectPushDone() throws IOException, InterruptedException {
    expectRedirect(get("/register/push"), "/register/done", "GET /register/push (after approval)");
  }

  /**
   * The push path's first page.
   *
   * @param activationUri the activation link as text, HTML entities decoded
   * @param signInNanos the time of POST /login alone
   */
  record PushStarted(String activationUri, long signInNanos) {}

  private record SignedIn(Page app, long nanos, boolean passwordChanged) {}

  /**
   * GET /login, POST /login (timed: the Argon2id check), GET /register (step 1); when the server
   * sends a user who must change the password to the password page first (issue 14), sets {@code
   * newPassword} there (if given).
   */
  private SignedIn signIn(String username, String password, String newPassword)
      throws IOException, InterruptedException {
    Page login = expectStatus(get("/login"), 200, "GET /login");
    long start = System.nanoTime();
    Page signedIn =
        post(
            "/login",
            form("username", username, "password", password, "_csrf", csrf(login, "/login")));
    long signInNanos = System.nanoTime() - start;
    expectRedirect(signedIn, "/register", "POST /login");
    Page app = get("/register");
    boolean changed = false;
    String location = app.location() == null ? "" : URI.create(app.location()).getRawPath();
    if (newPassword != null && app.status() / 100 == 3 && location.equals("/account/password")) {
      Page change = expectStatus(get("/account/password"), 200, "GET /account/password");
      expectRedirect(
          post(
              "/account/password",
              form(
                  "password",
                  newPassword,
                  "confirm",
                  newPassword,
                  "_csrf",
                  csrf(change, "/account/password"))),
          "/account",
          "POST /account/password");
      app = get("/register");
      changed = true;
    }
    expectStatus(app, 200, "GET /register");
    return new SignedIn(app, signInNanos, changed);
  }

  /** The text of the element with {@code id} (no nested tags), HTML entities decoded. */
  private static String elementText(String html, String id, String step) {
    Matcher text =
        Pattern.compile(
                "<[^>]*\\bid=\"" + Pattern.quote(id) + "\"[^>]*>([^<]*)<", Pattern.CASE_INSENSITIVE)
            .matcher(html);
    if (!text.find()) {
      throw new StepFailed(step + ": no element with id=\"" + id + "\"");
    }
    return unescape(text.group(1));
  }

  @Override
  public void close() {
    http.close();
  }

  private Page get(String path) throws IOException, InterruptedException {
    return send(request(path).GET().build());
  }

  private Page post(String path, String formBody) throws IOException, InterruptedException {
    return send(
        request(path)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(formBody))
            .build());
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .timeout(deadline.requestTimeout())
        .header("User-Agent", VerifyLoad.USER_AGENT);
  }

  private Page send(HttpRequest request) throws IOException, InterruptedException {
    // A registration link's token is a credential: never in a message.
    String step =
        request.method()
            + " "
            + request.uri().getRawPath().replaceFirst("^/enroll/.*", "/enroll/{token}");
    String stepName = step;
    observer.before();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      observer.answered(stepName, response.statusCode());
    } catch (HttpConnectTimeoutException e) {
      observer.failed(stepName, e);
      throw new HttpConnectTimeoutException(step + ": connect timed out");
    } catch (HttpTimeoutException e) {
      observer.failed(stepName, e);
      throw new HttpTimeoutException(
          step
              + ": no answer within "
              + request.timeout().map(Duration::toSeconds).orElse(0L)
              + " s");
    } catch (IOException e) {
      observer.failed(stepName, e);
      throw e;
    }
    return new Page(
        response.statusCode(),
        response.headers().firstValue("Location").orElse(null),
        response.body());
  }

  private static Page expectStatus(Page page, int status, String step) {
    if (page.status() != status) {
      throw new StepFailed(step + " answered " + page.status());
    }
    return page;
  }

  private static void expectRedirect(Page page, String path, String step) {
    String location = page.location() == null ? "" : URI.create(page.location()).getRawPath();
    if (page.status() / 100 != 3 || !path.equals(location)) {
      throw new StepFailed(
          step + " answered " + page.status() + (location.isEmpty() ? "" : " to " + location));
    }
  }

  private static String csrf(Page page, String path) {
    return hiddenInput(page.body(), "_csrf")
        .orElseThrow(() -> new StepFailed("GET " + path + ": no _csrf field"));
  }

  /** The {@code value} of the first input named {@code name}. */
  static Optional<String> hiddenInput(String html, String name) {
    Pattern named = Pattern.compile("\\bname=\"" + Pattern.quote(name) + "\"");
    Matcher inputs = INPUT.matcher(html);
    while (inputs.find()) {
      String tag = inputs.group();
      if (named.matcher(tag).find()) {
        Matcher value = VALUE.matcher(tag);
        return value.find() ? Optional.of(unescape(value.group(1))) : Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static String form(String... namesAndValues) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      fields.put(namesAndValues[i], namesAndValues[i + 1]);
    }
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
