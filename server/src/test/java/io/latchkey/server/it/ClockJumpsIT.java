package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.clock.ClockWatch;
import io.latchkey.server.config.RegistrationSweeper;
import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.Envelopes;
import io.latchkey.server.testing.Phone;
import io.latchkey.server.testing.PushWizard;
import io.latchkey.server.testing.ServerIT;
import io.latchkey.server.testing.WizardClient;
import io.latchkey.server.testing.WizardClient.EnrolledUser;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The server's clock jumping back and forth by minutes (issue 13; SECURITY-TESTS I4: "a backward
 * clock step does not reopen used steps or extend TTLs", "an alert fires"). Each test puts the
 * shared clock back where real time would be when it ends, so later tests see time move forward.
 */
class ClockJumpsIT extends ServerIT {
  private static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

  @Autowired RegistrationSweeper sweeper;

  private String token;

  /** How far the tests set the clock back, to be put forward again. */
  private Duration rewound = Duration.ZERO;

  @BeforeEach
  void apiKey() {
    token = api.createApiKey("clock-jumps");
  }

  @AfterEach
  void clockForwardAgain() {
    clock.advance(rewound);
  }

  @Test
  void aStepUsedStaysUsedWhenTheClockGoesBackFiveMinutes() {
    EnrolledUser user = WizardClient.enrollNewUser(api, newUsername("jump"), clock.instant());
    clock.nextStep(30);
    Instant used = clock.instant();
    String code = WizardClient.code(user.secret(), used);
    assertThat(api.verify(token, user.username(), code).status()).isEqualTo(200);

    rewind(FIVE_MINUTES);

    // The used code is now ten steps ahead of the server's window: refused, not accepted again.
    Envelopes.assertJsonError(api.verify(token, user.username(), code), "invalid_code");
    // The codes of the server's (earlier) current step and of the steps up to the used one are
    // refused as reused: steps only move forward per credential.
    List<String> answers = new ArrayList<>();
    for (Duration back : List.of(FIVE_MINUTES, Duration.ofMinutes(2), Duration.ofSeconds(30))) {
      Instant earlier = used.minus(back);
      clock.advance(Duration.between(clock.instant(), earlier));
      answers.add(
          api.verify(token, user.username(), WizardClient.code(user.secret(), earlier))
              .errorCode());
    }
    assertThat(answers).containsOnly("code_reused");
    clock.advance(Duration.between(clock.instant(), used));
    Envelopes.assertJsonError(api.verify(token, user.username(), code), "code_reused");

    // Once the clock is past the used step again, the next code works and resets the count.
    clock.nextStep(30);
    Response next =
        api.verify(token, user.username(), WizardClient.code(user.secret(), clock.instant()));
    assertThat(next.status()).as(next.body()).isEqualTo(200);
    assertThat(failedAttempts(user)).isZero();
  }

  @Test
  void aRightCodeAfterAStepBackWithinTheDriftWindowWorksAndCountsNoFailure() {
    EnrolledUser user = WizardClient.enrollNewUser(api, newUsername("drift"), clock.instant());
    clock.nextStep(30);
    Instant used = clock.instant();
    assertThat(api.verify(token, user.username(), WizardClient.code(user.secret(), used)).status())
        .isEqualTo(200);

    // The server falls 30 s behind the phone, then real time moves on one step: the phone shows
    // the code of the step after the used one, which is inside the server's window.
    rewind(Duration.ofSeconds(30));
    clock.advance(Duration.ofSeconds(30));
    String phone = WizardClient.code(user.secret(), used.plusSeconds(30));

    Response accepted = api.verify(token, user.username(), phone);

    assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
    assertThat(failedAttempts(user)).isZero();
    Envelopes.assertJsonError(api.verify(token, user.username(), phone), "code_reused");
  }

  @Test
  void jumpsAloneMoveNoFailureCounterAndBlockNobody() {
    EnrolledUser user = WizardClient.enrollNewUser(api, newUsername("count"), clock.instant());
    clock.nextStep(30);
    for (int i = 0; i < 2; i++) {
      Envelopes.assertJsonError(api.verify(token, user.username(), "000000"), null);
    }
    int before = failedAttempts(user);

    rewind(FIVE_MINUTES);
    sweeper.sweep();
    clock.advance(Duration.ofMinutes(10));
    sweeper.sweep();
    rewind(Duration.ofMinutes(10));
    sweeper.sweep();

    assertThat(failedAttempts(user)).isEqualTo(before);
    JsonNode view = api.adminGet("/api/v1/admin/users/" + user.username()).json();
    assertThat(view.path("status").asString()).isEqualTo("active");
    clock.advance(Duration.ofMinutes(10));
    rewound = rewound.minus(Duration.ofMinutes(10));
    clock.nextStep(30);
    Response accepted =
        api.verify(token, user.username(), WizardClient.code(user.secret(), clock.instant()));
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
  }

  @Test
  void anExpiredPushRequestStaysExpiredWhenTheClockGoesBack() {
    String username = newUsername("pushjump");
    Phone phone = Phone.compliant(clock);
    PushWizard.register(api, username, phone);
    JsonNode created = api.createChallenge(token, username);
    String id = created.path("challengeId").asString();
    clock.advance(Duration.ofSeconds(61));
    sweeper.sweep();

    rewind(FIVE_MINUTES);
    Phone.Run late = phone.run("approve", id, "--number", created.path("number").asString());

    // The server no longer lists it as waiting, so the phone has nothing to approve.
    assertThat(late.exit()).as(late.all()).isNotZero();
    assertThat(api.challengeStatus(token, id, 0)).isEqualTo("expired");
  }

  @Test
  void aClockSetBackRaisesAnAlertForTheAdministratorWithCauseAndRemedy() {
    Instant before = clock.instant();
    sweeper.sweep();

    rewind(FIVE_MINUTES);
    Instant stepped = clock.instant();
    sweeper.sweep();

    // The scheduled sweep may have noticed first; either way one alert carries this step.
    JsonNode alert = null;
    for (JsonNode a : api.adminGet("/api/v1/admin/alerts?open=true").json().path("alerts")) {
      Instant raised = Instant.parse(a.path("raisedAt").asString());
      if (a.path("kind").asString().equals(ClockWatch.KIND)
          && !raised.isBefore(stepped)
          && raised.isBefore(before)) {
        alert = a;
      }
    }
    assertThat(alert).as("a clock_stepped_back alert raised at the new time").isNotNull();
    assertThat(alert.path("detail").asString())
        .contains("went back by about")
        .contains("Remedy")
        .contains("time synchronisation");
    String correlationId = alert.path("correlationId").asString();
    assertThat(api.auditByCorrelationId(correlationId).toString()).contains("clock.stepped_back");

    Response acknowledged =
        api.adminPost(
            "/api/v1/admin/alerts/" + alert.path("id").asString() + "/acknowledge",
            java.util.Map.of());
    assertThat(acknowledged.status()).as(acknowledged.body()).isEqualTo(200);
  }

  private void rewind(Duration duration) {
    clock.rewind(duration);
    rewound = rewound.plus(duration);
  }

  private int failedAttempts(EnrolledUser user) {
    return api.adminGet("/api/v1/admin/users/" + user.username())
        .json()
        .path("failedAttempts")
        .asInt();
  }
}
