package io.latchkey.app;

import io.latchkey.core.push.DeviceSignatures;
import io.latchkey.core.push.KeyAlgorithm;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.PrivateKey;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The app's side of the user API ({@code /api/v1/user/**}, README): sign in with the password and a
 * second factor, download and upload the encrypted backup, re-bind a push device, sign out.
 * Redirects are not followed (a redirect would carry the password or token elsewhere), and answers
 * are bounded in size.
 */
final class UserApi implements AutoCloseable {
  static final String SESSIONS = "/api/v1/user/sessions";
  static final String CURRENT_SESSION = "/api/v1/user/sessions/current";
  static final String BACKUP = "/api/v1/user/backup";
  private static final int MAX_REPLY_BYTES = 16 * 1024 * 1024 + 1;

  private final URI server;
  private final Clock clock;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(PushClient.CONNECT_TIMEOUT)
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  UserApi(URI server, Clock clock) {
    this.server = server;
    this.clock = clock;
  }

  URI server() {
    return server;
  }

  /** An answer: status, body, {@code X-Correlation-Id} and {@code ETag} (either may be null). */
  record Reply(int status, byte[] body, String correlationId, String etag) {
    Optional<JsonNode> json() {
      return Json.read(body);
    }

    /** As the push client's answer, for {@link ServerError}. */
    PushClient.Reply plain() {
      return new PushClient.Reply(status, body, correlationId);
    }
  }

  /** A signed-in user: the token and who the server says they are. */
  record Session(String token, String userId, String username) {
    @Override
    public String toString() {
      return "Session[" + username + "]";
    }
  }

  /**
   * Signs in.
   *
   * @throws AppException with the server's refusal (wrong password, wrong code, blocked, ...)
   */
  Session signIn(String username, char[] password, String code) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("username", username);
    body.put("password", new String(password));
    body.put("code", code);
    Reply reply =
        send(json(SESSIONS).POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body))));
    if (reply.status() != 201) {
      throw ServerError.of(reply.plain()).toException("Could not sign in to " + server);
    }
    JsonNode answer = reply.json().orElse(null);
    Optional<String> token = Json.string(answer, "token");
    if (token.isEmpty() || !token.get().startsWith("lku_")) {
      throw new AppException("The server at " + server + " answered the sign-in strangely.");
    }
    return new Session(
        token.get(),
        Json.string(answer, "userId").orElse(""),
        Json.string(answer, "username").orElse(username));
  }

  /** Ends the session; a failure here changes nothing the user needs to know. */
  void signOut(Session session) {
    try {
      send(authorized(session, CURRENT_SESSION).DELETE());
    } catch (AppException ignored) {
      // The token expires within minutes anyway.
    }
  }

  /** The stored backup and its version. */
  record Download(byte[] content, long version) {}

  /** The user's backup, or empty when there is none. */
  Optional<Download> download(Session session) {
    Reply reply =
        send(authorized(session, BACKUP).header("Accept", "application/octet-stream").GET());
    if (reply.status() == 404) {
      return Optional.empty();
    }
    if (reply.status() != 200) {
      throw ServerError.of(reply.plain()).toException("Could not download the backup");
    }
    long version =
        version(reply.etag())
            .orElseThrow(
                () ->
                    new AppException(
                        "The server sent the backup without its version; nothing was restored."));
    return Optional.of(new Download(reply.body(), version));
  }

  /**
   * Uploads with the precondition header ({@code If-Match} or {@code If-None-Match}) and its value.
   */
  Reply upload(Session session, byte[] content, String header, String value) {
    return send(
        authorized(session, BACKUP)
            .header("Content-Type", "application/octet-stream")
            .header("Accept", "application/json")
            .header(header, value)
            .PUT(HttpRequest.BodyPublishers.ofByteArray(content)));
  }

  /** {@code POST /api/v1/user/devices/ID/rebind}, signed with the new key (proof of possession). */
  Reply rebind(
      Session session, String deviceId, byte[] body, KeyAlgorithm algorithm, PrivateKey newKey) {
    String path = "/api/v1/user/devices/" + deviceId + "/rebind";
    URI uri = PushClient.endpoint(server, path);
    long now = clock.instant().getEpochSecond();
    String pathAndQuery =
        uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    byte[] signature =
        algorithm.sign(newKey, DeviceSignatures.request("POST", pathAndQuery, now, body));
    return send(
        authorized(session, path)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .header(DeviceSignatures.TIMESTAMP_HEADER, Long.toString(now))
            .header(
                DeviceSignatures.SIGNATURE_HEADER, Base64.getEncoder().encodeToString(signature))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  /** {@code "7"} → 7; anything else (weak tags, lists) → empty. */
  static Optional<Long> version(String etag) {
    if (etag == null || !etag.matches("\"[1-9][0-9]{0,17}\"")) {
      return Optional.empty();
    }
    return Optional.of(Long.parseLong(etag.substring(1, etag.length() - 1)));
  }

  @Override
  public void close() {
    http.shutdownNow();
  }

  private HttpRequest.Builder json(String path) {
    return HttpRequest.newBuilder(PushClient.endpoint(server, path))
        .timeout(PushClient.REQUEST_TIMEOUT)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json");
  }

  private HttpRequest.Builder authorized(Session session, String path) {
    return HttpRequest.newBuilder(PushClient.endpoint(server, path))
        .timeout(PushClient.REQUEST_TIMEOUT)
        .header("Authorization", "Bearer " + session.token());
  }

  private Reply send(HttpRequest.Builder builder) {
    try {
      HttpResponse<InputStream> response =
          http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
      byte[] body;
      try (InputStream in = response.body()) {
        body = in.readNBytes(MAX_REPLY_BYTES);
      }
      if (body.length == MAX_REPLY_BYTES) {
        throw new AppException("The server at " + server + " sent more than the app accepts.");
      }
      return new Reply(
          response.statusCode(),
          body,
          response.headers().firstValue(PushClient.CORRELATION_HEADER).orElse(null),
          response.headers().firstValue("ETag").orElse(null));
    } catch (IOException e) {
      throw PushClient.unreachable(server, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AppException("Interrupted while talking to the server at " + server + ".", e);
    }
  }
}
