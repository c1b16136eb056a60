package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.ServerIT;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/** The published contract around the API: its OpenAPI document, health, the first start. */
class ServerContractIT extends ServerIT {

  @Test
  void theOpenApiDocumentDescribesTheVerificationAndAdminApi() {
    Response response = api.send(api.request("/api/openapi.json").GET().build());
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.correlationId()).isNotBlank();
    var paths = response.json().path("paths");
    assertThat(paths.has("/api/v1/verify")).isTrue();
    assertThat(paths.has("/api/v1/admin/users")).isTrue();
    assertThat(paths.has("/api/v1/admin/api-keys")).isTrue();
    assertThat(paths.has("/api/v1/admin/audit")).isTrue();
  }

  @Test
  void healthIsUpWithoutSigningIn() {
    Response response = api.send(api.request("/actuator/health").GET().build());
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().path("status").asString()).isEqualTo("UP");
  }

  @Test
  void livenessAndReadinessAreUpForLoadBalancers() {
    for (String probe : new String[] {"/actuator/health/liveness", "/actuator/health/readiness"}) {
      Response response = api.send(api.request(probe).GET().build());
      assertThat(response.status()).as(probe).isEqualTo(200);
      assertThat(response.json().path("status").asString()).as(probe).isEqualTo("UP");
    }
  }

  @Test
  void prometheusCountsEventsAndErrorsForAdministratorsOnly() {
    Response stranger = api.send(api.request("/actuator/prometheus").GET().build());
    assertThat(stranger.status()).isEqualTo(401);
    assertThat(stranger.errorCode()).isEqualTo("unauthorized");

    String token = api.createApiKey("metrics-app");
    Response refused = api.verify(token, newUsername("nobody"), "123456");
    assertThat(refused.errorCode()).isEqualTo("not_found");

    Response metrics = api.send(api.asAdmin(api.request("/actuator/prometheus")).GET().build());
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.body())
        .containsPattern(
            "latchkey_events_total\\{[^}]*outcome=\"success\"[^}]*type=\"api_key.created\"")
        .containsPattern(
            "latchkey_events_total\\{[^}]*outcome=\"failure\"[^}]*type=\"verification.rejected\"")
        .containsPattern("latchkey_errors_total\\{code=\"not_found\"");
  }

  @Test
  void theFirstStartLeftTheAdminPasswordInAFileOnlyItsOwnerCanRead() throws Exception {
    var file = DATA.resolve("initial-admin-password");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(file).strip()).hasSizeGreaterThanOrEqualTo(20);
    // The password in it signs the administrator in; the audit log holds the bootstrap.
    Response users = api.adminGet("/api/v1/admin/users");
    assertThat(users.status()).isEqualTo(200);
    assertThat(users.body()).contains("\"username\":\"admin\"");
    Response audit = api.adminGet("/api/v1/admin/audit?type=admin.bootstrapped");
    assertThat(audit.json().path("events").size()).isEqualTo(1);
  }

  @Test
  void theWizardPageRedirectsAStrangerToSignIn() {
    Response response = api.send(api.request("/register").GET().build());
    assertThat(response.status()).isEqualTo(302);
    assertThat(response.correlationId()).isNotBlank();
  }
}
