package io.latchkey.launcher.admin;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The server's admin REST API as an administrator's script sees it: an admin token from {@code
 * latchkey admin login} (the server takes no password alone), JSON both ways, and every failure
 * turned into one sentence — the server's error envelope with its correlation ID (what the
 * administrator looks up), or a plain sentence when the server could not be reached.
 */
final class AdminClient {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final String server;
  private final String authorization;
  private final HttpClient http;
  private final JsonMapper json;

  /**
   * @param server the base URL, e.g. {@code http://127.0.0.1:8080}, without a trailing slash
   * @param token the admin token sent as {@code Authorization: Bearer}; null for the login itself
   */
  AdminClient(String server, String token, JsonMapper json) {
    this.server = server;
    this.authorization = token == null ? null : "Bearer " + token;
    this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    this.json = json;
  }

  JsonNode get(String path) throws AdminException {
    return send(request(path).GET());
  }

  JsonNode post(String path, Map<String, ?> body) throws AdminException {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body))));
  }

  JsonNode put(String path, Map<String, ?> body) throws AdminException {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body))));
  }

  /** POSTs a body that is not JSON (a CSV file), answered in JSON. */
  JsonNode post(String path, String contentType, byte[] body) throws AdminException {
    return send(
        request(path)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  JsonNode patch(String path, Map<String, ?> body) throws AdminException {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body))));
  }

  JsonNode delete(String path) throws AdminException {
    return send(request(path).DELETE());
  }

  /**
   * One path segment, percent-encoded as RFC 3986 wants: {@link URLEncoder} is for forms and writes
   * a space as {@code +}, which in a path is a plus sign.
   */
  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** A query string ({@code ?a=1&b=2}) of the non-null values, or "" when there are none. */
  static String query(Map<String, String> parameters) {
    StringJoiner out = new StringJoiner("&", "?", "").setEmptyValue("");
    parameters.forEach(
        (name, value) -> {
          if (value != null) {
            out.add(segment(name) + "=" + segment(value));
          }
        });
    return out.toString();
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server + path))
            .timeout(REQUEST_TIMEOUT)
            .header("Accept", "application/json")
            // The server words its error messages in the administrator's language.
            .header("Accept-Language", Locale.getDefault().toLanguageTag());
    return authorization == null ? request : request.header("Authorization", authorization);
  }

  private JsonNode send(HttpRequest.Builder request) throws AdminException {
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpConnectTimeoutException e) {
      throw unreachable("the connection timed out");
    } catch (HttpTimeoutException e) {
      throw new AdminException(
          "The Latchkey server at "
              + server
              + " did not answer within "
              + REQUEST_TIMEOUT.toSeconds()
              + " seconds.");
    } catch (ConnectException e) {
      throw unreachable(e.getCause() instanceof UnresolvedAddressException ? "unknown host" : null);
    } catch (IOException e) {
      throw new AdminException(
          "Could not talk to the Latchkey server at " + server + ": " + describe(e) + ".");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AdminException("Interrupted while waiting for the server.");
    }
    if (response.statusCode() == 204) {
      return json.createObjectNode();
    }
    JsonNode body = parse(response.body());
    if (response.statusCode() / 100 == 2) {
      if (body == null) {
        throw unexpected(response, "a reply that is not JSON");
      }
      return body;
    }
    JsonNode error = body == null ? null : body.get("error");
    if (error == null || !error.isObject()) {
      throw unexpected(response, "an error without Latchkey's error envelope");
    }
    String detail = error.hasNonNull("detail") ? text(error, "detail") : "";
    throw new AdminException(
        "error: "
            + text(error, "message")
            + (detail.isBlank() ? "" : " Reason: " + detail + ".")
            + " (code "
            + text(error, "code")
            + ", correlation ID "
            + text(error, "correlationId")
            + ", "
            + text(error, "timestamp")
            + ")",
        text(error, "code"));
  }

  private JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      return json.readTree(body);
    } catch (JacksonException e) {
      return null;
    }
  }

  /** Something else answered (a proxy, another program on the port): say so, with what we have. */
  private AdminException unexpected(HttpResponse<String> response, String what) {
    String correlation =
        response
            .headers()
            .firstValue("X-Correlation-Id")
            .map(id -> ", correlation ID " + id)
            .orElse(", no correlation ID: is this a Latchkey server?");
    return new AdminException(
        "error: "
            + server
            + " sent "
            + what
            + " (HTTP "
            + response.statusCode()
            + correlation
            + ")");
  }

  private AdminException unreachable(String why) {
    return new AdminException(
        "The Latchkey server is not reachable at "
            + server
            + (why == null ? "" : " (" + why + ")")
            + ". Is it running? Start it with './latchkey server', or point --server or"
            + " LATCHKEY_SERVER at it.");
  }

  static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value == null || value.isNull() ? null : value.asString();
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
