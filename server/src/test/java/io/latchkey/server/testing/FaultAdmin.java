package io.latchkey.server.testing;

import io.latchkey.server.testing.Api.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * Every administrator call of the fault tests, in one place. Their servers are child processes, so
 * no token can be minted in the server's JVM as {@link Api#adminTokens} does: the bootstrap {@code
 * admin} logs in for real over HTTP. On a fresh data folder it has no method yet, so it registers a
 * TOTP authenticator through the wizard with its password (allowed while it has nothing to prove),
 * after choosing a new password on the page the first sign-in leads to (issue 14: the first start's
 * password must be changed), then {@code POST /api/v1/admin/sessions} with the password and a code
 * of a later step (a step is accepted once, and the registration used the current one). Every admin
 * call carries {@code Authorization: Bearer lka_...}; tokens live in the database, so they survive
 * a restart.
 */
public final class FaultAdmin {
  /** Sensitive calls need a factor proven within 10 minutes; log in again well before that. */
  private static final Duration RELOGIN_AFTER = Duration.ofMinutes(8);

  private static final long STEP_SECONDS = 30;

  private final String password;
  private final String secret;
  private final Supplier<Instant> clock;
  private final boolean realClock;
  private final String base;
  private volatile String token;
  private volatile Instant loggedInAt;
  private long lastStep;
  private final Api api;

  private FaultAdmin(
      String base,
      String password,
      String secret,
      long lastStep,
      Supplier<Instant> clock,
      boolean realClock) {
    this.base = base;
    this.password = password;
    this.secret = secret;
    this.lastStep = lastStep;
    this.clock = clock;
    this.realClock = realClock;
    this.api = new Api(base, this::token);
  }

  /**
   * Registers a TOTP authenticator for the bootstrap {@code admin} of a fresh data folder and logs
   * it in.
   *
   * @param clock the server's clock (a {@code FileClock} the child reads, or the real clock)
   * @param realClock whether {@code clock} moves by itself (then a login may wait for the next
   *     step)
   */
  public static FaultAdmin login(
      String base, String password, Supplier<Instant> clock, boolean realClock) {
    Instant now = clock.get();
    WizardClient wizard = new WizardClient(base);
    String current =
        wizard.signInChangingPassword(
            "admin", password, "fault admin " + java.util.UUID.randomUUID());
    String secret = wizard.registerSignedIn(now);
    FaultAdmin admin = new FaultAdmin(base, current, secret, step(now), clock, realClock);
    admin.relogin();
    return admin;
  }

  /** The API of the server, its admin calls with this administrator's token. */
  public Api api() {
    return api;
  }

  /**
   * The same administrator on a restarted server (a new port): the token is in the database and
   * still valid.
   */
  public FaultAdmin on(String newBase) {
    FaultAdmin moved = new FaultAdmin(newBase, password, secret, lastStep, clock, realClock);
    moved.token = token;
    moved.loggedInAt = loggedInAt;
    return moved;
  }

  /** A new admin token, its factor proven now: a code of a step after every step used so far. */
  public synchronized void relogin() {
    long step = Math.max(step(clock.get()), lastStep + 1);
    // The server accepts one step each side of its current one.
    while (step > step(clock.get()) + 1) {
      if (!realClock) {
        throw new AssertionError(
            "no unused TOTP step within the server's window at "
                + clock.get()
                + "; move the clock");
      }
      sleep();
    }
    String code = WizardClient.code(secret, Instant.ofEpochSecond(step * STEP_SECONDS));
    Response response =
        new Api(base, () -> "")
            .send(
                HttpRequest.newBuilder(URI.create(base + "/api/v1/admin/sessions"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            Api.JSON.writeValueAsString(
                                Map.of("username", "admin", "password", password, "code", code))))
                    .build());
    if (response.status() != 201) {
      throw new AssertionError("admin login failed: " + response);
    }
    lastStep = step;
    token = response.json().path("token").asString();
    loggedInAt = clock.get();
  }

  private String token() {
    if (Duration.between(loggedInAt, clock.get()).compareTo(RELOGIN_AFTER) > 0) {
      relogin();
    }
    return token;
  }

  private static long step(Instant at) {
    return Math.floorDiv(at.getEpochSecond(), STEP_SECONDS);
  }

  private static void sleep() {
    try {
      Thread.sleep(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public void createUser(String username, String password) {
    api.createUser(username, password);
  }

  public String createApiKey(String name) {
    return api.createApiKey(name);
  }

  /** {@code GET /api/v1/admin/users/{username}}. */
  public Response user(String username) {
    return api.adminGet("/api/v1/admin/users/" + username);
  }

  /** The kinds of the user's registered methods ({@code totp}, {@code push}, ...). */
  public List<String> methods(String username) {
    Response user = user(username);
    if (user.status() != 200) {
      throw new AssertionError("cannot read user " + username + ": " + user);
    }
    List<String> kinds = new ArrayList<>();
    user.json().path("methods").forEach(m -> kinds.add(m.path("kind").asString()));
    return kinds;
  }

  /** The audit events recorded under a correlation ID. */
  public JsonNode audit(String correlationId) {
    return api.auditByCorrelationId(correlationId);
  }

  /** The audit events of one type about one user. */
  public JsonNode audit(String username, String type) {
    Response response =
        api.adminGet(
            "/api/v1/admin/audit?username="
                + URLEncoder.encode(username, StandardCharsets.UTF_8)
                + "&type="
                + URLEncoder.encode(type, StandardCharsets.UTF_8));
    if (response.status() != 200) {
      throw new AssertionError("audit search failed: " + response);
    }
    return response.json().path("events");
  }

  /** {@code GET /api/v1/diagnostics/{id}}. */
  public Response diagnose(String correlationId) {
    return api.adminGet("/api/v1/diagnostics/" + correlationId);
  }
}
