package io.latchkey.server.testing;

import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.enrollment.Enrollment;
import io.latchkey.core.enrollment.EnrollmentService;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserRepository;
import io.latchkey.core.user.Username;
import io.latchkey.server.testing.Api.Response;
import java.net.http.HttpRequest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;

/**
 * The user API over HTTP ({@code /api/v1/user/**}: sign-in with a second factor, the encrypted
 * backup), and users set up for it.
 */
public final class UserApiClient {
  public static final String PASSWORD = "correct horse battery";
  private final Api api;

  public UserApiClient(Api api) {
    this.api = api;
  }

  public Response signIn(String username, String password, String code) {
    return api.send(
        api.request("/api/v1/user/sessions")
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    Api.JSON.writeValueAsString(
                        Map.of("username", username, "password", password, "code", code))))
            .build());
  }

  /** Signs in and fails unless a token came back. */
  public String token(String username, String code) {
    Response response = signIn(username, PASSWORD, code);
    if (response.status() != 201) {
      throw new AssertionError("sign-in failed: " + response);
    }
    return response.json().path("token").asString();
  }

  public Response getBackup(String token) {
    return api.send(
        api.request("/api/v1/user/backup")
            .header("Authorization", "Bearer " + token)
            .GET()
            .build());
  }

  /** PUT the bytes with one precondition header ({@code If-Match} or {@code If-None-Match}). */
  public Response putBackup(String token, byte[] content, String header, String value) {
    HttpRequest.Builder builder =
        api.request("/api/v1/user/backup")
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/octet-stream")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(content));
    if (header != null) {
      builder.header(header, value);
    }
    return api.send(builder.build());
  }

  public Response signOut(String token) {
    return api.send(
        api.request("/api/v1/user/sessions/current")
            .header("Authorization", "Bearer " + token)
            .DELETE()
            .build());
  }

  /** A user with push on {@code phone} and, added later, a TOTP method: both factors. */
  public record PushAndTotpUser(String username, String totpSecret, String totpUri) {}

  /**
   * Registers push for a new user through the wizard with {@code phone}, then a TOTP method through
   * the core registration service (the step of registering it is then used up).
   */
  public static PushAndTotpUser registerPushAndTotp(
      Api api,
      String username,
      Phone phone,
      EnrollmentService enrollments,
      UserRepository users,
      Clock clock) {
    PushWizard.register(api, username, phone);
    User user = users.findByUsername(Username.of(username)).orElseThrow();
    RequestContext context =
        new RequestContext(CorrelationId.random(new SecureRandom()), "127.0.0.1", "it", username);
    Enrollment enrollment = enrollments.begin(user, context);
    String secret = enrollment.secret().base32();
    String uri = enrollments.uriFor(enrollment, user).toUriString();
    enrollments.confirm(user, enrollment.id(), WizardClient.code(secret, clock.instant()), context);
    return new PushAndTotpUser(username, secret, uri);
  }
}
