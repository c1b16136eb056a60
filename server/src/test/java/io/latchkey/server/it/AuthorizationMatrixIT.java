package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.testing.Api;
import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.Phone;
import io.latchkey.server.testing.PushWizard;
import io.latchkey.server.testing.ServerIT;
import io.latchkey.server.testing.UserApiClient;
import io.latchkey.server.testing.WizardClient;
import io.latchkey.server.testing.WizardClient.EnrolledUser;
import io.latchkey.server.testing.WizardClient.Page;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.handler.AbstractUrlHandlerMapping;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;

/**
 * Who reaches what (issue 12): every route the running application registers, against every stage a
 * caller can be in, compared with what {@code authorization-matrix.txt} says the product should
 * answer. The table is the contract; a route without a row, or a row without a route, fails. See
 * the table's header for the outcomes and the stages.
 */
class AuthorizationMatrixIT extends ServerIT {
  private static final String TABLE = "/authorization-matrix.txt";

  /** The columns of the table, in order. */
  static final List<String> STAGES =
      List.of(
          "anon",
          "pwd",
          "pwd-carried",
          "pwd-reset",
          "stale",
          "fresh",
          "link",
          "admin-pwd",
          "admin-fresh",
          "admin-stale",
          "apikey",
          "usertoken",
          "device",
          "basic-admin",
          "admintoken",
          "admintoken-stale",
          "metricstoken");

  /** Routes served by a filter rather than a handler; they have rows too. */
  static final Set<String> FILTER_ROUTES = Set.of("POST /logout");

  /**
   * Probes that end or replace the session, or the credential, they are sent with: each gets a
   * stage of its own, made just before it and used for nothing else.
   */
  static final Set<String> DESTRUCTIVE =
      Set.of(
          "POST /logout",
          "POST /login",
          "POST /enroll/{token}",
          "POST /account/sessions/end-others",
          "DELETE /api/v1/user/sessions/current",
          "DELETE /api/v1/admin/sessions/current");

  private static final String PASSWORD = "correct horse battery";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern VARIABLE = Pattern.compile("\\{(\\*?)([A-Za-z0-9_]+)}");

  @Autowired ApplicationContext context;

  private String apiKey;
  private Phone.DeviceKey deviceKey;

  // ---------------------------------------------------------------------------------------------
  // The routes and the table

  /** Every route of the running application: "METHOD pattern" ("*" for any method). */
  Map<String, Route> registeredRoutes() {
    Map<String, Route> routes = new TreeMap<>();
    for (RequestMappingInfoHandlerMapping mapping :
        context.getBeansOfType(RequestMappingInfoHandlerMapping.class).values()) {
      for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
        Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
        Set<MediaType> consumes = info.getConsumesCondition().getConsumableMediaTypes();
        String type = consumes.isEmpty() ? null : consumes.iterator().next().toString();
        for (String pattern : info.getPatternValues()) {
          if (methods.isEmpty()) {
            routes.put("* " + pattern, new Route("*", pattern, type));
          } else {
            for (RequestMethod method : methods) {
              routes.put(method.name() + " " + pattern, new Route(method.name(), pattern, type));
            }
          }
        }
      }
    }
    // Static resources and the like: URL handler mappings answer GET (and HEAD).
    for (AbstractUrlHandlerMapping mapping :
        context.getBeansOfType(AbstractUrlHandlerMapping.class).values()) {
      for (String pattern : mapping.getHandlerMap().keySet()) {
        routes.put("GET " + pattern, new Route("GET", pattern, null));
      }
      mapping
          .getPathPatternHandlerMap()
          .keySet()
          .forEach(
              p ->
                  routes.put(
                      "GET " + p.getPatternString(), new Route("GET", p.getPatternString(), null)));
    }
    for (String route : FILTER_ROUTES) {
      String[] parts = route.split(" ");
      routes.put(route, new Route(parts[0], parts[1], null));
    }
    return routes;
  }

  /** One registered route: its method ("*" for any), path pattern and the body type it takes. */
  record Route(String method, String pattern, String consumes) {
    String key() {
      return method + " " + pattern;
    }
  }

  /** One expected cell: the outcome, and whether it waits for the admin-token merge ("!"). */
  record Expected(String outcome, boolean pending) {
    static Expected parse(String cell) {
      boolean pending = cell.endsWith("!");
      return new Expected(pending ? cell.substring(0, cell.length() - 1) : cell, pending);
    }

    /** "ok:register": the handler itself redirects to /register, and only that is accepted. */
    boolean accepts(String observed) {
      return outcome.contains(":")
          ? outcome.substring(outcome.indexOf(':') + 1).equals(observed)
          : outcome.equals(observed);
    }
  }

  record Row(String route, List<Expected> cells, int line) {}

  /** The table's rows, in order, with the duplicates the test reports. */
  static List<Row> table() {
    List<Row> rows = new ArrayList<>();
    List<String> lines;
    try (InputStream in = AuthorizationMatrixIT.class.getResourceAsStream(TABLE)) {
      assertThat(in).as(TABLE + " on the test class path").isNotNull();
      lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    boolean header = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      List<String> words = List.of(line.split("\\s+"));
      if (words.get(0).equals("ROUTE")) {
        assertThat(words.subList(1, words.size()))
            .as("the stages of the header line of " + TABLE)
            .isEqualTo(STAGES);
        header = true;
        continue;
      }
      assertThat(header).as(TABLE + ": the ROUTE header comes first").isTrue();
      assertThat(words)
          .as(TABLE + " line " + (i + 1) + ": METHOD path and one cell per stage: " + line)
          .hasSize(2 + STAGES.size());
      List<Expected> cells = new ArrayList<>();
      for (String cell : words.subList(2, words.size())) {
        Expected expected = Expected.parse(cell);
        assertThat(
                Set.of("ok", "login", "verify", "stepup", "register", "link", "403", "401", "csrf"))
            .as(TABLE + " line " + (i + 1) + ": outcome " + cell)
            .contains(
                expected.outcome().contains(":")
                    ? expected.outcome().substring(expected.outcome().indexOf(':') + 1)
                    : expected.outcome());
        cells.add(expected);
      }
      rows.add(new Row(words.get(0) + " " + words.get(1), cells, i + 1));
    }
    return rows;
  }

  @Test
  void everyRouteHasExactlyOneRowAndEveryRowARoute() {
    List<String> problems = completeness(registeredRoutes().keySet(), table());
    assertThat(problems).as(String.join("\n", problems)).isEmpty();
  }

  /** The guard itself: a route left out of the table, or a row twice, is named. */
  @Test
  void aRouteWithoutARowOrARowTwiceIsNamed() {
    List<Row> rows = new ArrayList<>(table());
    Row dropped = rows.remove(rows.size() / 2);
    rows.add(rows.get(0));
    Set<String> registered = new TreeSet<>(registeredRoutes().keySet());
    rows.add(new Row("GET /no/such/route", rows.get(0).cells(), 0));
    assertThat(completeness(registered, rows))
        .containsExactlyInAnyOrder(
            "route " + dropped.route() + " is not in authorization-matrix.txt: classify it",
            "row GET /no/such/route of authorization-matrix.txt names no registered route:"
                + " remove it",
            "row "
                + rows.get(0).route()
                + " (line "
                + rows.get(0).line()
                + ")"
                + " is in authorization-matrix.txt twice");
  }

  static List<String> completeness(Set<String> registered, List<Row> rows) {
    Set<String> seen = new LinkedHashSet<>();
    List<String> duplicates = new ArrayList<>();
    for (Row row : rows) {
      if (!seen.add(row.route())) {
        duplicates.add(row.route() + " (line " + row.line() + ")");
      }
    }
    Set<String> missing = new TreeSet<>(registered);
    missing.removeAll(seen);
    Set<String> gone = new TreeSet<>(seen);
    gone.removeAll(registered);
    List<String> problems = new ArrayList<>();
    missing.forEach(
        r -> problems.add("route " + r + " is not in authorization-matrix.txt: classify it"));
    gone.forEach(
        r ->
            problems.add(
                "row " + r + " of authorization-matrix.txt names no registered route: remove it"));
    duplicates.forEach(r -> problems.add("row " + r + " is in authorization-matrix.txt twice"));
    return problems;
  }

  // ---------------------------------------------------------------------------------------------
  // The stages

  /** A caller in one stage: a cookie jar, maybe a credential header, maybe a device key. */
  final class Stage {
    final String name;
    final WizardClient browser = new WizardClient(baseUrl());
    String authorization;
    boolean deviceSigned;
    String csrf;

    Stage(String name) {
      this.name = name;
    }

    /** A CSRF token of this very session, from the first page it may see that has a form. */
    void takeCsrf() {
      for (String page : List.of("/login/verify", "/register", "/account", "/admin", "/login")) {
        Page answer = browser.get(page);
        Matcher found = Pattern.compile("name=\"_csrf\"").matcher(answer.body());
        if (found.find()) {
          csrf = WizardClient.hiddenInput(answer.body(), "_csrf").orElseThrow();
          return;
        }
      }
      throw new AssertionError("no page of stage " + name + " has a form with a CSRF token");
    }
  }

  Stage stage(String name) {
    Stage stage = new Stage(name);
    switch (name) {
      case "anon",
          "apikey",
          "device",
          "basic-admin",
          "admintoken",
          "admintoken-stale",
          "metricstoken" -> {
        stage.browser.get("/login");
        stage.csrf = stage.browser.csrf();
        if (name.equals("apikey")) {
          stage.authorization = "Bearer " + apiKey();
        } else if (name.equals("basic-admin")) {
          stage.authorization = basicAdmin();
        } else if (name.equals("admintoken")) {
          // An admin login token whose factor was proven now (POST /api/v1/admin/sessions).
          stage.authorization = "Bearer " + api.adminToken();
        } else if (name.equals("admintoken-stale")) {
          stage.authorization = "Bearer " + api.adminToken();
          clock.advance(Duration.ofMinutes(11));
        } else if (name.equals("metricstoken")) {
          Response made =
              api.adminPost(
                  "/api/v1/admin/metrics-tokens", Map.of("name", "matrix-" + System.nanoTime()));
          assertThat(made.status()).as(made.body()).isEqualTo(201);
          stage.authorization = "Bearer " + made.json().path("token").asString();
        } else if (name.equals("device")) {
          deviceKey();
          stage.deviceSigned = true;
        }
        return stage;
      }
      case "pwd" -> {
        EnrolledUser user = WizardClient.enrollNewUser(api, newUsername("m-pwd"), clock.instant());
        signIn(stage, user.username(), "/login/verify");
      }
      case "pwd-carried" -> {
        String other = newUsername("m-carrier");
        api.createUser(other, PASSWORD);
        EnrolledUser victim =
            WizardClient.enrollNewUser(api, newUsername("m-victim"), clock.instant());
        stage.browser.signInOrFail(other, PASSWORD);
        stage.browser.get("/register");
        Page started = stage.browser.post("/register/push/start", Map.of());
        assertThat(started.redirectPath()).as("carrier's push start").isEqualTo("/register/push");
        assertThat(stage.browser.get("/register/push").status()).isEqualTo(200);
        signIn(stage, victim.username(), "/login/verify");
      }
      case "pwd-reset" -> {
        EnrolledUser user =
            WizardClient.enrollNewUser(api, newUsername("m-reset"), clock.instant());
        Response reset =
            api.adminPost(
                "/api/v1/admin/users/" + user.username() + "/reset-mfa",
                Map.of("reason", "authorization matrix"));
        assertThat(reset.status()).as(reset.body()).isEqualTo(200);
        Page signedIn = stage.browser.signIn(user.username(), PASSWORD);
        assertThat(signedIn.isRedirect()).as("sign-in after reset: " + signedIn.status()).isTrue();
      }
      case "stale" -> {
        EnrolledUser user =
            WizardClient.enrollNewUser(api, newUsername("m-stale"), clock.instant());
        prove(stage, user.username(), user.secret());
        clock.advance(Duration.ofMinutes(11));
      }
      case "fresh" -> {
        EnrolledUser user =
            WizardClient.enrollNewUser(api, newUsername("m-fresh"), clock.instant());
        prove(stage, user.username(), user.secret());
      }
      case "link" -> {
        String user = newUsername("m-link");
        assertThat(api.adminPost("/api/v1/admin/users", Map.of("username", user)).status())
            .isEqualTo(201);
        Response issued =
            api.adminPost(
                "/api/v1/admin/users/" + user + "/registration-link",
                Map.of("expiresInMinutes", 120));
        assertThat(issued.status()).as(issued.body()).isEqualTo(201);
        String path = URI.create(issued.json().path("url").asString()).getRawPath();
        assertThat(stage.browser.get(path).status()).isEqualTo(200);
        Page redeemed = stage.browser.post(path, Map.of());
        assertThat(redeemed.redirectPath()).as("redeeming the link").isEqualTo("/register");
      }
      case "admin-pwd", "admin-fresh", "admin-stale" -> {
        String admin = newUsername("m-admin");
        Response created =
            api.adminPost(
                "/api/v1/admin/users",
                Map.of("username", admin, "password", PASSWORD, "admin", true));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String secret = new WizardClient(baseUrl()).register(admin, PASSWORD, clock.instant());
        if (name.equals("admin-pwd")) {
          signIn(stage, admin, "/login/verify");
        } else {
          prove(stage, admin, secret);
          if (name.equals("admin-stale")) {
            clock.advance(Duration.ofMinutes(11));
          }
        }
      }
      case "usertoken" -> {
        EnrolledUser user =
            WizardClient.enrollNewUser(api, newUsername("m-token"), clock.instant());
        clock.nextStep(30);
        stage.browser.get("/login");
        stage.csrf = stage.browser.csrf();
        stage.authorization =
            "Bearer "
                + new UserApiClient(api)
                    .token(user.username(), WizardClient.code(user.secret(), clock.instant()));
        return stage;
      }
      default -> throw new IllegalArgumentException(name);
    }
    stage.takeCsrf();
    return stage;
  }

  private void signIn(Stage stage, String username, String expected) {
    Page signedIn = stage.browser.signIn(username, PASSWORD);
    assertThat(signedIn.redirectPath()).as("sign-in of " + username).isEqualTo(expected);
  }

  /** Password, then the code of the next TOTP step (the registration used up this one). */
  private void prove(Stage stage, String username, String secret) {
    signIn(stage, username, "/login/verify");
    clock.nextStep(30);
    stage.browser.get("/login/verify");
    Page proven =
        stage.browser.post(
            "/login/verify", Map.of("code", WizardClient.code(secret, clock.instant())));
    assertThat(proven.isRedirect())
        .as("second factor of " + username + ": " + proven.status() + " " + proven.body())
        .isTrue();
  }

  private String apiKey() {
    if (apiKey == null) {
      apiKey = api.createApiKey(newUsername("matrix"));
    }
    return apiKey;
  }

  private Phone.DeviceKey deviceKey() {
    if (deviceKey == null) {
      Phone phone = Phone.compliant(clock);
      PushWizard.register(api, newUsername("m-device"), phone);
      deviceKey = phone.deviceKey();
    }
    return deviceKey;
  }

  private static String basicAdmin() {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString(("admin:" + adminPassword()).getBytes(StandardCharsets.UTF_8));
  }

  // ---------------------------------------------------------------------------------------------
  // The probes

  /** A concrete path for a pattern: dummy values for its variables. */
  static String concrete(String pattern) {
    String path = pattern.endsWith("/**") ? pattern.replace("/**", "/matrix-probe") : pattern;
    Matcher m = VARIABLE.matcher(path);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value =
          switch (m.group(1) + m.group(2)) {
            case "username" -> "nobody-matrix";
            case "token" -> "lkr_" + randomToken();
            case "id" -> UUID.randomUUID().toString();
            case "action" -> "reset-mfa";
            default -> m.group(1).isEmpty() ? "probe" : "liveness";
          };
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String randomToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** What one stage gets for one method on one route, classified. */
  record Observed(String outcome, int status, String location, String code) {
    @Override
    public String toString() {
      return outcome
          + " ("
          + status
          + (location == null ? "" : ", Location " + location)
          + (code == null || code.isEmpty() ? "" : ", code " + code)
          + ")";
    }
  }

  Observed probe(Stage stage, String method, Route route) {
    return classify(send(stage, method, concrete(route.pattern()), route));
  }

  Page send(Stage stage, String method, String path, Route route) {
    boolean api = path.startsWith("/api/") || path.startsWith("/actuator/");
    HttpRequest.Builder request = stage.browser.request(path);
    byte[] body = new byte[0];
    if (!method.equals("GET") && !method.equals("DELETE") && !method.equals("HEAD")) {
      String type;
      if (api) {
        type = route.consumes() == null ? "application/json" : route.consumes();
        body =
            (type.startsWith("text/csv") ? "username\n" : type.contains("json") ? "{}" : "x")
                .getBytes(StandardCharsets.UTF_8);
      } else {
        type = "application/x-www-form-urlencoded";
        body =
            (stage.csrf == null ? "" : WizardClient.formBody(Map.of("_csrf", stage.csrf)))
                .getBytes(StandardCharsets.UTF_8);
      }
      request.header("Content-Type", type);
    }
    request.method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    if (stage.authorization != null) {
      request.header("Authorization", stage.authorization);
    }
    if (stage.deviceSigned) {
      long now = clock.instant().getEpochSecond();
      byte[] payload = io.latchkey.core.push.DeviceSignatures.request(method, path, now, body);
      request
          .header(io.latchkey.core.push.DeviceSignatures.DEVICE_HEADER, deviceKey.deviceId())
          .header(io.latchkey.core.push.DeviceSignatures.TIMESTAMP_HEADER, Long.toString(now))
          .header(
              io.latchkey.core.push.DeviceSignatures.SIGNATURE_HEADER,
              Base64.getEncoder()
                  .encodeToString(deviceKey.algorithm().sign(deviceKey.key(), payload)));
    }
    request.timeout(Duration.ofSeconds(20));
    return stage.browser.sendUnlessStream(request.build());
  }

  static Observed classify(Page page) {
    String code = errorCode(page);
    String location = page.location() == null ? null : page.redirectPath();
    String outcome = "ok";
    if (page.isRedirect() && location != null) {
      if (location.equals("/login") || location.equals("/login?expired")) {
        outcome = "login";
      } else if (location.equals("/login/verify")) {
        outcome = "verify";
      } else if (location.startsWith("/login/verify?next=")) {
        outcome = "stepup";
      } else if (location.equals("/register")) {
        outcome = "register";
      }
    } else if (page.status() == 403 && "registration_link_required".equals(code)) {
      outcome = "link";
    } else if (page.status() == 403 && "forbidden".equals(code)) {
      outcome = "403";
    } else if (page.status() == 401 && "unauthorized".equals(code)) {
      outcome = "401";
    } else if ("session_lost".equals(code)) {
      outcome = "csrf";
    }
    return new Observed(outcome, page.status(), page.location(), code);
  }

  private static String errorCode(Page page) {
    if (page.contentType().contains("json")) {
      try {
        return Api.JSON.readTree(page.body()).path("error").path("code").asString();
      } catch (RuntimeException e) {
        return null;
      }
    }
    return page.textOf("error-code").orElse(null);
  }

  // ---------------------------------------------------------------------------------------------
  // The matrix

  @Test
  void everyStageGetsWhatTheTableSays() throws IOException {
    Map<String, Route> routes = registeredRoutes();
    // Every registered route is probed; one without a row is only observed (the other test fails).
    Map<String, Row> byRoute = new LinkedHashMap<>();
    table().forEach(r -> byRoute.putIfAbsent(r.route(), r));
    List<Row> rows =
        routes.keySet().stream()
            .map(
                k ->
                    byRoute.getOrDefault(
                        k, new Row(k, java.util.Collections.nCopies(STAGES.size(), null), 0)))
            .toList();
    List<String> mismatches = new ArrayList<>();
    List<String> pending = new ArrayList<>();
    Map<String, Map<String, String>> observedTable = new LinkedHashMap<>();
    rows.forEach(r -> observedTable.put(r.route(), new LinkedHashMap<>()));
    int cells = 0;
    for (int s = 0; s < STAGES.size(); s++) {
      String name = STAGES.get(s);
      Stage shared = stage(name);
      List<Row> ordered = new ArrayList<>();
      rows.stream().filter(r -> !DESTRUCTIVE.contains(r.route())).forEach(ordered::add);
      rows.stream().filter(r -> DESTRUCTIVE.contains(r.route())).forEach(ordered::add);
      for (Row row : ordered) {
        Route route = routes.get(row.route());
        Stage stage = DESTRUCTIVE.contains(row.route()) ? stage(name) : shared;
        Expected expected = row.cells().get(s);
        List<String> methods =
            route.method().equals("*") ? List.of("GET", "POST") : List.of(route.method());
        List<String> seen = new ArrayList<>();
        for (String method : methods) {
          Observed observed = probe(stage, method, route);
          cells++;
          seen.add(observed.outcome());
          if (expected != null && !expected.accepts(observed.outcome())) {
            String message =
                method
                    + " "
                    + route.pattern()
                    + " × "
                    + name
                    + ": expected "
                    + expected.outcome()
                    + ", got "
                    + observed;
            (expected.pending() ? pending : mismatches).add(message);
          }
        }
        observedTable.get(row.route()).put(name, String.join("/", new LinkedHashSet<>(seen)));
      }
    }
    writeObserved(observedTable);
    List<String> all = new ArrayList<>(mismatches);
    if (!pending.isEmpty()) {
      all.add("-- expected after the admin-token merge (Basic no longer opens the admin API):");
      all.addAll(pending);
    }
    assertThat(all)
        .as(
            all.size()
                + " of "
                + cells
                + " probes differ from authorization-matrix.txt (observed table in"
                + " target/authorization-matrix.observed.txt):\n"
                + String.join("\n", all))
        .isEmpty();
  }

  /**
   * The same routes spelled otherwise (a trailing slash, capitals, doubled or dot segments, a path
   * parameter, HEAD for GET) must not open what the table closes: for a password-only and a stale
   * session, each such request of a route closed to it gets a refusal or an error, never a page.
   */
  @Test
  void otherSpellingsOfAClosedRouteOpenNothing() {
    Map<String, Route> routes = registeredRoutes();
    Map<String, Row> byRoute = new LinkedHashMap<>();
    table().forEach(r -> byRoute.putIfAbsent(r.route(), r));
    List<String> holes = new ArrayList<>();
    int probes = 0;
    for (String name : List.of("pwd", "stale")) {
      Stage stage = stage(name);
      int column = STAGES.indexOf(name);
      for (Route route : routes.values()) {
        Row row = byRoute.get(route.key());
        if (row == null
            || route.pattern().startsWith("/api/")
            || route.pattern().startsWith("/actuator")
            || DESTRUCTIVE.contains(route.key())
            || row.cells().get(column).outcome().startsWith("ok")) {
          continue;
        }
        String method = route.method().equals("*") ? "GET" : route.method();
        String path = concrete(route.pattern());
        List<String[]> variants = new ArrayList<>();
        variants.add(new String[] {method, path + "/"});
        variants.add(new String[] {method, path.toUpperCase(java.util.Locale.ROOT)});
        variants.add(new String[] {method, path.replaceFirst("/", "//")});
        variants.add(new String[] {method, "/login/verify/.." + path});
        variants.add(new String[] {method, "/login/verify/%2e%2e" + path});
        variants.add(new String[] {method, path + ";jsessionid=x"});
        variants.add(new String[] {method, "/login/verify;x=" + path.replace("/", "%2F")});
        if (method.equals("GET")) {
          variants.add(new String[] {"HEAD", path});
        }
        for (String[] variant : variants) {
          Page page = send(stage, variant[0], variant[1], route);
          probes++;
          String location = page.location() == null ? "" : page.redirectPath();
          boolean refused =
              page.status() >= 400
                  || (page.isRedirect()
                      && (location.startsWith("/login") || location.equals("/register")));
          if (!refused) {
            holes.add(
                variant[0]
                    + " "
                    + variant[1]
                    + " × "
                    + name
                    + " (closed as "
                    + route.key()
                    + "): got "
                    + page.status()
                    + (location.isEmpty() ? "" : " -> " + location));
          }
        }
      }
    }
    assertThat(probes).as("variant probes sent").isGreaterThan(200);
    assertThat(holes).as(String.join("\n", holes)).isEmpty();
  }

  /** The observed table, in the file's format, to compare or to start a new row from. */
  private static void writeObserved(Map<String, Map<String, String>> observed) throws IOException {
    StringBuilder out = new StringBuilder();
    out.append(String.format("%-52s", "ROUTE"));
    STAGES.forEach(s -> out.append(String.format(" %-12s", s)));
    out.append('\n');
    observed.forEach(
        (route, cells) -> {
          out.append(String.format("%-52s", route));
          STAGES.forEach(s -> out.append(String.format(" %-12s", cells.getOrDefault(s, "?"))));
          out.append('\n');
        });
    Path target = Path.of("target");
    Files.createDirectories(target);
    Files.writeString(target.resolve("authorization-matrix.observed.txt"), out.toString());
  }
}
