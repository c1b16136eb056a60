package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.MailIT;
import io.latchkey.server.testing.MailServer;
import io.latchkey.server.testing.MailServer.Mail;
import io.latchkey.server.testing.Phone;
import io.latchkey.server.testing.PushWizard;
import io.latchkey.server.testing.WizardClient;
import io.latchkey.server.testing.WizardClient.Page;
import io.latchkey.server.testing.WizardClient.Pending;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Security notices delivered by a real SMTP server on loopback (GreenMail): registering an
 * authenticator, an administrator's MFA reset and a lockout each mail the user exactly one notice
 * with the facts and the correlation ID of the change, never a secret or a code; a user without an
 * address sees it on their page only; the page speaks the browser's language (SECURITY-TESTS B1,
 * B5, D3, E3).
 */
class NoticeMailIT extends MailIT {
  private static final String PASSWORD = "correct horse battery";
  private static final int THRESHOLD = 10;

  @BeforeEach
  void mailServerRuns() {
    MailServer.ensureStarted();
  }

  /** A user with an address who registered an authenticator; the confirmation's page. */
  private record Registered(
      String username,
      String address,
      String secret,
      String code,
      Page done,
      WizardClient browser) {}

  private Registered register(String prefix, boolean withAddress) {
    String username = newUsername(prefix);
    String address = withAddress ? addressOf(username) : null;
    createUser(api, username, address);
    WizardClient browser = new WizardClient(baseUrl());
    browser.signInOrFail(username, PASSWORD);
    Pending pending = browser.start();
    String code = WizardClient.code(pending.secret(), clock.instant());
    Page done = browser.confirm(pending.enrollmentId(), code);
    assertThat(done.redirectPath()).as(done.body()).isEqualTo("/register/done");
    return new Registered(username, address, pending.secret(), code, done, browser);
  }

  private Mail awaitOneMail(String address, String noticeId) {
    return MailIT.await(
        "the mail of notice " + noticeId + " to " + address,
        () ->
            MailServer.to(address).stream().filter(m -> noticeId.equals(m.noticeId())).findFirst());
  }

  @Test
  void registeringAnAuthenticatorMailsExactlyOneNoticeWithTheFactsAndNoSecret() {
    Registered user = register("mailed", true);

    JsonNode notice = awaitNotice(user.username(), "method_added", status("sent"));
    Mail mail = awaitOneMail(user.address(), notice.path("id").asString());

    assertThat(MailServer.to(user.address())).hasSize(1);
    assertThat(mail.to()).containsExactly(user.address());
    assertThat(mail.from()).isEqualTo(FROM);
    assertThat(mail.subject())
        .contains("A sign-in method was added to your account")
        .contains("アカウントにサインイン方法が追加されました");
    String correlationId = user.done().correlationId();
    assertThat(notice.path("correlationId").asString()).isEqualTo(correlationId);
    assertThat(mail.body())
        .contains("Method: Authenticator app (time-based codes)")
        .contains("From: 127.0.0.1")
        .contains("Browser or app: " + WizardClient.USER_AGENT)
        .contains("Correlation ID: " + correlationId)
        .contains(
            "If this was not you, contact your administrator at once and give them this"
                + " correlation ID: "
                + correlationId)
        .contains("方法: 認証アプリ (時間ベースのコード)")
        .contains("心当たりがない場合は")
        .contains("相関 ID: " + correlationId);
    assertNoSecret(mail, user);
    List<JsonNode> sent = audited(correlationId, "notice.sent");
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).path("actor").asString()).isEqualTo("system:mailer");
    assertThat(sent.get(0).path("username").asString()).isEqualTo(user.username());
    assertThat(audited(correlationId, "registration.completed")).hasSize(1);
  }

  private static void assertNoSecret(Mail mail, Registered user) {
    String text = mail.subject() + "\n" + mail.body();
    String secret = user.secret();
    assertThat(text).doesNotContain(secret).doesNotContain(secret.toLowerCase());
    for (int i = 0; i + 8 <= secret.length(); i += 4) {
      assertThat(text).doesNotContain(secret.substring(i, i + 8));
    }
    assertThat(text)
        .as("the confirming code as a token of its own")
        .doesNotContainPattern("(?<![0-9A-Za-z])" + user.code() + "(?![0-9A-Za-z])");
    assertThat(text.toLowerCase()).doesNotContain("password").doesNotContain(PASSWORD);
  }

  @Test
  void registeringAPushDeviceMailsExactlyOneNoticeNamingTheDevice() {
    String username = newUsername("pushed");
    String address = addressOf(username);
    createUser(api, username, address);
    Phone phone = Phone.compliant(clock);
    PushWizard wizard = new PushWizard(new WizardClient(baseUrl()));
    Phone.Run activated = phone.run("activate", wizard.start(username, PASSWORD));
    assertThat(activated.exit()).as(activated.all()).isZero();
    Phone.Run approved = phone.run("approve", "--number", wizard.number());
    assertThat(approved.exit()).as(approved.all()).isZero();
    assertThat(wizard.page().redirectPath()).isEqualTo("/register/done");

    JsonNode notice = awaitNotice(username, "method_added", status("sent"));
    Mail mail = awaitOneMail(address, notice.path("id").asString());

    assertThat(MailServer.to(address)).hasSize(1);
    assertThat(notice.path("facts").path("method").asString()).isEqualTo("PUSH");
    String device = notice.path("facts").path("device").asString();
    assertThat(device).isNotBlank();
    assertThat(mail.body())
        .contains("Method: Push approval (Latchkey app)")
        .contains("Device: " + device)
        .contains("Correlation ID: " + notice.path("correlationId").asString());
    assertThat(audited(notice.path("correlationId").asString(), "push_registration.completed"))
        .hasSize(1);
  }

  @Test
  void anAdministratorsMfaResetMailsExactlyOneNoticeNamingTheAdministrator() {
    Registered user = register("reset", true);
    awaitNotice(user.username(), "method_added", status("sent"));

    Response reset =
        api.adminPost(
            "/api/v1/admin/users/" + user.username() + "/reset-mfa",
            Map.of("reason", "lost phone, ticket 1234"));
    assertThat(reset.status()).as(reset.body()).isEqualTo(200);

    JsonNode notice = awaitNotice(user.username(), "mfa_reset", status("sent"));
    Mail mail = awaitOneMail(user.address(), notice.path("id").asString());
    assertThat(MailServer.to(user.address()))
        .filteredOn(m -> m.subject().contains("reset your sign-in methods"))
        .hasSize(1);
    assertThat(notice.path("correlationId").asString()).isEqualTo(reset.correlationId());
    assertThat(mail.body())
        .contains("By: admin")
        .contains("Methods removed: 1")
        .contains("Correlation ID: " + reset.correlationId())
        // The administrator's reason is for the audit log, not the mail.
        .doesNotContain("ticket 1234");
    assertThat(audited(reset.correlationId(), "notice.sent")).hasSize(1);
  }

  @Test
  void aLockoutMailsExactlyOneNoticeUnderTheCorrelationIdOfTheBlockingRequest() {
    Registered user = register("locked", true);
    awaitNotice(user.username(), "method_added", status("sent"));
    String token = api.createApiKey("notice-lockout-" + user.username());
    clock.nextStep(30);

    List<Response> answers = new ArrayList<>();
    for (int i = 0; i <= THRESHOLD; i++) {
      answers.add(api.verify(token, user.username(), wrongCode(user.secret())));
    }
    assertThat(answers.get(THRESHOLD).errorCode()).isEqualTo("user_blocked");

    JsonNode notice = awaitNotice(user.username(), "user_blocked", status("sent"));
    Mail mail = awaitOneMail(user.address(), notice.path("id").asString());
    String blocking = notice.path("correlationId").asString();
    assertThat(audited(blocking, "user.blocked")).hasSize(1);
    assertThat(answers.stream().map(Response::correlationId)).contains(blocking);
    assertThat(mail.subject()).contains("Your account was blocked");
    assertThat(mail.body())
        .contains("Wrong codes in a row: " + THRESHOLD)
        .contains("An administrator must unblock it")
        .contains("Correlation ID: " + blocking);
    assertThat(notices(user.username()))
        .filteredOn(n -> n.path("kind").asString().equals("user_blocked"))
        .hasSize(1);
    assertThat(MailServer.to(user.address()))
        .filteredOn(m -> m.subject().contains("blocked"))
        .hasSize(1);
  }

  private String wrongCode(String secret) {
    Set<String> window = new HashSet<>();
    for (int step = -3; step <= 3; step++) {
      window.add(WizardClient.code(secret, clock.instant().plusSeconds(30L * step)));
    }
    for (int i = 0; ; i++) {
      String guess = String.format("%06d", 400_000 + i);
      if (!window.contains(guess)) {
        return guess;
      }
    }
  }

  @Test
  void aUserWithoutAnAddressSeesTheNoticeOnThePageOnly() {
    Registered user = register("unmailed", false);

    List<JsonNode> listed = notices(user.username());
    assertThat(listed).hasSize(1);
    JsonNode notice = listed.get(0);
    assertThat(notice.path("status").asString()).isEqualTo("not_sent");
    assertThat(notice.path("lastError").asString()).isEqualTo("no_address");
    assertThat(notice.path("recipient").isNull()).isTrue();
    List<JsonNode> notSent = audited(user.done().correlationId(), "notice.not_sent");
    assertThat(notSent).hasSize(1);
    assertThat(notSent.get(0).path("reason").asString()).isEqualTo("no_address");

    Page page = user.browser().get("/register/done");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body())
        .contains("Recent security notices")
        .contains("A sign-in method was added to your account")
        .contains("from 127.0.0.1")
        .contains("Correlation ID: " + user.done().correlationId())
        .contains("Shown here only: not sent by email.")
        .contains("If this was not you, contact your administrator");
    // Whatever else the sender delivered meanwhile, nothing carried this notice.
    String id = notice.path("id").asString();
    assertThat(MailServer.all()).noneMatch(m -> id.equals(m.noticeId()));
  }

  @Test
  void theNoticesOnThePageSpeakJapaneseForAJapaneseBrowser() {
    Registered user = register("nihongo", true);
    awaitNotice(user.username(), "method_added", status("sent"));

    Page page =
        user.browser()
            .send(
                user.browser()
                    .request("/register/done")
                    .header("Accept-Language", "ja")
                    .GET()
                    .build());

    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body())
        .contains("最近のセキュリティ通知")
        .contains("アカウントにサインイン方法が追加されました")
        .contains("127.0.0.1 から")
        .contains("相関 ID: " + user.done().correlationId())
        .contains("メールでもお知らせしました。")
        .contains("心当たりがない場合は、すぐに管理者に連絡し")
        .doesNotContain("Recent security notices");
  }

  @Test
  void changingTheAddressTellsTheOldAddressAndIsAuditedWithTheAdministrator() {
    String username = newUsername("moved");
    String old = addressOf(username);
    String next = "new-" + old;
    createUser(api, username, old);

    Response changed = putEmail(username, "\"" + next + "\"");

    assertThat(changed.status()).as(changed.body()).isEqualTo(200);
    assertThat(changed.json().path("email").asString()).isEqualTo(next);
    JsonNode notice = awaitNotice(username, "email_changed", status("sent"));
    assertThat(notice.path("recipient").asString()).isEqualTo(old);
    Mail mail = awaitOneMail(old, notice.path("id").asString());
    assertThat(mail.body()).contains("New address: " + next).contains("By: admin");
    List<JsonNode> audit = audited(changed.correlationId(), "user.email_changed");
    assertThat(audit).hasSize(1);
    assertThat(audit.get(0).path("actor").asString()).isEqualTo("admin");
    assertThat(audit.get(0).path("detail").asString()).contains(old).contains(next);
    Optional<JsonNode> shown = Optional.of(api.adminGet("/api/v1/admin/users/" + username).json());
    assertThat(shown.get().path("email").asString()).isEqualTo(next);

    Response removed = putEmail(username, "null");
    assertThat(removed.status()).as(removed.body()).isEqualTo(200);
    assertThat(removed.json().path("email").isNull()).isTrue();
  }
}
