package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.ServerIT;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A caller who is who they say but may not do what they ask (SECURITY-TESTS G3): a user's own
 * password at the admin API or at the metrics, an application's key at the admin API. Each gets a
 * 403 in the envelope, and the admin finds the attempt, with who made it, by the correlation ID.
 */
class ApiForbiddenAuditIT extends ServerIT {
  private static final String PASSWORD = "correct horse battery";

  @Test
  void aUsersPasswordAtTheAdminApiIsRefusedAndAuditedWithTheUser() {
    String username = newUsername("mallory");
    api.createUser(username, PASSWORD);

    Response refused =
        api.send(
            api.request("/api/v1/admin/users?q=a")
                .header("Authorization", basic(username, PASSWORD))
                .GET()
                .build());

    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.errorCode()).isEqualTo("forbidden");
    JsonNode event = rejected(refused);
    assertThat(event.path("actor").asString()).isEqualTo(username);
    assertThat(event.path("username").asString()).isEqualTo(username);
    assertThat(event.path("detail").asString()).isEqualTo("GET /api/v1/admin/users: not allowed");
    // The user's own trail shows it too.
    assertThat(
            api.adminGet("/api/v1/admin/audit?type=request.rejected&username=" + username)
                .json()
                .path("events")
                .size())
        .isEqualTo(1);
  }

  @Test
  void anApplicationsKeyAtTheAdminApiAndAUserAtTheMetricsAreAuditedToo() {
    String app = "curious-app-" + System.nanoTime();
    String key = api.createApiKey(app);
    Response byApp = api.appPost(key, "/api/v1/admin/users/anyone/block", java.util.Map.of());
    assertThat(byApp.status()).isEqualTo(403);
    assertThat(rejected(byApp).path("actor").asString()).isEqualTo("api-key:" + app);

    String username = newUsername("metrics");
    api.createUser(username, PASSWORD);
    Response metrics =
        api.send(
            api.request("/actuator/prometheus")
                .header("Authorization", basic(username, PASSWORD))
                .GET()
                .build());
    assertThat(metrics.status()).isEqualTo(403);
    assertThat(metrics.errorCode()).isEqualTo("forbidden");
    assertThat(rejected(metrics).path("detail").asString())
        .isEqualTo("GET /actuator/prometheus: not allowed");
  }

  private JsonNode rejected(Response refused) {
    assertThat(refused.correlationId()).isNotBlank();
    JsonNode events = api.auditByCorrelationId(refused.correlationId());
    assertThat(events.size()).as(events.toString()).isEqualTo(1);
    JsonNode event = events.path(0);
    assertThat(event.path("type").asString()).isEqualTo("request.rejected");
    assertThat(event.path("success").asBoolean()).isFalse();
    assertThat(event.path("reason").asString()).isEqualTo("forbidden");
    return event;
  }

  private static String basic(String username, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
  }
}
