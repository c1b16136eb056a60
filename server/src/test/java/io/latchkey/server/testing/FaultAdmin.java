package io.latchkey.server.testing;

import io.latchkey.server.testing.Api.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Every administrator call of the fault tests, in one place: how the administrator authenticates is
 * changing (HTTP Basic now; admin login tokens next), and only this class then has to follow.
 */
public final class FaultAdmin {
  private final Api api;

  public FaultAdmin(Api api) {
    this.api = api;
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
