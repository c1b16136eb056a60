package io.latchkey.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.latchkey.core.push.Decision;
import io.latchkey.core.push.DeviceSignatures;
import io.latchkey.core.push.KeyAlgorithm;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/**
 * A Latchkey server's device endpoints (docs/PUSH-PROTOCOL.md §3), small enough to read, on
 * 127.0.0.1. Like the real one it believes nothing unsigned: activation must be signed with the key
 * it carries, and every later request and answer must verify with the public key received at
 * activation ({@link DeviceSignatures}, {@link KeyAlgorithm}); anything else gets the error
 * envelope. Tests set refusals and challenges, and read what arrived.
 */
final class FakePushServer implements AutoCloseable {
  static final String CODE = "7Q2M-KX4P-ZR8T-W3JD-H6NV-B9CE-QF5Y-A2GS";

  final String deviceId = UUID.randomUUID().toString();
  final UUID userId = UUID.randomUUID();
  final String username = "alice";
  final List<String> warnings = new CopyOnWriteArrayList<>();
  final List<String> requests = new CopyOnWriteArrayList<>();
  final List<String> refusedSignatures = new CopyOnWriteArrayList<>();
  final List<Long> streamOpenedNanos = new CopyOnWriteArrayList<>();
  final List<Long> streamClosedNanos = new CopyOnWriteArrayList<>();
  final Map<UUID, String> answers = new java.util.concurrent.ConcurrentHashMap<>();

  /** Set to refuse the activation with this error. */
  volatile Refusal activationRefusal;

  /** Refusals for the next stream connections, one each, in order. */
  final List<Refusal> streamRefusals = new CopyOnWriteArrayList<>();

  /** How many of the next streams close right after their first events (ready, pending ones). */
  final AtomicInteger streamsToClose = new AtomicInteger();

  /** Added to this server's clock in its answers to GET /api/v1/device/time. */
  volatile java.time.Duration timeSkew = java.time.Duration.ZERO;

  /** Set to answer GET /api/v1/device/time with 404, as a server that is not Latchkey would. */
  volatile boolean noTimeEndpoint;

  /** Lists answered and expired challenges too, as a server that lags behind might. */
  volatile boolean listEverything;

  volatile JsonNode activation;
  volatile PublicKey deviceKey;
  volatile KeyAlgorithm deviceAlgorithm;

  private final Clock clock;
  private final HttpServer http;
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final List<Pending> pending = new CopyOnWriteArrayList<>();
  private final List<Stream> streams = new CopyOnWriteArrayList<>();
  private final AtomicInteger correlations = new AtomicInteger();
  private final Object delivery = new Object();

  /** An error envelope to answer with. */
  record Refusal(int status, String code, String message) {}

  /** A challenge and the number its sign-in screen shows. */
  record Pending(Challenge challenge, String number) {}

  FakePushServer(Clock clock) throws IOException {
    this.clock = clock;
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.setExecutor(pool);
    http.createContext("/", this::handle);
    http.start();
  }

  URI base() {
    return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
  }

  /** The activation link of the QR code, valid until {@code expires}. */
  String activationLink(Instant expires) {
    return new io.latchkey.core.push.ActivationUri(base(), CODE, expires).toUriString();
  }

  /** A new sign-in request; delivered on every open stream at once. */
  Challenge challenge(String application, String number, Instant expires, String purpose) {
    Challenge challenge =
        new Challenge(
            UUID.randomUUID(),
            userId,
            username,
            application,
            "203.0.113.7",
            clock.instant(),
            expires,
            purpose);
    synchronized (delivery) {
      pending.add(new Pending(challenge, number));
      for (Stream stream : streams) {
        stream.send(challengeEvent(challenge));
      }
    }
    return challenge;
  }

  /** Sends {@code text} as it is on every open stream. */
  void sendRaw(String text) {
    synchronized (delivery) {
      for (Stream stream : streams) {
        stream.send(text);
      }
    }
  }

  /** Waits until {@code n} streams were opened in all. */
  void awaitStreams(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (streamOpenedNanos.size() < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + streamOpenedNanos.size() + " of " + n + " streams");
      }
      Thread.sleep(5);
    }
  }

  @Override
  public void close() {
    streams.forEach(Stream::close);
    http.stop(0);
    pool.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getRawPath();
    requests.add(method + " " + path);
    try {
      if (method.equals("POST") && path.equals("/api/v1/device/activate")) {
        activate(exchange, body);
      } else if (method.equals("GET") && path.equals("/api/v1/device/stream")) {
        stream(exchange);
      } else if (method.equals("GET") && path.equals("/api/v1/device/time") && !noTimeEndpoint) {
        json(
            exchange,
            200,
            Map.of("service", "latchkey", "time", clock.instant().plus(timeSkew).toString()));
      } else if (method.equals("GET") && path.equals("/api/v1/device/challenges")) {
        list(exchange);
      } else if (method.equals("POST") && path.startsWith("/api/v1/device/challenges/")) {
        answer(exchange, path, body);
      } else {
        refuse(exchange, new Refusal(404, "not_found", "There is nothing here."));
      }
    } catch (RuntimeException e) {
      refuse(exchange, new Refusal(500, "internal_error", "The fake failed: " + e));
    }
  }

  private void activate(HttpExchange exchange, byte[] body) throws IOException {
    JsonNode request = Json.read(body).orElseThrow();
    KeyAlgorithm algorithm =
        KeyAlgorithm.fromWireName(request.get("keyAlgorithm").stringValue()).orElseThrow();
    PublicKey key =
        algorithm.publicKey(Base64.getDecoder().decode(request.get("publicKey").stringValue()));
    if (exchange.getRequestHeaders().containsKey(DeviceSignatures.DEVICE_HEADER)
        || !signedBy(exchange, body, algorithm, key)) {
      refuse(exchange, new Refusal(401, "unauthorized", "The proof of possession failed."));
      return;
    }
    if (!CODE.equals(request.get("code").stringValue())) {
      refuse(exchange, new Refusal(422, "invalid_code", "This activation code is not known."));
      return;
    }
    activation = request;
    Refusal refusal = activationRefusal;
    if (refusal != null) {
      refuse(exchange, refusal);
      return;
    }
    deviceKey = key;
    deviceAlgorithm = algorithm;
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("deviceId", deviceId);
    answer.put("userId", userId.toString());
    answer.put("username", username);
    answer.put("issuer", "Example Corp");
    answer.put("server", base().toString());
    answer.put("warnings", List.copyOf(warnings));
    answer.put("correlationId", nextCorrelation());
    json(exchange, 201, answer);
  }

  private void stream(HttpExchange exchange) throws IOException {
    if (!signedByTheDevice(exchange)) {
      return;
    }
    if (!streamRefusals.isEmpty()) {
      streamOpenedNanos.add(System.nanoTime());
      refuse(exchange, streamRefusals.remove(0));
      return;
    }
    Stream stream = new Stream(exchange.getResponseBody());
    // Atomic with challenge(): a challenge made while this stream opens is sent exactly once.
    synchronized (delivery) {
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
      exchange.sendResponseHeaders(200, 0);
      streamOpenedNanos.add(System.nanoTime());
      stream.send("event: ready\ndata: {\"deviceId\":\"" + deviceId + "\"}\n\n");
      stream.send(": keep-alive\n\n");
      for (Pending p : pending) {
        if (!answers.containsKey(p.challenge().id())) {
          stream.send(challengeEvent(p.challenge()));
        }
      }
      if (streamsToClose.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        stream.close();
        return;
      }
      streams.add(stream);
    }
    stream.awaitClose();
  }

  private void list(HttpExchange exchange) throws IOException {
    if (!signedByTheDevice(exchange)) {
      return;
    }
    List<Map<String, Object>> open = new ArrayList<>();
    for (Pending p : pending) {
      if (listEverything
          || !answers.containsKey(p.challenge().id())
              && clock.instant().isBefore(p.challenge().expiresAt())) {
        open.add(p.challenge().fields());
      }
    }
    json(exchange, 200, Map.of("challenges", open));
  }

  private void answer(HttpExchange exchange, String path, byte[] body) throws IOException {
    String[] parts = path.split("/");
    UUID id = UUID.fromString(parts[5]);
    Optional<Pending> found =
        pending.stream().filter(p -> p.challenge().id().equals(id)).findFirst();
    if (found.isEmpty() || !parts[6].equals("answer")) {
      refuse(exchange, new Refusal(404, "not_found", "There is no such sign-in request."));
      return;
    }
    Challenge challenge = found.get().challenge();
    JsonNode request = Json.read(body).orElseThrow();
    Decision decision = Decision.fromWireName(request.get("decision").stringValue()).orElseThrow();
    String number = request.get("number").stringValue();
    byte[] signature = Base64.getDecoder().decode(request.get("signature").stringValue());
    byte[] signed =
        DeviceSignatures.answer(
            challenge.id(), challenge.userId(), challenge.expiresAt(), decision, number);
    if (!deviceId.equals(request.get("deviceId").stringValue())
        || !deviceAlgorithm.verify(deviceKey, signed, signature)) {
      refusedSignatures.add("answer " + id);
      refuse(exchange, new Refusal(401, "unauthorized", "The answer's signature is not valid."));
      return;
    }
    if (answers.containsKey(id)) {
      refuse(exchange, new Refusal(409, "conflict", "This sign-in request was already answered."));
      return;
    }
    if (!clock.instant().isBefore(challenge.expiresAt())) {
      refuse(exchange, new Refusal(410, "challenge_expired", "This sign-in request expired."));
      return;
    }
    if (decision == Decision.APPROVE && !number.equals(found.get().number())) {
      answers.put(id, "number_mismatch");
      refuse(
          exchange,
          new Refusal(
              422,
              "number_mismatch",
              "The number does not match the one on the sign-in screen; the sign-in was stopped"));
      return;
    }
    String status =
        switch (decision) {
          case APPROVE -> "approved";
          case DENY -> "denied";
          case REPORT -> "reported";
        };
    answers.put(id, status);
    json(exchange, 200, Map.of("challengeId", id.toString(), "status", status));
  }

  private boolean signedByTheDevice(HttpExchange exchange) throws IOException {
    boolean ok =
        deviceKey != null
            && deviceId.equals(
                exchange.getRequestHeaders().getFirst(DeviceSignatures.DEVICE_HEADER))
            && signedBy(exchange, new byte[0], deviceAlgorithm, deviceKey);
    if (!ok) {
      refusedSignatures.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
      refuse(exchange, new Refusal(401, "unauthorized", "This device is not known here."));
    }
    return ok;
  }

  /** The request signature of PUSH-PROTOCOL §2, within 5 minutes of this server's clock. */
  private boolean signedBy(
      HttpExchange exchange, byte[] body, KeyAlgorithm algorithm, PublicKey key) {
    try {
      long timestamp =
          Long.parseLong(exchange.getRequestHeaders().getFirst(DeviceSignatures.TIMESTAMP_HEADER));
      byte[] signature =
          Base64.getDecoder()
              .decode(exchange.getRequestHeaders().getFirst(DeviceSignatures.SIGNATURE_HEADER));
      URI uri = exchange.getRequestURI();
      String pathAndQuery =
          uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
      byte[] signed =
          DeviceSignatures.request(exchange.getRequestMethod(), pathAndQuery, timestamp, body);
      return Math.abs(timestamp - clock.instant().getEpochSecond()) <= 300
          && algorithm.verify(key, signed, signature);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** A challenge event with CR LF line ends and its JSON split over several data lines. */
  private static String challengeEvent(Challenge challenge) {
    String json = Json.text(challenge.fields());
    int middle = json.indexOf(",\"application\"");
    return "event: challenge\r\nid: "
        + challenge.id()
        + "\r\ndata: "
        + json.substring(0, middle + 1)
        + "\r\ndata:"
        + json.substring(middle + 1)
        + "\r\n\r\n";
  }

  private void refuse(HttpExchange exchange, Refusal refusal) throws IOException {
    String correlation = nextCorrelation();
    exchange.getResponseHeaders().set("X-Correlation-Id", correlation);
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", refusal.code());
    error.put("message", refusal.message());
    error.put("correlationId", correlation);
    error.put("timestamp", clock.instant().toString());
    json(exchange, refusal.status(), Map.of("error", error));
  }

  private static void json(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = Json.bytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** The correlation ID of the last answer. */
  String lastCorrelationId() {
    return "7Q2MK-" + String.format("%04d", correlations.get());
  }

  private String nextCorrelation() {
    return "7Q2MK-" + String.format("%04d", correlations.incrementAndGet());
  }

  /** One open event stream. */
  private final class Stream {
    private final OutputStream out;
    private final CountDownLatch closed = new CountDownLatch(1);

    Stream(OutputStream out) {
      this.out = out;
    }

    synchronized void send(String text) {
      try {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
      } catch (IOException e) {
        close(); // the app hung up
      }
    }

    synchronized void close() {
      if (closed.getCount() > 0) {
        streams.remove(this);
        streamClosedNanos.add(System.nanoTime());
        closed.countDown();
        try {
          out.close();
        } catch (IOException e) {
          // already gone
        }
      }
    }

    void awaitClose() {
      try {
        closed.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
