package io.latchkey.server.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small client of the real server's REST API, as an application or an administrator. */
public final class Api {
  public static final JsonMapper JSON = JsonMapper.builder().build();
  private final String base;
  private final String adminPassword;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public Api(String base, String adminPassword) {
    this.base = base;
    this.adminPassword = adminPassword;
  }

  public String base() {
    return base;
  }

  /**
   * Status, correlation header and body of one response.
   *
   * @param adminCall whether the request carried the administrator's credentials (only such calls
   *     may get the precise reason of an error)
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
          request.headers().firstValue("Authorization").filter(adminBasic()::equals).isPresent());
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

  public HttpRequest.Builder asAdmin(HttpRequest.Builder builder) {
    return builder.header("Authorization", adminBasic());
  }

  private String adminBasic() {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString(("admin:" + adminPassword).getBytes(StandardCharsets.UTF_8));
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
