package io.latchkey.app;

import io.latchkey.core.push.DeviceSignatures;
import io.latchkey.core.push.KeyAlgorithm;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLException;
import tools.jackson.databind.JsonNode;

/**
 * The app's side of the push protocol's HTTP (docs/PUSH-PROTOCOL.md §2, §3): builds the request
 * paths from a server's base URL, signs requests with a device key, and turns a server that cannot
 * be reached into one plain sentence. Answers are bounded in size, redirects are not followed (a
 * redirected request would no longer match its signature), and the signing time is the app's clock.
 */
final class PushClient implements AutoCloseable {
  static final String ACTIVATE = "/api/v1/device/activate";
  static final String STREAM = "/api/v1/device/stream";
  static final String CHALLENGES = "/api/v1/device/challenges";
  static final String TIME = "/api/v1/device/time";
  static final String CORRELATION_HEADER = "X-Correlation-Id";
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final int MAX_REPLY_BYTES = 1024 * 1024;

  private final HttpClient http;
  private final Clock clock;

  PushClient(Clock clock) {
    this.clock = clock;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** An answer: its status, its body (cut at 1 MiB) and its {@code X-Correlation-Id} (or null). */
  record Reply(int status, byte[] body, String correlationId) {
    Optional<JsonNode> json() {
      return Json.read(body);
    }
  }

  /** {@code POST /api/v1/device/activate}, signed with the new key and no device header. */
  Reply activate(URI server, byte[] body, KeyAlgorithm algorithm, PrivateKey key) {
    URI uri = endpoint(server, ACTIVATE);
    HttpRequest request =
        signed(uri, "POST", body, null, algorithm, key)
            .timeout(REQUEST_TIMEOUT)
            .header("Accept", "application/json")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return exchange(server, request);
  }

  /** A GET signed by {@code device}. */
  Reply get(Device device, String path) {
    URI uri = endpoint(device.server(), path);
    HttpRequest request =
        signedBy(device, uri, "GET")
            .timeout(REQUEST_TIMEOUT)
            .header("Accept", "application/json")
            .GET()
            .build();
    return exchange(device.server(), request);
  }

  /** An unsigned GET of an open endpoint (the server's time). */
  Reply getOpen(URI server, String path) {
    HttpRequest request =
        HttpRequest.newBuilder(endpoint(server, path))
            .timeout(REQUEST_TIMEOUT)
            .header("Accept", "application/json")
            .header("Cache-Control", "no-cache")
            .GET()
            .build();
    return exchange(server, request);
  }

  /** An unsigned JSON POST (an answer carries its own signature). */
  Reply post(URI server, String path, byte[] body) {
    HttpRequest request =
        HttpRequest.newBuilder(endpoint(server, path))
            .timeout(REQUEST_TIMEOUT)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return exchange(server, request);
  }

  /**
   * The signed {@code GET /api/v1/device/stream}, without a request time-out: the stream is meant
   * to stay open, and {@link ListenCommand} watches it for silence instead.
   */
  HttpRequest streamRequest(Device device) {
    URI uri = endpoint(device.server(), STREAM);
    return signedBy(device, uri, "GET")
        .header("Accept", "text/event-stream")
        .header("Cache-Control", "no-cache")
        .GET()
        .build();
  }

  HttpClient http() {
    return http;
  }

  /** Aborts whatever is still running (an open stream) and frees the client's threads. */
  @Override
  public void close() {
    http.shutdownNow();
  }

  /** {@code server}'s base URL (which may have a path) followed by {@code path}. */
  static URI endpoint(URI server, String path) {
    String base = server.toString();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(base + path);
  }

  /**
   * A sentence for a failed connection, without the exception's own text: "could not connect", "no
   * answer within 30 s", and so on.
   */
  static String describe(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
        return "its name could not be found";
      }
    }
    if (cause instanceof HttpConnectTimeoutException) {
      return "no connection within " + CONNECT_TIMEOUT.toSeconds() + " s";
    }
    if (cause instanceof HttpTimeoutException) {
      return "no answer within " + REQUEST_TIMEOUT.toSeconds() + " s";
    }
    if (cause instanceof ConnectException) {
      return "could not connect";
    }
    if (cause instanceof SSLException) {
      return "the secure connection failed";
    }
    if (cause instanceof EOFException) {
      return "the connection was closed";
    }
    return "the connection broke";
  }

  private HttpRequest.Builder signedBy(Device device, URI uri, String method) {
    return signed(uri, method, new byte[0], device.id(), device.algorithm(), device.privateKey());
  }

  private HttpRequest.Builder signed(
      URI uri,
      String method,
      byte[] body,
      String deviceId,
      KeyAlgorithm algorithm,
      PrivateKey key) {
    long now = clock.instant().getEpochSecond();
    String pathAndQuery =
        uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    byte[] signature =
        algorithm.sign(key, DeviceSignatures.request(method, pathAndQuery, now, body));
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri)
            .header(DeviceSignatures.TIMESTAMP_HEADER, Long.toString(now))
            .header(
                DeviceSignatures.SIGNATURE_HEADER, Base64.getEncoder().encodeToString(signature));
    if (deviceId != null) {
      builder.header(DeviceSignatures.DEVICE_HEADER, deviceId);
    }
    return builder;
  }

  private Reply exchange(URI server, HttpRequest request) {
    try {
      HttpResponse<InputStream> response =
          http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      byte[] body;
      try (InputStream in = response.body()) {
        body = in.readNBytes(MAX_REPLY_BYTES);
      }
      return new Reply(
          response.statusCode(),
          body,
          response.headers().firstValue(CORRELATION_HEADER).orElse(null));
    } catch (IOException e) {
      throw unreachable(server, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AppException("Interrupted while talking to the server at " + server + ".", e);
    }
  }

  /** The "phone never reached the server" sentence (PRODUCT 7). */
  static AppException unreachable(URI server, Throwable cause) {
    return new AppException(
        "Could not reach the Latchkey server at "
            + server
            + " ("
            + describe(cause)
            + "). Check this device's network connection (Wi-Fi, mobile data, VPN or proxy) and"
            + " try again.",
        cause);
  }
}
