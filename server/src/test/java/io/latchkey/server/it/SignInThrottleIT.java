package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.ServerIT;
import io.latchkey.server.testing.WizardClient;
import io.latchkey.server.testing.WizardClient.Page;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Failed passwords make one username wait at the address they came from, for a while, on every path
 * that checks a password; the wait never tells whether the name exists, and once it has passed the
 * right password works (SECURITY-TESTS A5 and B5, issue 14). The shared test server counts every
 * test from one loopback address, so here only the name-and-address limit (10 per 15 minutes) is in
 * play; SignInThrottleNodesIT tests the others, from several addresses.
 */
class SignInThrottleIT extends ServerIT {
  private static final String PASSWORD = "correct horse battery";
  private static final String WRONG = "wrong password!";
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"[^\"]*\"");

  private static final Duration WINDOW = Duration.ofMinutes(15);

  @Test
  void elevenWrongPasswordsMakeTheNameWaitAndThenTheRightPasswordSignsIn() {
    String username = newUsername("throttled");
    api.createUser(username, PASSWORD);
    WizardClient browser = new WizardClient(baseUrl());

    for (int i = 0; i < 10; i++) {
      assertThat(browser.signIn(username, WRONG).textOf("error-code")).contains("unauthorized");
    }
    Page refused = browser.signIn(username, PASSWORD);

    assertThat(refused.status()).isEqualTo(429);
    assertThat(browser.lastHeader("Retry-After")).contains("900");
    assertThat(refused.textOf("error-code")).contains("rate_limited");
    assertThat(refused.correlationId()).isNotBlank();
    assertThat(refused.textOf("correlation-id")).contains(refused.correlationId());
    assertThat(refused.textOf("error-message").orElseThrow()).contains("Wait a few minutes");
    JsonNode event = single(refused.correlationId(), "sign_in.failed");
    assertThat(event.path("reason").asString()).isEqualTo("throttled");
    assertThat(event.path("username").asString()).isEqualTo(username);
    assertThat(event.path("detail").asString())
        .contains("scope=name_address", "attempts=10", "limit=10");

    clock.advance(WINDOW);
    Page signedIn = browser.signIn(username, PASSWORD);
    assertThat(signedIn.isRedirect()).as(signedIn.body()).isTrue();
    assertThat(signedIn.redirectPath()).isEqualTo("/register");
  }

  @Test
  void anUnknownNameGetsExactlyTheSameAnswers() {
    String known = newUsername("known");
    String unknown = newUsername("nobody");
    api.createUser(known, PASSWORD);

    List<String> knownAnswers = new ArrayList<>();
    List<String> unknownAnswers = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      knownAnswers.add(answer(known, WRONG));
      unknownAnswers.add(answer(unknown, WRONG));
    }
    knownAnswers.add(answer(known, PASSWORD));
    unknownAnswers.add(answer(unknown, PASSWORD));

    assertThat(unknownAnswers).isEqualTo(knownAnswers);
    assertThat(knownAnswers.subList(0, 10)).allMatch(a -> a.startsWith("401 unauthorized"));
    assertThat(knownAnswers.subList(10, 13)).allMatch(a -> a.startsWith("429 rate_limited"));

    // After the wait, the unknown name is refused as any wrong password is: nothing stays locked.
    clock.advance(WINDOW);
    assertThat(answer(unknown, PASSWORD)).startsWith("401 unauthorized");
  }

  @Test
  void theAdminLoginSharesTheWaitAndANonAdministratorIsRefusedLikeAWrongPassword() {
    String username = newUsername("script");
    api.createUser(username, PASSWORD);

    for (int i = 0; i < 10; i++) {
      assertThat(adminLogin(username, WRONG).status()).isEqualTo(401);
    }
    // The right password while the name waits: refused without checking it.
    Response waiting = adminLogin(username, PASSWORD);
    assertThat(waiting.status()).isEqualTo(429);
    assertThat(waiting.errorCode()).isEqualTo("rate_limited");
    assertThat(new WizardClient(baseUrl()).signIn(username, PASSWORD).status()).isEqualTo(429);

    clock.advance(WINDOW);
    // The right password of a user who is not an administrator: the answer of a wrong one.
    Response notAdmin = adminLogin(username, PASSWORD);
    assertThat(notAdmin.status()).isEqualTo(401);
    Response wrong = adminLogin(username, WRONG);
    assertThat(notAdmin.errorCode()).isEqualTo("unauthorized").isEqualTo(wrong.errorCode());
    assertThat(notAdmin.json().path("error").path("message").asString())
        .isEqualTo(wrong.json().path("error").path("message").asString());
  }

  /**
   * What a stranger sees for one sign-in: status, error code and the page itself, with what differs
   * by request (the name typed back, correlation ID, time, CSRF token) taken out.
   */
  private String answer(String username, String password) {
    Page page = new WizardClient(baseUrl()).signIn(username, password);
    String body = page.body().replace(username, "{username}");
    body = body.replace(page.correlationId(), "{correlation-id}");
    body = body.replace(page.textOf("error-timestamp").orElse("{none}"), "{time}");
    body = CSRF.matcher(body).replaceAll("{csrf}");
    return page.status() + " " + page.textOf("error-code").orElse("-") + "\n" + body;
  }

  private Response adminLogin(String username, String password) {
    return api.send(
        api.request("/api/v1/admin/sessions")
            .header("Content-Type", "application/json")
            .POST(
                java.net.http.HttpRequest.BodyPublishers.ofString(
                    io.latchkey.server.testing.Api.JSON.writeValueAsString(
                        java.util.Map.of(
                            "username", username, "password", password, "code", "123456"))))
            .build());
  }

  private JsonNode single(String correlationId, String type) {
    List<JsonNode> matching = new ArrayList<>();
    for (JsonNode event : api.auditByCorrelationId(correlationId)) {
      if (type.equals(event.path("type").asString())) {
        matching.add(event);
      }
    }
    assertThat(matching).as(type + " under " + correlationId).hasSize(1);
    return matching.get(0);
  }
}
