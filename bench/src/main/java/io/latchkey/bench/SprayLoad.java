package io.latchkey.bench;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
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
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A password spray against a running server (issue 14): not a test, and never part of the build's
 * test run. For {@code --seconds} it
 *
 * <ul>
 *   <li>sends {@code --rate} wrong sign-ins per second ({@code POST /api/v1/user/sessions}) from
 *       {@code --spray-from}, each to one of {@code --names} made-up names, and every tenth to the
 *       owner's name, without waiting for answers (a spray does not slow down when the server
 *       does);
 *   <li>signs the owner in through the browser form ({@code GET}/{@code POST /login}) with the
 *       right password every {@code --owner-every} from {@code --owner-from}; a redirect is a
 *       success;
 *   <li>polls {@code GET /api/v1/device/time} every {@code --time-every} from loopback, one at a
 *       time, and times each answer.
 * </ul>
 *
 * <p>The addresses travel in {@code X-Forwarded-For}: run the server with loopback as a trusted
 * proxy. Before the run it signs the administrator in ({@link AdminAuth}: the bootstrap password, a
 * TOTP factor registered on first use and kept in {@code --secret-file}) and creates the owner. It
 * only talks to the given base URL, which must be on loopback.
 */
public final class SprayLoad {
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]*)\"");

  private SprayLoad() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = options(args);
    String base = options.getOrDefault("url", "http://127.0.0.1:8080");
    String host = URI.create(base).getHost();
    if (!List.of("127.0.0.1", "localhost", "[::1]", "::1").contains(host)) {
      throw new IllegalArgumentException("--url must be on loopback: " + base);
    }
    Duration seconds = Duration.ofSeconds(Long.parseLong(options.getOrDefault("seconds", "120")));
    int rate = Integer.parseInt(options.getOrDefault("rate", "100"));
    int names = Integer.parseInt(options.getOrDefault("names", "120"));
    String sprayFrom = options.getOrDefault("spray-from", "203.0.113.7");
    String ownerFrom = options.getOrDefault("owner-from", "198.51.100.20");
    Duration ownerEvery =
        Duration.ofMillis(Long.parseLong(options.getOrDefault("owner-every-ms", "1000")));
    Duration timeEvery =
        Duration.ofMillis(Long.parseLong(options.getOrDefault("time-every-ms", "100")));
    String owner = options.getOrDefault("owner", "carol");
    String ownerPassword = options.getOrDefault("owner-password", "carol's long passphrase");
    Path secretFile =
        Path.of(
            options.getOrDefault(
                "secret-file",
                Path.of(System.getProperty("java.io.tmpdir"), "latchkey-spray-admin-totp")
                    .toString()));
    // The first sign-in must change the first start's password (issue 14): AdminAuth does, and
    // keeps the new one here for the next runs.
    Path changedPassword = Path.of(secretFile + "-password");
    String adminPassword =
        Files.readString(
                Files.exists(changedPassword)
                    ? changedPassword
                    : Path.of(required(options, "admin-password-file")))
            .strip();

    SoakHttp admin = new SoakHttp(base, 50, new SoakStats());
    AdminAuth auth =
        AdminAuth.connect(
            admin,
            "admin",
            adminPassword,
            new Deadline(Duration.ofMinutes(5)),
            secretFile,
            changedPassword);
    SoakHttp.Answer created =
        admin.send(
            "admin.create-user",
            admin
                .request("/api/v1/admin/users")
                .header("Authorization", auth.header())
                .header("Content-Type", "application/json")
                .POST(SoakHttp.json(Map.of("username", owner, "password", ownerPassword)))
                .build());
    if (!created.is(201) && !created.outcome().equals("409 conflict")) {
      throw new IllegalStateException("creating the owner answered " + created.outcome());
    }
    admin.close();

    HttpClient spray =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();
    Map<String, AtomicLong> sprayOutcomes = new ConcurrentHashMap<>();
    Map<String, AtomicLong> retryAfter = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<Long> sprayNanos = new ConcurrentLinkedQueue<>();
    AtomicLong sent = new AtomicLong();
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    long periodNanos = 1_000_000_000L / rate;
    scheduler.scheduleAtFixedRate(
        () -> {
          long n = sent.getAndIncrement();
          String name = n % 10 == 9 ? owner : "spray-" + (n % names);
          HttpRequest request =
              HttpRequest.newBuilder(URI.create(base + "/api/v1/user/sessions"))
                  .timeout(Duration.ofSeconds(30))
                  .header("Content-Type", "application/json")
                  .header("X-Forwarded-For", sprayFrom)
                  .POST(
                      SoakHttp.json(
                          Map.of("username", name, "password", "wrong-" + n, "code", "000000")))
                  .build();
          long start = System.nanoTime();
          spray
              .sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
              .whenComplete(
                  (response, error) -> {
                    String outcome =
                        error != null
                            ? "error " + error.getClass().getSimpleName()
                            : SoakHttp.outcome(response.statusCode(), response.body());
                    sprayOutcomes.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
                    if (response != null && response.statusCode() == 429) {
                      String header = response.headers().firstValue("Retry-After").orElse("none");
                      retryAfter.computeIfAbsent(header, k -> new AtomicLong()).incrementAndGet();
                    }
                    sprayNanos.add(System.nanoTime() - start);
                  });
        },
        0,
        periodNanos,
        TimeUnit.NANOSECONDS);

    long end = System.nanoTime() + seconds.toNanos();
    Thread ownerThread =
        Thread.ofVirtual()
            .start(() -> ownerLoop(base, owner, ownerPassword, ownerFrom, ownerEvery, end));
    List<Long> timeNanos = new ArrayList<>();
    Map<String, AtomicLong> timeOutcomes = new TreeMap<>();
    try (HttpClient poller =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build()) {
      while (System.nanoTime() < end) {
        long start = System.nanoTime();
        String outcome;
        try {
          HttpResponse<String> response =
              poller.send(
                  HttpRequest.newBuilder(URI.create(base + "/api/v1/device/time"))
                      .timeout(Duration.ofSeconds(30))
                      .GET()
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          outcome = Integer.toString(response.statusCode());
        } catch (IOException e) {
          outcome = "error " + e.getClass().getSimpleName();
        }
        long took = System.nanoTime() - start;
        timeNanos.add(took);
        timeOutcomes.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
        long sleep = timeEvery.toNanos() - took;
        if (sleep > 0) {
          Thread.sleep(Duration.ofNanos(sleep));
        }
      }
    }
    scheduler.shutdownNow();
    ownerThread.join();
    Thread.sleep(2000); // the last sprayed requests' answers
    spray.close();

    System.out.println("spray: " + sent.get() + " wrong sign-ins sent from " + sprayFrom);
    System.out.println("  answers: " + new TreeMap<>(sprayOutcomes));
    System.out.println("  Retry-After on 429: " + new TreeMap<>(retryAfter));
    System.out.println(
        "  latency: "
            + Latencies.ofNanos(sprayNanos.stream().mapToLong(Long::longValue).toArray()).text());
    System.out.println(
        "owner "
            + owner
            + " from "
            + ownerFrom
            + ": "
            + OWNER_OUTCOMES
            + "; latency "
            + Latencies.ofNanos(OWNER_NANOS.stream().mapToLong(Long::longValue).toArray()).text());
    System.out.println(
        "GET /api/v1/device/time: "
            + timeOutcomes
            + "; latency "
            + Latencies.ofNanos(timeNanos.stream().mapToLong(Long::longValue).toArray()).text());
  }

  private static final Map<String, AtomicLong> OWNER_OUTCOMES = new ConcurrentHashMap<>();
  private static final ConcurrentLinkedQueue<Long> OWNER_NANOS = new ConcurrentLinkedQueue<>();

  /** The owner's browser: the form, with its CSRF token, from the owner's address. */
  private static void ownerLoop(
      String base, String owner, String password, String from, Duration every, long end) {
    while (System.nanoTime() < end) {
      long start = System.nanoTime();
      String outcome;
      try (HttpClient browser =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .cookieHandler(new CookieManager())
              .followRedirects(HttpClient.Redirect.NEVER)
              .connectTimeout(Duration.ofSeconds(5))
              .build()) {
        HttpResponse<String> form =
            browser.send(
                HttpRequest.newBuilder(URI.create(base + "/login"))
                    .header("X-Forwarded-For", from)
                    .timeout(Duration.ofSeconds(30))
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher csrf = CSRF.matcher(form.body());
        if (!csrf.find()) {
          outcome = "no form (" + form.statusCode() + ")";
        } else {
          String body =
              "_csrf="
                  + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8)
                  + "&username="
                  + URLEncoder.encode(owner, StandardCharsets.UTF_8)
                  + "&password="
                  + URLEncoder.encode(password, StandardCharsets.UTF_8);
          HttpResponse<String> answer =
              browser.send(
                  HttpRequest.newBuilder(URI.create(base + "/login"))
                      .header("X-Forwarded-For", from)
                      .header("Content-Type", "application/x-www-form-urlencoded")
                      .timeout(Duration.ofSeconds(30))
                      .POST(HttpRequest.BodyPublishers.ofString(body))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          outcome = answer.statusCode() / 100 == 3 ? "signed in" : "refused " + answer.statusCode();
        }
      } catch (IOException e) {
        outcome = "error " + e.getClass().getSimpleName();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      OWNER_NANOS.add(System.nanoTime() - start);
      OWNER_OUTCOMES.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
      try {
        Thread.sleep(every);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> out = new TreeMap<>();
    for (String arg : args) {
      if (!arg.startsWith("--") || !arg.contains("=")) {
        throw new IllegalArgumentException("options are --name=value: " + arg);
      }
      out.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
    }
    return out;
  }

  private static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return value;
  }
}
