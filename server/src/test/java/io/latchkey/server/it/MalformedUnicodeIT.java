package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.Envelopes;
import io.latchkey.server.testing.ServerIT;
import io.latchkey.server.testing.WizardClient;
import io.latchkey.server.testing.WizardClient.EnrolledUser;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;

/**
 * A JSON string may carry an unpaired UTF-16 surrogate ({@code "\ud800"}), which is no character:
 * the Argon2 hasher cannot encode it and threw, so every password field of the API answered 500
 * with a stack trace in the log, before the sign-in was counted or audited (security review of
 * issue 14). Such a string is refused as {@code bad_request}, whatever the field.
 */
class MalformedUnicodeIT extends ServerIT {
  /** An unpaired high surrogate, written as a JSON escape. */
  private static final String LONE = "\\ud800";

  @Test
  void aPasswordWithAnUnpairedSurrogateIsABadRequestAtEverySignIn() {
    EnrolledUser user = WizardClient.enrollNewUser(api, newUsername("lone"), clock.instant());

    Response userApi =
        post(
            "/api/v1/user/sessions",
            "{\"username\":\""
                + user.username()
                + "\",\"password\":\"ab"
                + LONE
                + "cdefgh\",\"code\":\"123456\"}");
    Response adminApi =
        post(
            "/api/v1/admin/sessions",
            "{\"username\":\"admin\",\"password\":\"ab" + LONE + "cdefgh\",\"code\":\"123456\"}");

    Envelopes.assertJsonError(userApi, "bad_request");
    Envelopes.assertJsonError(adminApi, "bad_request");
  }

  @Test
  void aNewPasswordWithAnUnpairedSurrogateIsABadRequest() {
    EnrolledUser user = WizardClient.enrollNewUser(api, newUsername("lone-new"), clock.instant());

    Response created =
        send(
            api.asAdmin(api.request("/api/v1/admin/users"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\""
                            + newUsername("lone-created")
                            + "\",\"password\":\"a long "
                            + LONE
                            + " password\"}"))
                .build());
    Response set =
        send(
            api.asAdmin(api.request("/api/v1/admin/users/" + user.username() + "/password"))
                .header("Content-Type", "application/json")
                .PUT(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"password\":\"a long " + LONE + " password\"}"))
                .build());

    Envelopes.assertJsonError(created, "bad_request");
    Envelopes.assertJsonError(set, "bad_request");
    // The required change at the API sign-in, with the right password and a malformed new one.
    Response given =
        send(
            api.asAdmin(api.request("/api/v1/admin/users/" + user.username() + "/password"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"password\":\"given on paper\"}"))
                .build());
    assertThat(given.status()).as(given.body()).isEqualTo(200);
    Response signIn =
        post(
            "/api/v1/user/sessions",
            "{\"username\":\""
                + user.username()
                + "\",\"password\":\"given on paper\",\"code\":\"123456\",\"newPassword\":\"a"
                + " long "
                + LONE
                + " password\"}");
    Envelopes.assertJsonError(signIn, "bad_request");
  }

  private Response post(String path, String json) {
    return send(
        api.request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  private Response send(HttpRequest request) {
    return api.send(request);
  }
}
