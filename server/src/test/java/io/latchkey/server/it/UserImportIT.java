package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.Envelopes;
import io.latchkey.server.testing.ServerIT;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/v1/admin/users/import}: a CSV file in, one answer per row out (created, exists,
 * refused with the reason and line); a malformed file creates nobody; each user created is audited
 * with the administrator, and so is the import.
 */
class UserImportIT extends ServerIT {

  @Test
  void eachRowIsAnsweredAndTheCreatedUsersHaveNoPassword() {
    String fresh = newUsername("csv");
    String admin = newUsername("csvadmin");
    String existing = newUsername("there");
    api.createUser(existing, "correct horse battery");

    Response imported =
        importCsv(
            "display_name,username,admin\r\n"
                + "\"Doe, Jane \"\"JD\"\"\","
                + fresh
                + ",no\r\n"
                + ",\""
                + admin.toUpperCase(java.util.Locale.ROOT)
                + "\",yes\r\n"
                + "Somebody,"
                + existing
                + ",\r\n"
                + "Bad,a:b,false\r\n"
                + "Twice,"
                + fresh
                + ",false\r\n"
                + "Odd,"
                + newUsername("odd")
                + ",perhaps\r\n");

    assertThat(imported.status()).as(imported.body()).isEqualTo(200);
    JsonNode body = imported.json();
    assertThat(body.path("created").asInt()).isEqualTo(2);
    assertThat(body.path("exists").asInt()).isEqualTo(1);
    assertThat(body.path("refused").asInt()).isEqualTo(3);
    JsonNode rows = body.path("rows");
    assertThat(rows.size()).isEqualTo(6);
    assertRow(rows.get(0), 2, fresh, "created", null);
    assertRow(rows.get(1), 3, admin, "created", null);
    assertRow(rows.get(2), 4, existing, "exists", null);
    assertRow(rows.get(3), 5, "a:b", "refused", "invalid_username");
    assertRow(rows.get(4), 6, fresh, "refused", "duplicate_in_file");
    assertRow(rows.get(5), 7, null, "refused", "invalid_admin");
    assertThat(rows.get(4).path("detail").asString()).contains("line 2");

    JsonNode jane = api.adminGet("/api/v1/admin/users/" + fresh).json();
    assertThat(jane.path("displayName").asString()).isEqualTo("Doe, Jane \"JD\"");
    assertThat(jane.path("admin").asBoolean()).isFalse();
    assertThat(api.adminGet("/api/v1/admin/users/" + admin).json().path("admin").asBoolean())
        .isTrue();
    // No password: signing in with anything is refused like a wrong password.
    Response signIn =
        api.send(
            api.request("/api/v1/admin/users")
                .header(
                    "Authorization",
                    "Basic "
                        + java.util.Base64.getEncoder()
                            .encodeToString((admin + ":").getBytes(StandardCharsets.UTF_8)))
                .GET()
                .build());
    assertThat(signIn.status()).isEqualTo(401);

    JsonNode audit =
        api.adminGet("/api/v1/admin/audit?correlationId=" + imported.correlationId())
            .json()
            .path("events");
    assertThat(audit.toString())
        .contains(
            "user.created", "users.imported", "6 row(s), 2 created, 1 already existed, 3 refused");
    audit.forEach(e -> assertThat(e.path("actor").asString()).isEqualTo("admin"));
  }

  @Test
  void aMalformedFileIsRefusedNamingTheLineAndCreatesNobody() {
    String first = newUsername("first");
    String second = newUsername("second");

    Response refused =
        importCsv("username,admin\n" + first + ",false\n" + second + ",true,extra\n");

    Envelopes.assertJsonError(refused, "bad_request");
    assertThat(refused.json().path("error").path("detail").asString())
        .isEqualTo("malformed CSV, nothing imported: line 3 has 3 field(s) but the header has 2");
    assertThat(refused.json().path("error").path("message").asString())
        .contains("no user was created");
    assertThat(api.adminGet("/api/v1/admin/users/" + first).status()).isEqualTo(404);
    assertThat(api.adminGet("/api/v1/admin/users/" + second).status()).isEqualTo(404);
    JsonNode audit =
        api.adminGet("/api/v1/admin/audit?correlationId=" + refused.correlationId())
            .json()
            .path("events");
    assertThat(audit.size()).isEqualTo(1);
    assertThat(audit.get(0).path("type").asString()).isEqualTo("users.imported");
    assertThat(audit.get(0).path("success").asBoolean()).isFalse();
  }

  @Test
  void theSearchFindsUsersByPartOfTheirNameAndByStatus() {
    String tag = "srch" + System.nanoTime();
    api.createUser(tag + "-one", "correct horse battery");
    api.createUser("x" + tag + "-two", "correct horse battery");
    api.adminPost("/api/v1/admin/users/" + tag + "-one/block", java.util.Map.of("reason", "t"));

    JsonNode all =
        api.adminGet("/api/v1/admin/users?q=" + tag.toUpperCase(java.util.Locale.ROOT)).json();
    JsonNode blocked = api.adminGet("/api/v1/admin/users?q=" + tag + "&status=blocked").json();

    assertThat(all.path("total").asLong()).isEqualTo(2);
    assertThat(all.path("users").get(0).path("username").asString()).isEqualTo(tag + "-one");
    assertThat(all.path("users").get(1).path("username").asString()).isEqualTo("x" + tag + "-two");
    assertThat(blocked.path("total").asLong()).isEqualTo(1);
    Envelopes.assertJsonError(api.adminGet("/api/v1/admin/users?status=asleep"), "bad_request");
  }

  @Test
  void theOpenApiDocumentDescribesTheImportAsATextCsvBody() {
    JsonNode paths = api.send(api.request("/api/openapi.json").GET().build()).json().path("paths");

    JsonNode post = paths.path("/api/v1/admin/users/import").path("post");
    assertThat(post.path("requestBody").path("content").has("text/csv"))
        .as(post.toString())
        .isTrue();
    assertThat(post.path("description").asString()).contains("nothing is created");
    assertThat(paths.path("/api/v1/admin/users").path("get").toString())
        .contains("\"q\"", "\"status\"");
  }

  private Response importCsv(String csv) {
    return api.send(
        api.asAdmin(api.request("/api/v1/admin/users/import"))
            .header("Content-Type", "text/csv")
            .POST(HttpRequest.BodyPublishers.ofString(csv, StandardCharsets.UTF_8))
            .build());
  }

  private static void assertRow(
      JsonNode row, int line, String username, String outcome, String reason) {
    assertThat(row.path("line").asInt()).as(row.toString()).isEqualTo(line);
    if (username != null) {
      assertThat(row.path("username").asString()).as(row.toString()).isEqualTo(username);
    }
    assertThat(row.path("outcome").asString()).as(row.toString()).isEqualTo(outcome);
    if (reason == null) {
      assertThat(row.path("reason").isNull()).as(row.toString()).isTrue();
    } else {
      assertThat(row.path("reason").asString()).as(row.toString()).isEqualTo(reason);
    }
  }
}
