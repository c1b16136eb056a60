package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.user.PasswordHasher;
import io.latchkey.server.LatchkeyServerApplication;
import io.latchkey.server.testing.Api;
import io.latchkey.server.testing.MutableClock;
import io.latchkey.server.testing.ServerIT;
import io.latchkey.server.testing.ServerTestConfiguration;
import io.latchkey.server.testing.TestDatabase;
import io.latchkey.server.testing.WizardClient;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import tools.jackson.databind.JsonNode;

/**
 * The sign-in throttle of issue 14 on two server nodes sharing one database (H2 in one JVM, or
 * PostgreSQL), behind a trusted proxy on loopback that reports each client's address in {@code
 * X-Forwarded-For}: a spray from one address never refuses the owner from another; the limits per
 * name and address, per address and for the server hold exactly under 50 racing requests spread
 * over both nodes; every check costs one hash; every refusal says when to come back, is audited and
 * diagnosed; and a node whose hashing permits are all in use refuses at once.
 */
class SignInThrottleNodesIT extends ServerIT {
  private static final int PER_NAME = 4;
  private static final int PER_ADDRESS = 8;
  private static final int GLOBAL = 12;
  private static final String PASSWORD = "correct horse battery";
  private static final String WRONG = "wrong password!";
  private static final String OWNER = "198.51.100.20";
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private static Path data;
  private static String databaseUrl;
  private static ConfigurableApplicationContext nodeC;
  private static ConfigurableApplicationContext nodeD;
  private static Api apiC;
  private static String baseC;
  private static String baseD;

  @BeforeEach
  void startNodes() throws IOException {
    if (nodeC == null) {
      data = Files.createTempDirectory("latchkey-throttle-");
      databaseUrl = TestDatabase.postgres() ? TestDatabase.jdbcUrl() : null;
      nodeC = node(List.of(), "--latchkey.sign-in.hashing-permits=64");
      nodeD = node(List.of(), "--latchkey.sign-in.hashing-permits=64");
      baseC = base(nodeC);
      baseD = base(nodeD);
      apiC = new Api(baseC, Api.adminTokens(nodeC));
    }
    // Every test starts in fresh windows (the longest is 15 minutes).
    clock.advance(Duration.ofMinutes(16));
    nodeC.getBean(MutableClock.class).sameAs(clock);
    nodeD.getBean(MutableClock.class).sameAs(clock);
  }

  @AfterAll
  static void stopNodes() {
    if (nodeC != null) {
      nodeC.close();
      nodeD.close();
      nodeC = null;
      nodeD = null;
    }
  }

  @Test
  void aSprayFromOneAddressNeverRefusesTheOwnerFromAnother() {
    String carol = newUsername("carol");
    apiC.createUser(carol, PASSWORD);
    String attacker = "203.0.113.7";

    List<Answer> spray = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      spray.add(userSignIn(i % 2 == 0 ? baseC : baseD, carol, WRONG, attacker));
    }
    // Other names from the same address, until the address waits for every name.
    for (int i = 0; i < PER_ADDRESS; i++) {
      spray.add(userSignIn(i % 2 == 0 ? baseC : baseD, newUsername("guess"), WRONG, attacker));
    }

    // Checked: carol's first 4, then other names until the address had 8. Refused: carol's other
    // 26, and the 4 names that came after the address's 8.
    assertThat(spray.stream().filter(a -> a.code().equals("unauthorized"))).hasSize(PER_ADDRESS);
    assertThat(spray.stream().filter(a -> a.code().equals("rate_limited")))
        .hasSize(30)
        .allSatisfy(a -> assertThat(a.retryAfter()).isPositive());
    Answer anyName = userSignIn(baseD, newUsername("fresh"), PASSWORD, attacker);
    assertThat(anyName.code()).isEqualTo("rate_limited");
    assertThat(event(anyName).path("detail").asString())
        .contains("scope=address", "address=203.0.113.7", "attempts=8", "limit=8");
    // The right password from the attacker's address waits too: a delay for that address only.
    assertThat(userSignIn(baseC, carol, PASSWORD, attacker).code()).isEqualTo("rate_limited");

    // The owner, from elsewhere, on every password path and on both nodes: the password is
    // accepted (then the user API asks for the second factor carol has not registered yet).
    assertThat(userSignIn(baseC, carol, PASSWORD, OWNER).code()).isEqualTo("not_enrolled");
    assertThat(userSignIn(baseD, carol, PASSWORD, OWNER).code()).isEqualTo("not_enrolled");
    WizardClient browser = new WizardClient(baseD);
    browser.comeFrom(OWNER);
    WizardClient.Page signedIn = browser.signIn(carol, PASSWORD);
    assertThat(signedIn.isRedirect()).as(signedIn.body()).isTrue();
    assertThat(signedIn.redirectPath()).isEqualTo("/register");
    // Later, still from elsewhere, and after a typo of the owner's own.
    clock.advance(Duration.ofMinutes(1));
    syncNodes();
    assertThat(userSignIn(baseC, carol, WRONG, OWNER).code()).isEqualTo("unauthorized");
    assertThat(userSignIn(baseD, carol, PASSWORD, OWNER).code()).isEqualTo("not_enrolled");
  }

  @Test
  void theAdminLoginIsThrottledByAddressAndTheAdministratorSignsInFromAnother() {
    String attacker = "203.0.113.8";
    List<Answer> spray = new ArrayList<>();
    for (int i = 0; i < PER_NAME + 3; i++) {
      spray.add(adminSignIn(i % 2 == 0 ? baseC : baseD, "admin", WRONG, attacker));
    }
    assertThat(spray.subList(0, PER_NAME)).allMatch(a -> a.code().equals("unauthorized"));
    assertThat(spray.subList(PER_NAME, PER_NAME + 3))
        .allMatch(a -> a.code().equals("rate_limited") && a.status() == 429)
        .allMatch(a -> a.retryAfter() > 0 && a.retryAfter() <= 900);

    // From another address the administrator's password is accepted (the code is checked next).
    assertThat(adminSignIn(baseD, "admin", adminPasswordOfNodes(), OWNER).code())
        .isNotIn("unauthorized", "rate_limited");
  }

  @Test
  void fiftyRacingTriesOfOneNameFromOneAddressAreCheckedExactlyThePerNameLimit() throws Exception {
    String alice = newUsername("alice");
    apiC.createUser(alice, PASSWORD);

    List<Answer> answers = race(i -> userSignIn(node(i), alice, WRONG, "203.0.113.20"));

    assertExactly(answers, PER_NAME);
  }

  @Test
  void fiftyRacingTriesOfManyNamesFromOneAddressAreCheckedExactlyThePerAddressLimit()
      throws Exception {
    List<Answer> answers =
        race(i -> userSignIn(node(i), newUsername("spray"), WRONG, "203.0.113.21"));

    assertExactly(answers, PER_ADDRESS);
    Answer refused = answers.stream().filter(a -> a.status() == 429).findFirst().orElseThrow();
    assertThat(event(refused).path("detail").asString()).contains("scope=address");
  }

  @Test
  void fiftyRacingTriesFromFiftyAddressesAreCheckedExactlyTheGlobalLimit() throws Exception {
    List<Answer> answers =
        race(i -> userSignIn(node(i), newUsername("botnet"), WRONG, "192.0.2." + (i + 1)));

    assertExactly(answers, GLOBAL);
    Answer refused = answers.stream().filter(a -> a.status() == 429).findFirst().orElseThrow();
    assertThat(event(refused).path("detail").asString()).contains("scope=global");
    // The global window ends after a minute: then the next address is checked again.
    clock.advance(Duration.ofMinutes(1));
    syncNodes();
    assertThat(userSignIn(baseC, newUsername("later"), WRONG, "192.0.2.99").code())
        .isEqualTo("unauthorized");
  }

  @Test
  void everyCheckCostsExactlyOneHashAndARefusalNone() {
    String known = newUsername("known");
    apiC.createUser(known, PASSWORD);
    String address = "203.0.113.30";

    double before = passwordChecks();
    userSignIn(baseC, newUsername("nobody"), WRONG, address);
    assertThat(passwordChecks()).isEqualTo(before + 1);
    userSignIn(baseC, known, WRONG, address);
    assertThat(passwordChecks()).isEqualTo(before + 2);
    userSignIn(baseC, known, PASSWORD, address);
    assertThat(passwordChecks()).isEqualTo(before + 3);
    for (int i = 0; i < PER_NAME; i++) {
      userSignIn(baseC, "nobody-" + address, WRONG, address);
    }
    double full = passwordChecks();
    assertThat(userSignIn(baseC, "nobody-" + address, WRONG, address).code())
        .isEqualTo("rate_limited");
    assertThat(passwordChecks()).isEqualTo(full);
  }

  @Test
  void aThrottledSignInIsAuditedAndDiagnosedWithTheAddressAndTheCounts() {
    String dave = newUsername("dave");
    String address = "203.0.113.40";
    for (int i = 0; i < PER_NAME; i++) {
      assertThat(formSignIn(baseC, dave, WRONG, address).code()).isEqualTo("unauthorized");
    }
    Answer refused = formSignIn(baseD, dave, PASSWORD, address);

    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.code()).isEqualTo("rate_limited");
    assertThat(refused.retryAfter()).isBetween(1L, 900L);
    JsonNode event = event(refused);
    assertThat(event.path("reason").asString()).isEqualTo("throttled");
    assertThat(event.path("ip").asString()).isEqualTo(address);

    JsonNode english = diagnosis(refused.correlationId(), "en");
    assertThat(english.path("findings").path(0).path("code").asString())
        .as(english.toString())
        .isEqualTo("sign_in_throttled");
    assertThat(english.path("findings").path(0).path("cause").asString())
        .startsWith("Too many attempts from this address for this name: 203.0.113.40 had made 4")
        .contains("(limit 4)");
    JsonNode japanese = diagnosis(refused.correlationId(), "ja");
    assertThat(japanese.path("findings").path(0).path("cause").asString())
        .startsWith("このアドレスからのこの名前への試行が多すぎます: 203.0.113.40 から")
        .contains("4 回", "上限 4");
  }

  @Test
  void whenEveryHashingPermitIsInUseASignInIsRefusedAtOnceInTheEnvelope() throws Exception {
    HoldingHasher.reset();
    ConfigurableApplicationContext single =
        node(List.of(HoldingHasher.class), "--latchkey.sign-in.hashing-permits=1");
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      single.getBean(MutableClock.class).sameAs(clock);
      String base = base(single);
      String erin = newUsername("erin");
      new Api(base, Api.adminTokens(single)).createUser(erin, PASSWORD);
      Future<Answer> holder =
          pool.submit(() -> userSignIn(base, erin, HoldingHasher.HOLD, "203.0.113.50"));
      assertThat(HoldingHasher.holding.await(60, java.util.concurrent.TimeUnit.SECONDS))
          .as("the held check started on the node's bounded hasher")
          .isTrue();

      Answer busy = userSignIn(base, erin, PASSWORD, OWNER);

      assertThat(busy.status()).isEqualTo(429);
      assertThat(busy.code()).isEqualTo("rate_limited");
      assertThat(busy.retryAfter()).isEqualTo(1);
      assertThat(busy.body().path("error").path("correlationId").asString())
          .isEqualTo(busy.correlationId());
      JsonNode event = event(busy);
      assertThat(event.path("reason").asString()).isEqualTo("hashing_busy");
      assertThat(
              diagnosis(busy.correlationId(), "en")
                  .path("findings")
                  .path(0)
                  .path("code")
                  .asString())
          .isEqualTo("hashing_busy");
      HoldingHasher.release.countDown();
      assertThat(holder.get().code()).isEqualTo("unauthorized");
      // The permit is back, and the refused attempt was not counted: the owner signs in.
      assertThat(userSignIn(base, erin, PASSWORD, OWNER).code()).isEqualTo("not_enrolled");
    } finally {
      HoldingHasher.release.countDown();
      pool.shutdownNow();
      single.close();
    }
  }

  /**
   * A password hasher for one node whose check of {@link #HOLD} keeps its hashing permit until the
   * test releases it; every other password is Argon2id as usual.
   */
  @Configuration(proxyBeanMethods = false)
  static class HoldingHasher {
    static final String HOLD = "hold the permit";
    static volatile CountDownLatch holding;
    static volatile CountDownLatch release;

    static void reset() {
      holding = new CountDownLatch(1);
      release = new CountDownLatch(1);
    }

    @Bean
    @Primary
    @org.springframework.beans.factory.annotation.Qualifier(
        io.latchkey.server.config.CoreConfiguration.ARGON2)
    PasswordHasher holdingPasswordHasher() {
      PasswordHasher argon2 =
          new PasswordHasher() {
            private final org.springframework.security.crypto.argon2.Argon2PasswordEncoder encoder =
                new org.springframework.security.crypto.argon2.Argon2PasswordEncoder(
                    16, 32, 1, 19 * 1024, 2);

            @Override
            public String hash(CharSequence password) {
              return encoder.encode(password);
            }

            @Override
            public boolean matches(CharSequence password, String storedHash) {
              return storedHash != null && encoder.matches(password, storedHash);
            }
          };
      return new PasswordHasher() {
        @Override
        public String hash(CharSequence password) {
          return argon2.hash(password);
        }

        @Override
        public boolean matches(CharSequence password, String storedHash) {
          if (HOLD.contentEquals(password)) {
            holding.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return argon2.matches(password, storedHash);
        }
      };
    }
  }

  // --- helpers ---

  /** One answer: status, error code (empty for a success), Retry-After, correlation ID, body. */
  record Answer(int status, String code, long retryAfter, String correlationId, JsonNode body) {}

  private static ConfigurableApplicationContext node(List<Class<?>> extra, String... settings) {
    List<String> args = new ArrayList<>();
    args.add("--server.port=0");
    args.add("--server.address=127.0.0.1");
    args.add("--latchkey.data=" + data);
    if (databaseUrl != null) {
      args.add("--spring.datasource.url=" + databaseUrl);
    }
    args.add("--latchkey.sign-in.per-name-and-address=" + PER_NAME);
    args.add("--latchkey.sign-in.per-address=" + PER_ADDRESS);
    args.add("--latchkey.sign-in.global=" + GLOBAL);
    // Loopback is the trusted proxy that reports each client's address (X-Forwarded-For).
    args.add("--latchkey.trusted-proxies=127.0.0.1,::1");
    args.addAll(List.of(settings));
    List<Class<?>> sources = new ArrayList<>();
    sources.add(LatchkeyServerApplication.class);
    sources.add(ServerTestConfiguration.class);
    sources.addAll(extra);
    return new SpringApplicationBuilder(sources.toArray(Class<?>[]::new))
        .run(args.toArray(String[]::new));
  }

  private static String base(ConfigurableApplicationContext node) {
    return "http://127.0.0.1:" + node.getEnvironment().getProperty("local.server.port");
  }

  private static String node(int i) {
    return i % 2 == 0 ? baseC : baseD;
  }

  private void syncNodes() {
    nodeC.getBean(MutableClock.class).sameAs(clock);
    nodeD.getBean(MutableClock.class).sameAs(clock);
  }

  private static String adminPasswordOfNodes() {
    try {
      return Files.readString(data.resolve("initial-admin-password"), StandardCharsets.UTF_8)
          .strip();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void assertExactly(List<Answer> answers, int admitted) {
    assertThat(answers).hasSize(50);
    assertThat(answers.stream().filter(a -> a.code().equals("unauthorized"))).hasSize(admitted);
    assertThat(answers.stream().filter(a -> a.code().equals("rate_limited")))
        .hasSize(50 - admitted)
        .allSatisfy(
            a -> {
              assertThat(a.status()).isEqualTo(429);
              assertThat(a.retryAfter()).isPositive();
              assertThat(a.body().path("error").path("correlationId").asString())
                  .isEqualTo(a.correlationId());
            });
  }

  private static List<Answer> race(java.util.function.IntFunction<Answer> request)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(50);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Answer>> futures = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        int n = i;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return request.apply(n);
                }));
      }
      start.countDown();
      List<Answer> answers = new ArrayList<>();
      for (Future<Answer> future : futures) {
        answers.add(future.get());
      }
      return answers;
    } finally {
      pool.shutdownNow();
    }
  }

  private static Answer userSignIn(String base, String username, String password, String from) {
    return json(
        base,
        "/api/v1/user/sessions",
        Map.of("username", username, "password", password, "code", "123456"),
        from);
  }

  private static Answer adminSignIn(String base, String username, String password, String from) {
    return json(
        base,
        "/api/v1/admin/sessions",
        Map.of("username", username, "password", password, "code", "123456"),
        from);
  }

  private static Answer json(String base, String path, Object body, String from) {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .header("X-Forwarded-For", from)
            .POST(HttpRequest.BodyPublishers.ofString(Api.JSON.writeValueAsString(body)))
            .build());
  }

  /** The browser's sign-in form from {@code from}; the code is read from the error page. */
  private static Answer formSignIn(String base, String username, String password, String from) {
    WizardClient browser = new WizardClient(base);
    browser.comeFrom(from);
    WizardClient.Page page = browser.signIn(username, password);
    return new Answer(
        page.status(),
        page.isRedirect() ? "" : page.textOf("error-code").orElse("?"),
        browser.lastHeader("Retry-After").map(Long::parseLong).orElse(0L),
        page.correlationId(),
        Api.JSON.createObjectNode());
  }

  private static Answer send(HttpRequest request) {
    try {
      HttpResponse<String> response =
          HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      JsonNode body =
          response.body().isEmpty()
              ? Api.JSON.createObjectNode()
              : Api.JSON.readTree(response.body());
      return new Answer(
          response.statusCode(),
          body.path("error").path("code").asString(""),
          response.headers().firstValue("Retry-After").map(Long::parseLong).orElse(0L),
          response.headers().firstValue("X-Correlation-Id").orElse(""),
          body);
    } catch (IOException e) {
      throw new AssertionError("request failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The one sign_in.failed event under the answer's correlation ID. */
  private static JsonNode event(Answer answer) {
    List<JsonNode> matching = new ArrayList<>();
    for (JsonNode event : apiC.auditByCorrelationId(answer.correlationId())) {
      if ("sign_in.failed".equals(event.path("type").asString())) {
        matching.add(event);
      }
    }
    assertThat(matching).as("sign_in.failed under " + answer.correlationId()).hasSize(1);
    return matching.getFirst();
  }

  private static JsonNode diagnosis(String correlationId, String language) {
    Api.Response response =
        apiC.send(
            apiC.asAdmin(apiC.request("/api/v1/diagnostics/" + correlationId))
                .header("Accept-Language", language)
                .GET()
                .build());
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.json();
  }

  /** Hashes node C has run ({@code latchkey.password.checks}), read from its metrics. */
  private static double passwordChecks() {
    Api.Response metrics =
        apiC.send(apiC.asAdmin(apiC.request("/actuator/prometheus")).GET().build());
    Matcher checks =
        Pattern.compile("(?m)^latchkey_password_checks_total(?:\\{[^}]*\\})? (\\S+)$")
            .matcher(metrics.body());
    assertThat(checks.find()).as(metrics.body()).isTrue();
    return Double.parseDouble(checks.group(1));
  }
}
