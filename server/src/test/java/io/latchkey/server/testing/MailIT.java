package io.latchkey.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.testing.Api.Response;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The server under test with mail on, delivering to the loopback {@link MailServer}: a sender that
 * looks for due notices every 200 ms, three attempts, one minute (of the test clock) before the
 * first retry. A context of its own (the rest of the suite runs with mail off).
 */
public abstract class MailIT extends ServerIT {
  public static final String FROM = "latchkey@example.org";
  public static final int MAX_ATTEMPTS = 3;
  public static final Duration RETRY_DELAY = Duration.ofMinutes(1);

  /** How long a test waits for the background sender; generous for a busy machine. */
  public static final Duration PATIENCE = Duration.ofSeconds(60);

  @DynamicPropertySource
  static void mailProperties(DynamicPropertyRegistry registry) {
    for (Map.Entry<String, String> entry : mailSettings().entrySet()) {
      registry.add(entry.getKey(), entry::getValue);
    }
  }

  /** The latchkey.mail.* settings of every node of these tests. */
  public static Map<String, String> mailSettings() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("latchkey.mail.host", "127.0.0.1");
    settings.put("latchkey.mail.port", String.valueOf(MailServer.port()));
    settings.put("latchkey.mail.from", FROM);
    settings.put("latchkey.mail.max-attempts", String.valueOf(MAX_ATTEMPTS));
    settings.put("latchkey.mail.retry-delay", RETRY_DELAY.toSeconds() + "s");
    settings.put("latchkey.mail.poll-interval", "200ms");
    settings.put("latchkey.mail.timeout", "5s");
    return settings;
  }

  /** A fresh address for a fresh user. */
  protected static String addressOf(String username) {
    return username.toLowerCase(java.util.Locale.ROOT) + "@example.com";
  }

  /** Creates a user with a password and, unless null, an email address; returns the response. */
  protected Response createUser(Api through, String username, String email) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("username", username);
    body.put("password", "correct horse battery");
    if (email != null) {
      body.put("email", email);
    }
    Response created = through.adminPost("/api/v1/admin/users", body);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created;
  }

  protected Response putEmail(String username, String emailJson) {
    return api.send(
        api.asAdmin(api.request("/api/v1/admin/users/" + username + "/email"))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString("{\"email\":" + emailJson + "}"))
            .build());
  }

  /** The user's notices as the admin API lists them, newest first. */
  protected List<JsonNode> notices(String username) {
    Response listed = api.adminGet("/api/v1/admin/users/" + username + "/notices");
    assertThat(listed.status()).as(listed.body()).isEqualTo(200);
    List<JsonNode> out = new ArrayList<>();
    listed.json().path("notices").forEach(out::add);
    return out;
  }

  /** Waits until the user has a notice of {@code kind} that satisfies {@code state}. */
  protected JsonNode awaitNotice(String username, String kind, Predicate<JsonNode> state) {
    return await(
        "a " + kind + " notice of " + username + " in the expected state",
        () ->
            notices(username).stream()
                .filter(n -> kind.equals(n.path("kind").asString()))
                .filter(state)
                .findFirst());
  }

  protected static Predicate<JsonNode> status(String status) {
    return n -> status.equals(n.path("status").asString());
  }

  /** The audit events of {@code type} under {@code correlationId}. */
  protected List<JsonNode> audited(String correlationId, String type) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode event : api.auditByCorrelationId(correlationId)) {
      if (type.equals(event.path("type").asString())) {
        out.add(event);
      }
    }
    return out;
  }

  /** Polls {@code probe} every 100 ms until it yields a value, for at most {@link #PATIENCE}. */
  public static <T> T await(String what, Supplier<Optional<T>> probe) {
    Instant deadline = Instant.now().plus(PATIENCE);
    while (true) {
      Optional<T> value = probe.get();
      if (value.isPresent()) {
        return value.get();
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("gave up waiting for " + what);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
