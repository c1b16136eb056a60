package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.ServerIT;
import io.latchkey.server.testing.UserApiClient;
import io.latchkey.server.testing.WizardClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A caller who may not do what they ask (SECURITY-TESTS G3), found by the admin with who made it by
 * the correlation ID: a user's password or an application's key at the admin API is told to sign in
 * as an administrator (401, {@code access.refused}, issue 12); a user's token at the metrics is
 * refused with 403 ({@code request.rejected}).
 */
class ApiForbiddenAuditIT extends ServerIT {
  private static final String PASSWORD = "correct horse battery";

  @Test
  void aUsersPasswordAtTheAdminApiIsRefusedAndAuditedAsAMissingAdminLogin() {
    String username = newUsername("mallory");
    api.createUser(username, PASSWORD);

    Response refused =
        api.send(
            api.request("/api/v1/admin/users?q=a")
                .header("Authorization", basic(username, PASSWORD))
                .GET()
                .build());

    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.errorCode()).isEqualTo("unauthorized");
    JsonNode event = refusedEvent(refused, "access.refused", "admin_login_required");
    assertThat(event.path("actor").asString()).isEqualTo("anonymous");
    assertThat(event.path("detail").asString())
        .isEqualTo("GET /api/v1/admin/users: no admin login (HTTP Basic is not accepted)");
  }

  @Test
  void anApplicationsKeyAtTheAdminApiAndAUserTokenAtTheMetricsAreAuditedToo() {
    String app = "curious-app-" + System.nanoTime();
    String key = api.createApiKey(app);
    Response byApp = api.appPost(key, "/api/v1/admin/users/anyone/block", java.util.Map.of());
    assertThat(byApp.status()).isEqualTo(401);
    assertThat(
            refusedEvent(byApp, "access.refused", "admin_login_required").path("actor").asString())
        .isEqualTo("api-key:" + app);

    WizardClient.EnrolledUser user =
        WizardClient.enrollNewUser(api, newUsername("metrics"), clock.instant());
    clock.nextStep(30);
    String token =
        new UserApiClient(api)
            .token(user.username(), WizardClient.code(user.secret(), clock.instant()));
    Response metrics =
        api.send(
            api.request("/actuator/prometheus")
                .header("Authorization", "Bearer " + token)
                .GET()
                .build());
    assertThat(metrics.status()).isEqualTo(403);
    assertThat(metrics.errorCode()).isEqualTo("forbidden");
    JsonNode event = refusedEvent(metrics, "request.rejected", "forbidden");
    assertThat(event.path("username").asString()).isEqualTo(user.username());
    assertThat(event.path("detail").asString()).isEqualTo("GET /actuator/prometheus: not allowed");
  }

  private JsonNode refusedEvent(Response refused, String type, String reason) {
    assertThat(refused.correlationId()).isNotBlank();
    JsonNode events = api.auditByCorrelationId(refused.correlationId());
    assertThat(events.size()).as(events.toString()).isEqualTo(1);
    JsonNode event = events.path(0);
    assertThat(event.path("type").asString()).isEqualTo(type);
    assertThat(event.path("success").asBoolean()).isFalse();
    assertThat(event.path("reason").asString()).isEqualTo(reason);
    return event;
  }

  private static String basic(String username, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
  }
}
