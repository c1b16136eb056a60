package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.Envelopes;
import io.latchkey.server.testing.ServerIT;
import io.latchkey.server.testing.WizardClient;
import io.latchkey.server.testing.WizardClient.EnrolledUser;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The per-user failure counter: 10 consecutive failures (the default threshold) block the user,
 * even the right code is then refused, only an admin unblocks, and parallel guessing cannot get
 * more than 10 codes evaluated (SECURITY-TESTS A1, B1, B2).
 */
class LockoutIT extends ServerIT {
  private static final int THRESHOLD = 10;

  private String token;

  @BeforeEach
  void apiKey() {
    token = api.createApiKey("lockout-app");
  }

  @Test
  void tenWrongCodesBlockTheUserUntilAnAdminUnblocks() {
    EnrolledUser user = WizardClient.enrollNewUser(api, newUsername("locked"), clock.instant());
    clock.nextStep(30);
    String used = WizardClient.code(user.secret(), clock.instant());
    assertThat(api.verify(token, user.username(), used).status()).isEqualTo(200);

    List<String> answers = new ArrayList<>();
    for (int i = 0; i < THRESHOLD + 1; i++) {
      Response answer = api.verify(token, user.username(), wrongCode(user));
      Envelopes.assertJsonError(answer, null);
      answers.add(answer.errorCode());
    }
    // The first nine are plain wrong codes; the block comes with the 10th failure, so the 10th
    // or (if the 10th is still judged as a code) the 11th answer is user_blocked.
    assertThat(answers.subList(0, THRESHOLD - 1)).containsOnly("invalid_code");
    assertThat(answers.get(THRESHOLD - 1)).isIn("invalid_code", "user_blocked");
    assertThat(answers.get(THRESHOLD)).isEqualTo("user_blocked");
    assertThat(userView(user).path("status").asString()).isEqualTo("blocked");

    // Even the right code of a fresh step is refused now.
    clock.nextStep(30);
    String fresh = WizardClient.code(user.secret(), clock.instant());
    Envelopes.assertJsonError(api.verify(token, user.username(), fresh), "user_blocked");

    JsonNode blocks = events(user, "user.blocked");
    assertThat(blocks).hasSize(1);
    assertThat(blocks.get(0).path("reason").asString()).isEqualTo("too_many_failures");
    assertThat(blocks.get(0).path("success").asBoolean()).isTrue();

    Response unblocked =
        api.adminPost(
            "/api/v1/admin/users/" + user.username() + "/unblock",
            Map.of("reason", "user called the help desk"));
    assertThat(unblocked.status()).as(unblocked.body()).isEqualTo(200);
    assertThat(unblocked.json().path("status").asString()).isEqualTo("active");
    assertThat(unblocked.json().path("failedAttempts").asInt()).isZero();

    // Unblocking does not forget which steps were used: the last accepted code stays used up...
    Envelopes.assertJsonError(api.verify(token, user.username(), used), "code_reused");
    assertThat(userView(user).path("failedAttempts").asInt()).isEqualTo(1);
    // ...while the fresh step, refused only because of the block, was never consumed; the
    // success resets the count the replay started.
    Response accepted = api.verify(token, user.username(), fresh);
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
    assertThat(userView(user).path("failedAttempts").asInt()).isZero();
  }

  @Test
  void malformedCodesCountAsFailedAttempts() {
    EnrolledUser user = WizardClient.enrollNewUser(api, newUsername("malformed"), clock.instant());
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < THRESHOLD + 1; i++) {
      Response answer = api.verify(token, user.username(), "12345");
      Envelopes.assertJsonError(answer, null);
      answers.add(answer.errorCode());
      if (i == THRESHOLD - 2) {
        assertThat(userView(user).path("failedAttempts").asInt()).isEqualTo(THRESHOLD - 1);
      }
    }
    assertThat(answers.subList(0, THRESHOLD - 1)).containsOnly("bad_request");
    assertThat(answers.get(THRESHOLD)).isEqualTo("user_blocked");
    assertThat(userView(user).path("status").asString()).isEqualTo("blocked");
    assertThat(events(user, "user.blocked")).hasSize(1);
  }

  @Test
  void parallelGuessesNeverGetMoreThanTheThresholdEvaluated() throws Exception {
    EnrolledUser user = WizardClient.enrollNewUser(api, newUsername("parallel"), clock.instant());
    clock.nextStep(30);
    Set<String> window = windowCodes(user);
    List<String> guesses = new ArrayList<>();
    for (int i = 0; guesses.size() < 200; i++) {
      String guess = String.format("%06d", 100_000 + i);
      if (!window.contains(guess)) {
        guesses.add(guess);
      }
    }
    AtomicInteger next = new AtomicInteger();
    List<Response> answers =
        VerifyRaceIT.race(
            guesses.size(),
            () -> api.verify(token, user.username(), guesses.get(next.getAndIncrement())));

    long evaluated = 0;
    for (Response answer : answers) {
      Envelopes.assertJsonError(answer, null);
      assertThat(answer.errorCode()).isIn("invalid_code", "user_blocked");
      if (answer.errorCode().equals("invalid_code")) {
        evaluated++;
      }
    }
    JsonNode stored = userView(user);
    String summary = VerifyRaceIT.summary(answers) + " stored " + stored;
    // At most the threshold was judged; every judged guess was counted (no lost update).
    assertThat(evaluated).as(summary).isBetween(1L, (long) THRESHOLD);
    assertThat(stored.path("failedAttempts").asInt()).as(summary).isLessThanOrEqualTo(THRESHOLD);
    assertThat((long) stored.path("failedAttempts").asInt()).as(summary).isEqualTo(evaluated);
    assertThat(stored.path("status").asString()).as(summary).isEqualTo("blocked");
    assertThat(events(user, "user.blocked")).as(summary).hasSize(1);
  }

  private JsonNode userView(EnrolledUser user) {
    Response response = api.adminGet("/api/v1/admin/users/" + user.username());
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.json();
  }

  private JsonNode events(EnrolledUser user, String type) {
    Response response =
        api.adminGet("/api/v1/admin/audit?username=" + user.username() + "&type=" + type);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.json().path("events");
  }

  /** Every code the server could accept now: the drift window and a step beyond each side. */
  private Set<String> windowCodes(EnrolledUser user) {
    Set<String> codes = new HashSet<>();
    for (int step = -2; step <= 2; step++) {
      codes.add(WizardClient.code(user.secret(), clock.instant().plusSeconds(30L * step)));
    }
    return codes;
  }

  private String wrongCode(EnrolledUser user) {
    Set<String> window = windowCodes(user);
    for (int i = 0; ; i++) {
      String candidate = String.format("%06d", i);
      if (!window.contains(candidate)) {
        return candidate;
      }
    }
  }
}
