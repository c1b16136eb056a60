package io.latchkey.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code approve} and {@code deny}: the waiting request is fetched with a signed request, and the
 * answer, signed over that challenge's ID, user and expiry, verifies on the server with the key
 * sent at activation; a refusal is the server's sentence with its code and correlation ID.
 */
class ApproveDenyTest {
  @TempDir Path dir;
  private FakePushServer server;
  private AppDriver app;

  @BeforeEach
  void anActivatedDevice() throws Exception {
    app = new AppDriver(dir.resolve("phone"));
    app.env.put(PostureOverride.VARIABLE, "storage-encrypted=yes,rooted=no,notifications=yes");
    server = new FakePushServer(app.clock);
    app.ok("activate", server.activationLink(AppDriver.T.plusSeconds(600)), "--name", "laptop");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Challenge signIn(String application, String number) {
    return server.challenge(application, number, AppDriver.T.plusSeconds(90), "sign_in");
  }

  @Test
  void theRightNumberApprovesAndTheServerVerifiesTheSignedAnswer() {
    Challenge challenge = signIn("Payroll", "427");

    AppDriver.Result result = app.run("approve", challenge.id().toString(), "--number", "427");

    assertThat(result.err()).isEmpty();
    assertThat(result.out()).isEqualTo("Approved.\n");
    assertThat(server.answers).containsEntry(challenge.id(), "approved");
    assertThat(server.refusedSignatures).isEmpty();
    assertThat(server.requests)
        .endsWith(
            "GET /api/v1/device/challenges",
            "POST /api/v1/device/challenges/" + challenge.id() + "/answer");
  }

  @Test
  void theOnlyWaitingRequestNeedsNoIdAndAStartOfTheIdIsEnough() {
    Challenge only = signIn("Payroll", "427");
    app.ok("approve", "--number", "427");
    Challenge next = signIn("Mail", "55");

    app.ok("approve", next.id().toString().substring(0, 8).toUpperCase(), "--number", "55");

    assertThat(server.answers).containsEntry(only.id(), "approved");
    assertThat(server.answers).containsEntry(next.id(), "approved");
  }

  @Test
  void withoutNumberOptionTheNumberIsAskedForNamingTheRequester() {
    Challenge challenge = signIn("Payroll", "427");
    List<String> questions = new ArrayList<>();
    app.prompt =
        question -> {
          questions.add(question);
          return " 427 ".toCharArray();
        };

    assertThat(app.ok("approve")).isEqualTo("Approved.\n");
    assertThat(questions).containsExactly("Number shown on the sign-in screen (Payroll, alice): ");
    assertThat(server.answers).containsEntry(challenge.id(), "approved");
  }

  @Test
  void withoutNumberAndWithoutTerminalNothingIsSent() {
    Challenge challenge = signIn("Payroll", "427");

    AppDriver.Result result = app.run("approve");

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo(
            "The number is needed and there is no terminal to ask for it; give --number N, the"
                + " number the sign-in screen shows.\n");
    assertThat(server.answers).doesNotContainKey(challenge.id());
  }

  @Test
  void aNumberThatIsNotDigitsIsRefusedBeforeAskingTheServer() {
    signIn("Payroll", "427");

    AppDriver.Result result = app.run("approve", "--number", "42a");

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo(
            "The number must be digits only, as the sign-in screen shows it; nothing was sent.\n");
    assertThat(server.requests).doesNotContain("GET /api/v1/device/challenges");
  }

  @Test
  void aWrongNumberIsTheServersRefusalWithCodeCorrelationIdAndTime() {
    Challenge challenge = signIn("Payroll", "427");

    AppDriver.Result result = app.run("approve", challenge.id().toString(), "--number", "724");

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .isEqualTo(
            "Your answer was not accepted: The number does not match the one on the sign-in"
                + " screen; the sign-in was stopped.\n"
                + "code: number_mismatch  correlation ID: 7Q2MK-0002  at 2009-02-13T23:31:30Z\n");
    assertThat(server.answers).containsEntry(challenge.id(), "number_mismatch");
  }

  @Test
  void answeringTwiceIsAConflictAndAnExpiredRequestIsSaidSo() {
    server.listEverything = true;
    Challenge answered = signIn("Payroll", "427");
    Challenge expired = server.challenge("Mail", "55", AppDriver.T.minusSeconds(1), "sign_in");
    app.ok("approve", answered.id().toString(), "--number", "427");

    AppDriver.Result again = app.run("approve", answered.id().toString(), "--number", "427");
    AppDriver.Result late = app.run("deny", expired.id().toString());

    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err())
        .startsWith(
            "Your answer was not accepted: This sign-in request was already answered.\n"
                + "code: conflict  correlation ID: 7Q2MK-");
    assertThat(late.exit()).isEqualTo(1);
    assertThat(late.err())
        .startsWith(
            "Your answer was not accepted: This sign-in request expired.\n"
                + "code: challenge_expired  correlation ID: 7Q2MK-");
  }

  @Test
  void severalWaitingRequestsAreListedAndAnIdIsAskedFor() {
    Challenge payroll = signIn("Payroll", "427");
    Challenge mail = signIn("Mail", "55");

    AppDriver.Result result = app.run("deny");

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err())
        .startsWith("2 sign-in requests are waiting; give the ID of the one to deny:\n")
        .contains(payroll.id().toString(), mail.id().toString(), "Payroll", "Mail", "203.0.113.7");
    assertThat(server.answers).isEmpty();
  }

  @Test
  void withNothingWaitingTheUserIsToldSo() {
    AppDriver.Result none = app.run("approve", "--number", "1");
    signIn("Payroll", "427");
    AppDriver.Result unknown = app.run("approve", "0000", "--number", "1");

    assertThat(none.exit()).isEqualTo(1);
    assertThat(none.err()).isEqualTo("No sign-in request is waiting.\n");
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.err())
        .isEqualTo(
            "No waiting sign-in request has the ID \"0000\"; it may have expired or been answered"
                + " already.\n");
  }

  @Test
  void denyDeniesAndReportMarksItSuspicious() {
    Challenge denied = signIn("Payroll", "427");
    assertThat(app.ok("deny", denied.id().toString())).isEqualTo("Denied.\n");
    Challenge reported = signIn("Unknown app", "99");

    String out = app.ok("deny", reported.id().toString(), "--report");

    assertThat(out)
        .isEqualTo("Denied and reported as suspicious; your administrator has been alerted.\n");
    assertThat(server.answers)
        .containsEntry(denied.id(), "denied")
        .containsEntry(reported.id(), "reported");
  }

  @Test
  void aDeviceTheServerNoLongerKnowsGetsTheServersReason() throws Exception {
    FakePushServer other = new FakePushServer(app.clock);
    try {
      // A second server that never activated this device refuses its signature.
      AppDriver stranger = new AppDriver(dir.resolve("stranger"));
      stranger.env.putAll(app.env);
      stranger.ok("activate", other.activationLink(AppDriver.T.plusSeconds(600)));
      other.deviceKey = server.deviceKey;

      AppDriver.Result result = stranger.run("approve", "--number", "1");

      assertThat(result.exit()).isEqualTo(1);
      assertThat(result.err())
          .startsWith("The server refused to list the sign-in requests of the device \"")
          .contains(": This device is not known here.\ncode: unauthorized  correlation ID: ");
    } finally {
      other.close();
    }
  }
}
