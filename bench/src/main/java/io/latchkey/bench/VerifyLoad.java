package io.latchkey.bench;

import io.latchkey.core.otp.OtpParameters;
import io.latchkey.core.otp.Secret;
import io.latchkey.core.otp.Totp;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A load generator for one-time-code verification over HTTP: not a test, and never part of the
 * build's test run. Against a running server on this machine it
 *
 * <ol>
 *   <li>creates an API key and {@code --users} users as the administrator (the admin API takes an
 *       admin token: {@link AdminAuthorization});
 *   <li>registers a TOTP authenticator for each user through the wizard pages, like a browser
 *       without JavaScript (one cookie jar per user), {@code --concurrency} users at a time;
 *   <li>waits for the next 30-second step (registration used up the current one), then sends one
 *       {@code POST /api/v1/verify} per user with that step's code, {@code --concurrency} at a
 *       time, timing each request;
 *   <li>sends every accepted code once more: each replay must be refused with {@code code_reused}.
 * </ol>
 *
 * <p>It only ever talks to 127.0.0.1, localhost or ::1, never follows a redirect, and stops by
 * itself: work still queued when {@code --max-seconds} (default 120) runs out is dropped and
 * reported. Exit status: 0 when every step did what it should, 1 when some requests failed or
 * answered unexpectedly, 2 for a command-line mistake, 3 when the time cap cut the run short.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.latchkey.bench.VerifyLoad --url http://127.0.0.1:8080 \
 *     --admin-password-file DATA/initial-admin-password --users 500 --concurrency 32
 * </pre>
 */
public final class VerifyLoad {
  static final String USER_AGENT = "latchkey-verifyload/1.0";

  private static final OtpParameters TOTP = OtpParameters.TOTP_DEFAULT;
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String NOT_SENT = "not sent (time cap)";

  /**
   * One request's outcome.
   *
   * @param outcome {@code 200 accepted}, {@code 422 code_reused}, {@code timeout}, ...: the status
   *     and the envelope's error code (or the result word of a success)
   * @param nanos from just before sending to the whole body received
   * @param answered whether the server answered at all
   */
  record Call(String outcome, long nanos, boolean answered) {
    /** Whether this is {@code expected}: a whole outcome, or an error code with any status. */
    boolean is(String expected) {
      return outcome.equals(expected) || outcome.endsWith(" " + expected);
    }
  }

  /** One user's registration: the secret, or why there is none. */
  record Registration(String secret, long nanos, long signInNanos, String failure) {}

  private final LoadOptions options;
  private final Deadline deadline;
  private final PrintStream out;
  private final HttpClient http;
  private final String adminAuthorization;
  private final Map<String, Object> figures = new LinkedHashMap<>();
  private boolean unexpected;

  private VerifyLoad(LoadOptions options, Deadline deadline, PrintStream out) {
    this.options = options;
    this.deadline = deadline;
    this.out = out;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    this.adminAuthorization =
        AdminAuthorization.header(options.adminUser(), options.adminPassword());
  }

  public static void main(String[] args) throws InterruptedException {
    LoadOptions options;
    try {
      options = LoadOptions.parse(args);
    } catch (LoadOptions.HelpRequested e) {
      System.out.print(LoadOptions.USAGE);
      return;
    } catch (LoadOptions.UsageException e) {
      System.err.println("VerifyLoad: " + e.getMessage());
      System.err.print(LoadOptions.USAGE);
      System.exit(2);
      return;
    }
    Duration budget = Duration.ofSeconds(options.maxSeconds());
    startWatchdog(budget.plusSeconds(30));
    VerifyLoad load = new VerifyLoad(options, new Deadline(budget), System.out);
    int status;
    try {
      status = load.run();
    } finally {
      load.http.close();
    }
    System.exit(status);
  }

  /** The last resort if a request hangs past every time-out: end the JVM. */
  private static void startWatchdog(Duration after) {
    Thread.ofPlatform()
        .daemon()
        .name("verifyload-watchdog")
        .start(
            () -> {
              try {
                Thread.sleep(after);
              } catch (InterruptedException e) {
                return;
              }
              System.err.println("VerifyLoad: still running 30 s after --max-seconds; stopping.");
              System.err.flush();
              Runtime.getRuntime().halt(3);
            });
  }

  private int run() throws InterruptedException {
    int n = options.users();
    out.printf(
        Locale.ROOT,
        "Latchkey verification load: %s, %d users, concurrency %d, cap %d s%n",
        options.base(),
        n,
        options.concurrency(),
        options.maxSeconds());
    out.printf(
        Locale.ROOT,
        "client: %d CPUs, Java %s (%s)%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"));
    figures.put("url", options.base());
    figures.put("users", n);
    figures.put("concurrency", options.concurrency());
    figures.put("maxSeconds", options.maxSeconds());
    figures.put("startedAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    figures.put("clientCpus", Runtime.getRuntime().availableProcessors());
    figures.put("javaVersion", System.getProperty("java.version"));
    figures.put("cpuModel", cpuModel());
    boolean complete = false;
    try {
      String token = createApiKey();
      String password = randomPassword();
      boolean[] created = createUsers(password);
      String[] secrets = register(created, password);
      waitForNextStep();
      String[] codes = new String[n];
      Call[] verified = verify(secrets, token, codes);
      replay(codes, verified, token);
      complete = !deadline.passed();
    } catch (Deadline.Exceeded e) {
      out.println("stopped: the --max-seconds cap was reached before the run was complete");
    } catch (SetupFailed e) {
      out.println("stopped: " + e.getMessage());
      unexpected = true;
    }
    figures.put("complete", complete);
    figures.put("asExpected", complete && !unexpected);
    writeJson();
    if (!complete && deadline.passed()) {
      return 3;
    }
    return unexpected || !complete ? 1 : 0;
  }

  /** Something the rest of the run needs failed (no API key, no user at all). */
  private static final class SetupFailed extends RuntimeException {
    SetupFailed(String message) {
      super(message, null, false, false);
    }
  }

  // ---- 1. API key and users ------------------------------------------------------------------

  private String createApiKey() throws InterruptedException {
    HttpResponse<String> response;
    try {
      response =
          http.send(
              adminPost("/api/v1/admin/api-keys", Map.of("name", options.prefix() + "api-key")),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new SetupFailed("cannot reach " + options.base() + ": " + e);
    }
    if (response.statusCode() != 201) {
      throw new SetupFailed(
          "creating the API key answered "
              + outcome(response)
              + (response.statusCode() == 401 ? AdminAuthorization.HINT : ""));
    }
    String token = JSON.readTree(response.body()).path("token").asString();
    if (token.isEmpty()) {
      throw new SetupFailed("the API key answer has no token");
    }
    return token;
  }

  private boolean[] createUsers(String password) throws InterruptedException {
    int n = options.users();
    progress("creating " + n + " users");
    Ran<Call> ran =
        runAll(
            n,
            i ->
                timed(
                    () ->
                        adminPost(
                            "/api/v1/admin/users",
                            Map.of("username", username(i), "password", password))));
    boolean[] created = new boolean[n];
    Map<String, Integer> outcomes = new TreeMap<>();
    long[] nanos = new long[n];
    int ok = 0;
    for (int i = 0; i < n; i++) {
      Call call = ran.result(i, new Call(NOT_SENT, 0, false));
      outcomes.merge(call.outcome(), 1, Integer::sum);
      if (call.outcome().startsWith("201")) {
        created[i] = true;
        nanos[ok++] = call.nanos();
      }
    }
    Latencies latency = Latencies.ofNanos(java.util.Arrays.copyOf(nanos, ok));
    double seconds = ran.seconds();
    out.printf(
        Locale.ROOT,
        "users:        %d/%d created in %.1f s = %.1f users/s (each: Argon2id for the admin's"
            + " Basic auth + Argon2id hash of the new password); %s%n",
        ok,
        n,
        seconds,
        ok / seconds,
        latency.text());
    if (ok < n) {
      out.println("              outcomes: " + outcomes);
      unexpected = true;
    }
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("created", ok);
    f.put("seconds", Latencies.round(seconds));
    f.put("perSecond", Latencies.round(ok / seconds));
    f.put("latencyMs", latency.json());
    f.put("outcomes", outcomes);
    figures.put("userCreation", f);
    if (ok == 0) {
      throw new SetupFailed("no user could be created: " + outcomes);
    }
    deadlineCheck();
    return created;
  }

  // ---- 2. Registration through the wizard ----------------------------------------------------

  private String[] register(boolean[] created, String password) throws InterruptedException {
    int n = options.users();
    progress("registering " + n + " authenticators through the wizard");
    Ran<Registration> ran =
        runAll(
            n,
            i -> {
              if (!created[i]) {
                return new Registration(null, 0, 0, "user not created");
              }
              long start = System.nanoTime();
              try (WizardSession wizard = new WizardSession(options.base(), deadline)) {
                WizardSession.Registered registered = wizard.register(username(i), password);
                return new Registration(
                    registered.secret(), System.nanoTime() - start, registered.signInNanos(), null);
              } catch (Deadline.Exceeded e) {
                return new Registration(null, 0, 0, NOT_SENT);
              } catch (WizardSession.StepFailed e) {
                return new Registration(null, 0, 0, e.getMessage());
              } catch (HttpTimeoutException e) {
                return new Registration(
                    null, 0, 0, deadline.passed() ? "cut off (time cap)" : e.getMessage());
              } catch (IOException | RuntimeException e) {
                return new Registration(null, 0, 0, "error: " + e);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Registration(null, 0, 0, "interrupted");
              }
            });
    String[] secrets = new String[n];
    Map<String, Integer> failures = new TreeMap<>();
    List<Long> whole = new ArrayList<>();
    List<Long> signIn = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Registration r = ran.result(i, new Registration(null, 0, 0, NOT_SENT));
      if (r.secret() != null) {
        secrets[i] = r.secret();
        whole.add(r.nanos());
        signIn.add(r.signInNanos());
      } else {
        failures.merge(r.failure(), 1, Integer::sum);
      }
    }
    double seconds = ran.seconds();
    Latencies wholeLatency = Latencies.ofNanos(toArray(whole));
    Latencies signInLatency = Latencies.ofNanos(toArray(signIn));
    out.printf(
        Locale.ROOT,
        "registration: %d/%d registered in %.1f s = %.1f registrations/s"
            + " (6 requests each, one Argon2id sign-in)%n",
        whole.size(),
        n,
        seconds,
        whole.size() / seconds);
    out.println("              per registration: " + wholeLatency.text());
    out.println("              POST /login alone: " + signInLatency.text());
    if (!failures.isEmpty()) {
      out.println("              failures: " + failures);
      unexpected = true;
    }
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("registered", whole.size());
    f.put("seconds", Latencies.round(seconds));
    f.put("perSecond", Latencies.round(whole.size() / seconds));
    f.put("registrationLatencyMs", wholeLatency.json());
    f.put("signInLatencyMs", signInLatency.json());
    f.put("failures", failures);
    figures.put("registration", f);
    if (whole.isEmpty()) {
      throw new SetupFailed("no authenticator could be registered: " + failures);
    }
    deadlineCheck();
    return secrets;
  }

  // ---- 3. Verification -----------------------------------------------------------------------

  /** Registration used the current step: a code is accepted once per step, so wait. */
  private void waitForNextStep() throws InterruptedException {
    Instant now = Instant.now();
    long step = Totp.step(now, TOTP.periodSeconds());
    Instant next = Instant.ofEpochSecond((step + 1) * TOTP.periodSeconds()).plusMillis(200);
    Duration wait = Duration.between(now, next);
    if (wait.compareTo(deadline.remaining()) >= 0) {
      throw new Deadline.Exceeded();
    }
    progress(
        String.format(Locale.ROOT, "waiting %.1f s for the next TOTP step", wait.toMillis() / 1e3));
    Thread.sleep(wait);
    figures.put("waitSeconds", Latencies.round(wait.toMillis() / 1e3));
  }

  private Call[] verify(String[] secrets, String token, String[] codes)
      throws InterruptedException {
    int n = options.users();
    long[] steps = new long[n];
    List<Integer> users = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (secrets[i] != null) {
        users.add(i);
      }
    }
    progress("verifying " + users.size() + " codes");
    Instant started = Instant.now();
    Ran<Call> ran =
        runAll(
            users.size(),
            k -> {
              int i = users.get(k);
              return timed(
                  () -> {
                    Instant at = Instant.now();
                    steps[i] = Totp.step(at, TOTP.periodSeconds());
                    codes[i] = Totp.generate(Secret.fromBase32(secrets[i]), TOTP, at);
                    return verifyRequest(token, username(i), codes[i]);
                  });
            });
    Call[] calls = new Call[n];
    for (int k = 0; k < users.size(); k++) {
      calls[users.get(k)] = ran.result(k, new Call(NOT_SENT, 0, false));
    }
    long firstStep = Long.MAX_VALUE;
    long lastStep = Long.MIN_VALUE;
    for (int i : users) {
      if (codes[i] != null) {
        firstStep = Math.min(firstStep, steps[i]);
        lastStep = Math.max(lastStep, steps[i]);
      }
    }
    Map<String, Object> f =
        callFigures("verify", users.size(), ran, calls, "200 accepted", "accepted");
    f.put("stepsSpanned", firstStep > lastStep ? 0 : lastStep - firstStep + 1);
    f.put("secondsIntoStepAtStart", Math.floorMod(started.getEpochSecond(), TOTP.periodSeconds()));
    if (lastStep > firstStep) {
      out.println(
          "              (the codes span "
              + (lastStep - firstStep + 1)
              + " TOTP steps: the run crossed a step boundary)");
    }
    figures.put("verify", f);
    return calls;
  }

  private void replay(String[] codes, Call[] verified, String token) throws InterruptedException {
    deadlineCheck();
    int n = options.users();
    List<Integer> users = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (verified[i] != null && verified[i].is("200 accepted")) {
        users.add(i);
      }
    }
    progress("replaying " + users.size() + " accepted codes");
    Ran<Call> ran =
        runAll(
            users.size(),
            k -> {
              int i = users.get(k);
              return timed(() -> verifyRequest(token, username(i), codes[i]));
            });
    Call[] calls = new Call[users.size()];
    for (int k = 0; k < users.size(); k++) {
      calls[k] = ran.result(k, new Call(NOT_SENT, 0, false));
    }
    figures.put(
        "replay", callFigures("replay", users.size(), ran, calls, "code_reused", "codeReused"));
  }

  private HttpRequest verifyRequest(String token, String username, String code) {
    return HttpRequest.newBuilder(java.net.URI.create(options.base() + "/api/v1/verify"))
        .timeout(deadline.requestTimeout())
        .header("User-Agent", USER_AGENT)
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .POST(
            HttpRequest.BodyPublishers.ofString(
                JSON.writeValueAsString(Map.of("username", username, "code", code))))
        .build();
  }

  /** Prints and returns the figures of a verify or replay run; notes any unexpected outcome. */
  private Map<String, Object> callFigures(
      String name, int sent, Ran<Call> ran, Call[] calls, String expected, String expectedKey) {
    Map<String, Integer> outcomes = new TreeMap<>();
    List<Long> answered = new ArrayList<>();
    int hits = 0;
    int serverErrors = 0;
    for (Call call : calls) {
      if (call == null) {
        continue;
      }
      outcomes.merge(call.outcome(), 1, Integer::sum);
      if (call.answered()) {
        answered.add(call.nanos());
      }
      if (call.is(expected)) {
        hits++;
      }
      if (call.outcome().startsWith("5")) {
        serverErrors++;
      }
    }
    double seconds = ran.seconds();
    Latencies latency = Latencies.ofNanos(toArray(answered));
    Map<String, Integer> others = new TreeMap<>(outcomes);
    others.keySet().removeIf(outcome -> new Call(outcome, 0, true).is(expected));
    out.printf(
        Locale.ROOT,
        "%-13s %d sent, %d answered \"%s\", other: %s; %d answers in %.2f s = %.0f %s/s%n",
        name + ":",
        sent,
        hits,
        expected,
        others.isEmpty() ? "none" : others.toString(),
        answered.size(),
        seconds,
        answered.size() / seconds,
        name.equals("verify") ? "verifications" : "replays");
    out.println("              latency: " + latency.text());
    if (hits != sent) {
      unexpected = true;
    }
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("sent", sent);
    f.put(expectedKey, hits);
    f.put("serverErrors", serverErrors);
    f.put("outcomes", outcomes);
    f.put("seconds", Latencies.round(seconds));
    f.put("perSecond", Latencies.round(answered.size() / seconds));
    f.put("latencyMs", latency.json());
    return f;
  }

  // ---- HTTP helpers --------------------------------------------------------------------------

  private HttpRequest adminPost(String path, Map<String, String> body) {
    return HttpRequest.newBuilder(java.net.URI.create(options.base() + path))
        .timeout(deadline.requestTimeout())
        .header("User-Agent", USER_AGENT)
        .header("Authorization", adminAuthorization)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
        .build();
  }

  /** A request that may throw while being built (e.g. the time cap). */
  private interface RequestSupplier {
    HttpRequest get();
  }

  /** Sends a request and times it from just before sending to the whole body received. */
  private Call timed(RequestSupplier request) {
    long start = 0;
    try {
      HttpRequest built = request.get();
      start = System.nanoTime();
      HttpResponse<String> response =
          http.send(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      long nanos = System.nanoTime() - start;
      return new Call(outcome(response), nanos, true);
    } catch (Deadline.Exceeded e) {
      return new Call(NOT_SENT, 0, false);
    } catch (HttpConnectTimeoutException e) {
      return new Call("connect timeout", 0, false);
    } catch (HttpTimeoutException e) {
      return new Call(
          deadline.passed() ? "cut off (time cap)" : "timeout", System.nanoTime() - start, false);
    } catch (IOException | RuntimeException e) {
      return new Call("error: " + e.getClass().getSimpleName(), 0, false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Call("interrupted", 0, false);
    }
  }

  /** {@code 200 accepted}, {@code 422 code_reused}, {@code 201}, {@code 500 internal_error}... */
  private static String outcome(HttpResponse<String> response) {
    int status = response.statusCode();
    try {
      JsonNode body = JSON.readTree(response.body());
      String word =
          status / 100 == 2
              ? body.path("result").asString("")
              : body.path("error").path("code").asString("");
      return word.isEmpty() ? Integer.toString(status) : status + " " + word;
    } catch (JacksonException e) {
      return status + " (not JSON)";
    }
  }

  // ---- Running many tasks --------------------------------------------------------------------

  /** The results of {@link #runAll} by index ({@code null}: not run) and its wall-clock time. */
  private record Ran<T>(AtomicReferenceArray<T> results, long wallNanos) {
    T result(int index, T ifNotRun) {
      T result = results.get(index);
      return result == null ? ifNotRun : result;
    }

    double seconds() {
      return Math.max(wallNanos, 1) / 1e9;
    }
  }

  /**
   * Runs {@code task} for 0..n-1 on {@code --concurrency} threads; stops handing out work when the
   * time cap is reached. A task handles its own failures.
   */
  private <T> Ran<T> runAll(int n, IntFunction<T> task) throws InterruptedException {
    AtomicReferenceArray<T> results = new AtomicReferenceArray<>(n);
    AtomicInteger next = new AtomicInteger();
    int threads = Math.min(options.concurrency(), Math.max(n, 1));
    long start = System.nanoTime();
    ExecutorService pool =
        Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("load-", 1).factory());
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        workers.add(
            pool.submit(
                () -> {
                  for (int i = next.getAndIncrement();
                      i < n && !deadline.passed();
                      i = next.getAndIncrement()) {
                    results.set(i, task.apply(i));
                  }
                }));
      }
      for (Future<?> worker : workers) {
        try {
          worker.get();
        } catch (ExecutionException e) {
          throw new IllegalStateException("a load thread failed", e.getCause());
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return new Ran<>(results, System.nanoTime() - start);
  }

  // ---- Small things --------------------------------------------------------------------------

  private String username(int i) {
    return options.prefix() + String.format(Locale.ROOT, "%05d", i);
  }

  private static String randomPassword() {
    byte[] bytes = new byte[12];
    new SecureRandom().nextBytes(bytes);
    return "pw-" + HexFormat.of().formatHex(bytes);
  }

  private void deadlineCheck() {
    if (deadline.passed()) {
      throw new Deadline.Exceeded();
    }
  }

  private static void progress(String message) {
    System.err.println("VerifyLoad: " + message + " ...");
  }

  /** The first "model name" of /proc/cpuinfo, or "" where there is none. */
  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8).stream()
          .filter(line -> line.startsWith("model name"))
          .map(line -> line.substring(line.indexOf(':') + 1).strip())
          .findFirst()
          .orElse("");
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private static long[] toArray(List<Long> values) {
    long[] array = new long[values.size()];
    for (int i = 0; i < array.length; i++) {
      array[i] = values.get(i);
    }
    return array;
  }

  private void writeJson() {
    if (options.json() == null) {
      return;
    }
    try {
      Path file = options.json();
      Files.writeString(
          file,
          JSON.writerWithDefaultPrettyPrinter().writeValueAsString(figures) + "\n",
          StandardCharsets.UTF_8);
      out.println("figures written to " + file);
    } catch (IOException | JacksonException e) {
      System.err.println("VerifyLoad: cannot write " + options.json() + ": " + e);
      unexpected = true;
    }
  }
}
