package io.latchkey.server.testing;

import io.latchkey.server.testing.Api.Response;
import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Changes the policy of the server under test the way an administrator does, through {@code
 * /api/v1/admin/policy}, and puts the initial policy (version 0) back after a test: the server is
 * shared by every test of the JVM.
 */
public final class PolicyChanges {
  public static final String PATH = "/api/v1/admin/policy";

  private PolicyChanges() {}

  public static JsonNode current(Api api) {
    Response current = api.adminGet(PATH);
    if (current.status() != 200) {
      throw new AssertionError("GET " + PATH + " -> " + current.status() + " " + current.body());
    }
    return current.json();
  }

  /** PATCH with these settings (JSON values: numbers, strings, arrays) and a reason. */
  public static Response patch(Api api, Map<String, ?> settings, Long ifVersion) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("reason", "integration test");
    if (ifVersion != null) {
      body.put("ifVersion", ifVersion);
    }
    body.put("settings", settings);
    return send(api, "PATCH", body);
  }

  public static Response send(Api api, String method, Object body) {
    return api.send(
        api.asAdmin(api.request(PATH))
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(Api.JSON.writeValueAsString(body)))
            .build());
  }

  /** Changes some settings, or fails the test; returns the new current policy. */
  public static JsonNode set(Api api, Map<String, ?> settings) {
    Response changed = patch(api, settings, null);
    if (changed.status() != 200) {
      throw new AssertionError("PATCH " + PATH + " -> " + changed.status() + " " + changed.body());
    }
    return changed.json();
  }

  /** Puts version 0's settings back (a new version), unless they are in force already. */
  public static void restoreInitial(Api api) {
    JsonNode history = api.adminGet(PATH + "/history?limit=1000").json().path("versions");
    JsonNode initial = history.get(history.size() - 1);
    if (initial.path("version").asLong() != 0) {
      throw new AssertionError("version 0 is not last in the history");
    }
    JsonNode current = current(api);
    if (current.path("settings").equals(initial.path("settings"))) {
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("reason", "integration test: back to the initial policy");
    body.put("ifVersion", current.path("version").asLong());
    body.put("settings", initial.path("settings"));
    Response restored = send(api, "PUT", body);
    if (restored.status() != 200) {
      throw new AssertionError("PUT " + PATH + " -> " + restored.status() + " " + restored.body());
    }
  }
}
