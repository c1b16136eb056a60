package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.Envelopes;
import io.latchkey.server.testing.ServerIT;
import io.latchkey.server.testing.WizardClient;
import io.latchkey.server.testing.WizardClient.EnrolledUser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * No TOTP code is accepted twice: not when the same request arrives 50 times at once, not when it
 * is replayed later in its step, and not when an older step follows a newer one (SECURITY-TESTS C1,
 * C2 on one node, C3).
 */
class VerifyRaceIT extends ServerIT {
  private static final int RACERS = 50;
  private static final int ROUNDS = 5;

  private String token;

  @BeforeEach
  void apiKey() {
    token = api.createApiKey("race-app");
  }

  @Test
  void rejectsACodeUsedTwiceEvenWhenRequestsRace() throws Exception {
    for (int round = 1; round <= ROUNDS; round++) {
      EnrolledUser user = WizardClient.enrollNewUser(api, newUsername("racer"), clock.instant());
      clock.nextStep(30); // registering used up the current step
      String code = WizardClient.code(user.secret(), clock.instant());

      List<Response> answers = race(RACERS, () -> api.verify(token, user.username(), code));

      String label = "round " + round + ": " + summary(answers);
      assertThat(answers.stream().filter(a -> a.status() == 200)).as(label).hasSize(1);
      // Every loser is refused with the envelope. A replay counts as a failed attempt (C1), and
      // each request reserves its attempt before the code is checked (B2), so once 10 (the
      // default threshold) are reserved or failed, the user is blocked: later racers, and
      // racers that had not yet reserved, get user_blocked instead of code_reused.
      for (Response answer : answers) {
        if (answer.status() != 200) {
          Envelopes.assertJsonError(answer, null);
          assertThat(answer.errorCode()).as(label).isIn("code_reused", "user_blocked");
        }
      }
      // The audit log agrees: one acceptance, one reuse record per code_reused answer.
      JsonNode events = api.adminGet("/api/v1/admin/audit?username=" + user.username()).json();
      assertThat(count(events, "verification.accepted")).as(label).isEqualTo(1);
      assertThat(count(events, "verification.reused"))
          .as(label)
          .isEqualTo(answers.stream().filter(a -> "code_reused".equals(errorCodeOf(a))).count());
    }
  }

  @Test
  void aReplayLaterInTheSameStepIsRefusedAsReused() {
    EnrolledUser user = WizardClient.enrollNewUser(api, newUsername("replay"), clock.instant());
    clock.nextStep(30);
    String code = WizardClient.code(user.secret(), clock.instant());
    assertThat(api.verify(token, user.username(), code).status()).isEqualTo(200);

    clock.advance(Duration.ofSeconds(1));
    Response oneSecondLater = api.verify(token, user.username(), code);
    Envelopes.assertJsonError(oneSecondLater, "code_reused");
    clock.advance(Duration.ofSeconds(24));
    Response laterInTheStep = api.verify(token, user.username(), code);
    Envelopes.assertJsonError(laterInTheStep, "code_reused");

    JsonNode audited = api.auditByCorrelationId(laterInTheStep.correlationId());
    assertThat(audited).hasSize(1);
    assertThat(audited.get(0).path("type").asString()).isEqualTo("verification.reused");
    assertThat(audited.get(0).path("reason").asString()).isEqualTo("code_reused");

    // Control: the next step's code is accepted, once.
    clock.nextStep(30);
    String next = WizardClient.code(user.secret(), clock.instant());
    assertThat(api.verify(token, user.username(), next).status()).isEqualTo(200);
    Envelopes.assertJsonError(api.verify(token, user.username(), next), "code_reused");
  }

  @Test
  void anOlderStepIsRefusedAfterANewerOneWasAccepted() {
    EnrolledUser user = WizardClient.enrollNewUser(api, newUsername("older"), clock.instant());
    clock.nextStep(30);
    // An authenticator whose clock runs early shows the next step's code; the window (±1) takes it.
    String newer = WizardClient.code(user.secret(), clock.instant().plusSeconds(30));
    String current = WizardClient.code(user.secret(), clock.instant());
    assertThat(newer).isNotEqualTo(current);
    Response accepted = api.verify(token, user.username(), newer);
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);

    // The current step is still inside the window, but it is older than the one used: refused.
    Response older = api.verify(token, user.username(), current);
    Envelopes.assertJsonError(older, "code_reused");
    // ...and so is the previous step: the accepted code taught the server that this authenticator
    // runs one step early, so the window now centres on the next step and leaves it out entirely.
    String previous = WizardClient.code(user.secret(), clock.instant().minusSeconds(30));
    Envelopes.assertJsonError(api.verify(token, user.username(), previous), "invalid_code");
  }

  /** Sends {@code n} requests that all wait at one barrier, so they reach the server together. */
  static List<Response> race(int n, Supplier<Response> request) throws Exception {
    CyclicBarrier start = new CyclicBarrier(n);
    List<Future<Response>> futures = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < n; i++) {
        futures.add(
            threads.submit(
                () -> {
                  start.await();
                  return request.get();
                }));
      }
      List<Response> answers = new ArrayList<>();
      for (Future<Response> future : futures) {
        answers.add(future.get());
      }
      return answers;
    }
  }

  static String summary(List<Response> answers) {
    Map<String, Long> byOutcome =
        answers.stream()
            .collect(
                Collectors.groupingBy(
                    a -> a.status() + " " + (a.status() == 200 ? "accepted" : errorCodeOf(a)),
                    java.util.TreeMap::new,
                    Collectors.counting()));
    return byOutcome.toString();
  }

  static String errorCodeOf(Response response) {
    try {
      return response.errorCode();
    } catch (RuntimeException notJson) {
      return "(not JSON)";
    }
  }

  static long count(JsonNode body, String type) {
    long n = 0;
    for (JsonNode event : body.path("events")) {
      if (type.equals(event.path("type").asString())) {
        n++;
      }
    }
    return n;
  }
}
