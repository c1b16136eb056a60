package io.latchkey.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The soak's HTTP: one client, no redirects followed, a global request rate that no virtual user
 * can exceed (requests wait for their slot), and every answer counted in {@link SoakStats} by kind
 * and by status and error code.
 */
final class SoakHttp implements WizardSession.Observer {
  static final String USER_AGENT = "latchkey-soak/1.0";
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  /**
   * An answer.
   *
   * @param outcome {@code 200}, {@code 422 code_reused}, {@code timeout}...: the status and the
   *     envelope's {@code error.code}
   */
  record Answer(int status, String outcome, String body, byte[] bytes, HttpResponse<?> response) {
    JsonNode json() {
      try {
        return JSON.readTree(body == null ? "{}" : body);
      } catch (JacksonException e) {
        return JSON.createObjectNode();
      }
    }

    boolean is(int expected) {
      return status == expected;
    }

    String errorCode() {
      int space = outcome.indexOf(' ');
      return space < 0 ? "" : outcome.substring(space + 1);
    }
  }

  final String base;
  final HttpClient client;
  final SoakStats stats;
  private final long intervalNanos;
  private long nextSlot = System.nanoTime();

  SoakHttp(String base, double ratePerSecond, SoakStats stats) {
    this.base = base;
    this.stats = stats;
    this.intervalNanos = (long) (1e9 / ratePerSecond);
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .timeout(TIMEOUT)
        .header("User-Agent", USER_AGENT)
        .header("Accept", "application/json");
  }

  static HttpRequest.BodyPublisher json(Object body) {
    return HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
  }

  /** Sends a request as text, counted under {@code kind}. */
  Answer send(String kind, HttpRequest request) throws InterruptedException {
    return send(kind, request, false);
  }

  /** Sends a request, the body kept as bytes too when {@code binary}. */
  Answer send(String kind, HttpRequest request, boolean binary) throws InterruptedException {
    before();
    try {
      HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      String text = new String(response.body(), StandardCharsets.UTF_8);
      String outcome = outcome(response.statusCode(), text);
      stats.record(kind, outcome);
      return new Answer(
          response.statusCode(), outcome, text, binary ? response.body() : null, response);
    } catch (HttpTimeoutException e) {
      stats.record(kind, "timeout");
      return new Answer(0, "timeout", null, null, null);
    } catch (IOException e) {
      String outcome = "error " + e.getClass().getSimpleName();
      stats.record(kind, outcome);
      return new Answer(0, outcome, null, null, null);
    }
  }

  /** {@code 201}, {@code 422 code_reused}, {@code 500 internal_error}, {@code 404 (not JSON)}. */
  static String outcome(int status, String body) {
    if (status / 100 == 2 || status / 100 == 3) {
      return Integer.toString(status);
    }
    try {
      String code = JSON.readTree(body).path("error").path("code").asString("");
      return code.isEmpty() ? Integer.toString(status) : status + " " + code;
    } catch (JacksonException e) {
      return status + " (not JSON)";
    }
  }

  /** Waits for this request's slot: at most the configured rate, over all virtual users. */
  @Override
  public void before() throws InterruptedException {
    long slot;
    synchronized (this) {
      long now = System.nanoTime();
      slot = Math.max(now, nextSlot);
      nextSlot = slot + intervalNanos;
    }
    long wait = slot - System.nanoTime();
    if (wait > 0) {
      Thread.sleep(Duration.ofNanos(wait));
    }
  }

  @Override
  public void answered(String step, int status) {
    stats.record("wizard " + step, Integer.toString(status));
  }

  @Override
  public void failed(String step, Exception e) {
    stats.record(
        "wizard " + step,
        e instanceof HttpTimeoutException ? "timeout" : "error " + e.getClass().getSimpleName());
  }

  void close() {
    client.close();
  }
}
