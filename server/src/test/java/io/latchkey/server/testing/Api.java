package io.latchkey.server.testing;

import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.user.Accounts;
import io.latchkey.core.user.UserRepository;
import io.latchkey.core.user.Username;
import io.latchkey.core.usertoken.AdminTokens;
import io.latchkey.core.usertoken.TokenKind;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small client of the real server's REST API, as an application or an administrator. */
public final class Api {
  public static final JsonMapper JSON = JsonMapper.builder().build();
  private final String base;
  private final Supplier<String> adminTokens;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * @param adminTokens a fresh admin token per call: its factor proven at the test clock's now, so
   *     every admin call is within the step-up window however far a test moved the clock
   */
  public Api(String base, Supplier<String> adminTokens) {
    this.base = base;
    this.adminTokens = adminTokens;
  }

  /**
   * Admin tokens made in the server's JVM by the one place that makes them, for the bootstrap
   * administrator, as if they had just proven a second factor ({@code AdminLoginIT} proves the real
   * login over HTTP).
   */
  public static Supplier<String> adminTokens(ApplicationContext server) {
    AdminTokens admins = server.getBean(AdminTokens.class);
    UserRepository users = server.getBean(UserRepository.class);
    return () ->
        admins
            .issueAfterFactor(
                users.findByUsername(Username.of(Accounts.ADMIN)).orElseThrow(),
                "a test's factor",
                new RequestContext(
                    CorrelationId.random(new java.security.SecureRandom()), "", "", "test"))
            .token();
  }

  public String base() {
    return base;
  }

  /**
   * Status, correlation header and body of one response.
   *
   * @param adminCall whether the request carried an admin token (only such calls may get the
   *     precise reason of an error)
   */
  public record Response(
      int status, String correlationId, String contentType, String body, boolean adminCall) {
    public Response(int status, String correlationId, String contentType, String body) {
      this(status, correlationId, contentType, body, false);
    }

    public JsonNode json() {
      return JSON.readTree(body);
    }

    public String errorCode() {
      return json().path("error").path("code").asString();
    }
  }

  public Response send(HttpRequest request) {
    try {
      HttpResponse<String> response =
          http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Response(
          response.statusCode(),
          response.headers().firstValue("X-Correlation-Id").orElse(null),
          response.headers().firstValue("Content-Type").orElse(""),
          response.body(),
          request
              .headers()
              .firstValue("Authorization")
              .filter(h -> h.startsWith("Bearer " + TokenKind.ADMIN.prefix()))
              .isPresent());
    } catch (IOException e) {
      throw new AssertionError("request failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
  }

  /** The request with a fresh admin token of the bootstrap administrator. */
  public HttpRequest.Builder asAdmin(HttpRequest.Builder builder) {
    return builder.header("Authorization", "Bearer " + adminToken());
  }

  public String adminToken() {
    return adminTokens.get();
  }

  public Response adminPost(String path, Object body) {
    return send(
        asAdmin(request(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
            .build());
  }

  public Response adminGet(String path) {
    return send(asAdmin(request(path)).GET().build());
  }

  public void createUser(String username, String password) {
    Response response =
        adminPost("/api/v1/admin/users", Map.of("username", username, "password", password));
    if (response.status() != 201) {
      throw new AssertionError("cannot create user: " + response);
    }
  }

  public String createApiKey(String name) {
    Response response = adminPost("/api/v1/admin/api-keys", Map.of("name", name));
    if (response.status() != 201) {
      throw new AssertionError("cannot create API key: " + response);
    }
    return response.json().path("token").asString();
  }

  public Response verify(String token, String username, String code) {
    return send(
        request("/api/v1/verify")
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    JSON.writeValueAsString(Map.of("username", username, "code", code))))
            .build());
  }

  /** An application (API key {@code token}) POSTs JSON. */
  public Response appPost(String token, String path, Object body) {
    return send(
        request(path)
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
            .build());
  }

  public Response appGet(String token, String path) {
    return send(request(path).header("Authorization", "Bearer " + token).GET().build());
  }

  /** An application sends a push sign-in request; fails unless it was created. */
  public JsonNode createChallenge(String token, String username) {
    Response created =
        appPost(
            token,
            "/api/v1/push/challenges",
            Map.of("username", username, "application", "Intranet", "ip", "203.0.113.9"));
    if (created.status() != 201) {
      throw new AssertionError("cannot create a push request: " + created);
    }
    return created.json();
  }

  /** The challenge's status, waiting up to {@code waitSeconds} while it is pending. */
  public String challengeStatus(String token, String challengeId, int waitSeconds) {
    Response status =
        appGet(token, "/api/v1/push/challenges/" + challengeId + "?wait=" + waitSeconds);
    if (status.status() != 200) {
      throw new AssertionError("cannot read a push request: " + status);
    }
    return status.json().path("status").asString();
  }

  public JsonNode auditByCorrelationId(String id) {
    Response response = adminGet("/api/v1/admin/audit?correlationId=" + id);
    if (response.status() != 200) {
      throw new AssertionError("audit search failed: " + response);
    }
    return response.json().path("events");
  }
}
