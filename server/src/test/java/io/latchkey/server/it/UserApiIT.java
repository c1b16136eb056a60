package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.backupcode.BackupCodes;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserRepository;
import io.latchkey.core.user.Username;
import io.latchkey.server.testing.Api.Response;
import io.latchkey.server.testing.ServerIT;
import io.latchkey.server.testing.UserApiClient;
import io.latchkey.server.testing.WizardClient;
import io.latchkey.server.testing.WizardClient.EnrolledUser;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The user API: sign-in with the password and a second factor through the same checks as every
 * other path (uniform errors before the password, the one lockout counter, single-use codes), its
 * short-lived token, and the backup's optimistic concurrency on the real database.
 */
class UserApiIT extends ServerIT {
  @Autowired BackupCodes backupCodes;
  @Autowired UserRepository userRepository;
  private UserApiClient users;

  @BeforeEach
  void client() {
    users = new UserApiClient(api);
  }

  private EnrolledUser enrolled(String prefix) {
    EnrolledUser user = WizardClient.enrollNewUser(api, newUsername(prefix), clock.instant());
    clock.nextStep(30); // the registration used the current step
    return user;
  }

  private String code(EnrolledUser user) {
    return WizardClient.code(user.secret(), clock.instant());
  }

  @Test
  void aWrongPasswordAndAnUnknownUserGetTheSameAnswer() {
    EnrolledUser alice = enrolled("uniform");
    Response wrongPassword = users.signIn(alice.username(), "not the password", code(alice));
    Response unknown = users.signIn(newUsername("nobody"), "not the password", "123456");
    Response badName = users.signIn("no:such user", "x", "123456");

    for (Response response : List.of(wrongPassword, unknown, badName)) {
      assertThat(response.status()).as(response.body()).isEqualTo(401);
      assertThat(response.errorCode()).isEqualTo("unauthorized");
      assertThat(response.correlationId())
          .isEqualTo(response.json().path("error").path("correlationId").asString());
    }
    assertThat(message(wrongPassword)).isEqualTo(message(unknown)).isEqualTo(message(badName));
    // The audit log behind each ID says what really happened.
    assertThat(reasons(wrongPassword.correlationId())).contains("wrong_password");
    assertThat(reasons(unknown.correlationId())).contains("unknown_user");
    // And the code was not looked at: it still works.
    Response right = users.signIn(alice.username(), UserApiClient.PASSWORD, code(alice));
    assertThat(right.status()).as(right.body()).isEqualTo(201);
  }

  @Test
  void theTokenOpensTheUserApiAndEverySignInIsAudited() {
    EnrolledUser alice = enrolled("token");
    Response signedIn = users.signIn(alice.username(), UserApiClient.PASSWORD, code(alice));
    assertThat(signedIn.status()).isEqualTo(201);
    JsonNode body = signedIn.json();
    String token = body.path("token").asString();
    assertThat(token).startsWith("lku_").hasSizeGreaterThan(40);
    assertThat(java.time.Instant.parse(body.path("expiresAt").asString()))
        .isEqualTo(clock.instant().plus(Duration.ofMinutes(10)));
    assertThat(body.path("username").asString()).isEqualTo(alice.username());
    assertThat(api.auditByCorrelationId(signedIn.correlationId()).toString())
        .contains("user_session.created")
        .contains("verification.accepted")
        .doesNotContain(token);

    assertThat(users.getBackup(token).status()).isEqualTo(404);
    assertThat(users.getBackup(token).errorCode()).isEqualTo("not_found");

    // Ten minutes later it no longer works.
    clock.advance(Duration.ofMinutes(10));
    assertThat(users.getBackup(token).status()).isEqualTo(401);
  }

  @Test
  void signingOutEndsTheTokenAtOnce() {
    EnrolledUser alice = enrolled("signout");
    String token = users.token(alice.username(), code(alice));
    assertThat(users.signOut(token).status()).isEqualTo(204);
    Response after = users.getBackup(token);
    assertThat(after.status()).isEqualTo(401);
    assertThat(after.errorCode()).isEqualTo("unauthorized");
  }

  @Test
  void aUsedCodeCannotSignInAgain() {
    EnrolledUser alice = enrolled("replay");
    String code = code(alice);
    assertThat(users.signIn(alice.username(), UserApiClient.PASSWORD, code).status())
        .isEqualTo(201);
    Response again = users.signIn(alice.username(), UserApiClient.PASSWORD, code);
    assertThat(again.status()).isEqualTo(422);
    assertThat(again.errorCode()).isEqualTo("code_reused");
    // Nor through the application API: it is the same replay state.
    String app = api.createApiKey("user-api-replay");
    assertThat(api.verify(app, alice.username(), code).errorCode()).isEqualTo("code_reused");
  }

  @Test
  void aBackupCodeSignsInOnceAndIsSpentForEveryPath() {
    EnrolledUser alice = enrolled("backup-code");
    User user = userRepository.findByUsername(Username.of(alice.username())).orElseThrow();
    List<String> codes = backupCodes.generate(user, itContext(alice.username())).codes();
    String code = codes.get(3);
    assertThat(code).matches("[0-9A-Z]{5}-[0-9A-Z]{5}");

    Response signedIn = users.signIn(alice.username(), UserApiClient.PASSWORD, code);
    assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(201);
    assertThat(users.getBackup(signedIn.json().path("token").asString()).status()).isEqualTo(404);
    assertThat(api.auditByCorrelationId(signedIn.correlationId()).toString())
        .contains("BACKUP_CODE code accepted")
        .doesNotContain(code);
    assertThat(backupCodes.summary(user.id()).remaining()).isEqualTo(codes.size() - 1);

    Response again = users.signIn(alice.username(), UserApiClient.PASSWORD, code);
    assertThat(again.status()).isEqualTo(422);
    assertThat(again.errorCode()).isEqualTo("code_reused");
    String app = api.createApiKey("user-api-backup-code");
    assertThat(api.verify(app, alice.username(), code).errorCode()).isEqualTo("code_reused");
    // Another code of the set still works, once.
    assertThat(users.signIn(alice.username(), UserApiClient.PASSWORD, codes.get(4)).status())
        .isEqualTo(201);
    assertThat(backupCodes.summary(user.id()).remaining()).isEqualTo(codes.size() - 2);
  }

  @Test
  void wrongCodesCountTowardTheOneLockoutSharedWithEveryOtherPath() {
    EnrolledUser alice = enrolled("lockout");
    String wrong = code(alice).equals("000000") ? "111111" : "000000";
    for (int i = 0; i < 5; i++) {
      Response refused = users.signIn(alice.username(), UserApiClient.PASSWORD, wrong);
      assertThat(refused.errorCode()).isEqualTo("invalid_code");
    }
    assertThat(failedAttempts(alice)).isEqualTo(5);
    String app = api.createApiKey("user-api-lockout");
    for (int i = 0; i < 4; i++) {
      assertThat(api.verify(app, alice.username(), wrong).errorCode()).isEqualTo("invalid_code");
    }
    // The tenth failure, on the user API, blocks the user; then the right code is refused too.
    assertThat(users.signIn(alice.username(), UserApiClient.PASSWORD, wrong).errorCode())
        .isEqualTo("invalid_code");
    Response blocked = users.signIn(alice.username(), UserApiClient.PASSWORD, code(alice));
    assertThat(blocked.status()).isEqualTo(423);
    assertThat(blocked.errorCode()).isEqualTo("user_blocked");
    assertThat(api.verify(app, alice.username(), code(alice)).errorCode())
        .isEqualTo("user_blocked");
  }

  @Test
  void aBlockedUsersTokenStopsWorkingAtOnce() {
    EnrolledUser alice = enrolled("blocked");
    String token = users.token(alice.username(), code(alice));
    assertThat(users.getBackup(token).status()).isEqualTo(404);

    Response block =
        api.adminPost(
            "/api/v1/admin/users/" + alice.username() + "/block", Map.of("reason", "lost phone"));
    assertThat(block.status()).as(block.body()).isEqualTo(200);

    Response refused = users.getBackup(token);
    assertThat(refused.status()).isEqualTo(423);
    assertThat(refused.errorCode()).isEqualTo("user_blocked");
    Response upload = users.putBackup(token, new byte[] {1, 2, 3}, "If-None-Match", "*");
    assertThat(upload.errorCode()).isEqualTo("user_blocked");
    assertThat(api.auditByCorrelationId(refused.correlationId()).toString())
        .contains("user_session.rejected");

    // The unblock revokes the token: it does not come back within its ten minutes.
    Response unblock =
        api.adminPost(
            "/api/v1/admin/users/" + alice.username() + "/unblock", Map.of("reason", "found it"));
    assertThat(unblock.status()).as(unblock.body()).isEqualTo(200);
    Response afterUnblock = users.getBackup(token);
    assertThat(afterUnblock.status()).isEqualTo(401);
    assertThat(afterUnblock.errorCode()).isEqualTo("unauthorized");
    clock.nextStep(30);
    assertThat(users.getBackup(users.token(alice.username(), code(alice))).status())
        .as("a fresh sign-in works")
        .isEqualTo(404);
    // The token and the browser that registered the authenticator.
    assertThat(unblock.correlationId()).isNotBlank();
    assertThat(api.auditByCorrelationId(unblock.correlationId()).toString())
        .contains("user.unblocked")
        .contains("2 signed-in sessions ended");
  }

  @Test
  void aPasswordAloneOrAnApiKeyCannotReachTheUserApi() {
    EnrolledUser alice = enrolled("basic");
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    (alice.username() + ":" + UserApiClient.PASSWORD)
                        .getBytes(StandardCharsets.UTF_8));
    Response withPassword =
        api.send(api.request("/api/v1/user/backup").header("Authorization", basic).GET().build());
    assertThat(withPassword.status()).isEqualTo(401);
    assertThat(withPassword.errorCode()).isEqualTo("unauthorized");
    Response withKey = api.appGet(api.createApiKey("not-a-user"), "/api/v1/user/backup");
    assertThat(withKey.status()).isEqualTo(403);
    Response forged = users.getBackup("lku_" + "A".repeat(43));
    assertThat(forged.status()).isEqualTo(401);
    assertThat(forged.errorCode()).isEqualTo("unauthorized");
  }

  @Test
  void uploadsNameTheVersionTheyReplaceAndAStaleOneIsRefused() {
    EnrolledUser alice = enrolled("versions");
    String token = users.token(alice.username(), code(alice));
    byte[] one = "first opaque bytes".getBytes(StandardCharsets.UTF_8);

    Response none = users.putBackup(token, one, null, null);
    assertThat(none.status()).isEqualTo(400);
    Response missing = users.putBackup(token, one, "If-Match", "\"1\"");
    assertThat(missing.status()).isEqualTo(412);
    assertThat(missing.errorCode()).isEqualTo("backup_stale");

    Response first = users.putBackup(token, one, "If-None-Match", "*");
    assertThat(first.status()).isEqualTo(201);
    assertThat(first.json().path("version").asLong()).isEqualTo(1);
    Response second = users.putBackup(token, one, "If-None-Match", "*");
    assertThat(second.errorCode()).isEqualTo("backup_stale");

    byte[] two = "second opaque bytes".getBytes(StandardCharsets.UTF_8);
    assertThat(users.putBackup(token, two, "If-Match", "\"1\"").status()).isEqualTo(200);
    Response stale = users.putBackup(token, one, "If-Match", "\"1\"");
    assertThat(stale.status()).isEqualTo(412);
    assertThat(stale.json().path("error").path("message").asString())
        .contains("changed since this device last backed up");
    assertThat(api.auditByCorrelationId(stale.correlationId()).toString())
        .contains("backup.rejected")
        .contains("backup_stale");

    HttpRequest download =
        api.request("/api/v1/user/backup").header("Authorization", "Bearer " + token).GET().build();
    try {
      var response =
          java.net.http.HttpClient.newHttpClient()
              .send(download, java.net.http.HttpResponse.BodyHandlers.ofByteArray());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("ETag")).contains("\"2\"");
      assertThat(response.body()).isEqualTo(two);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void ofConcurrentUploadsOfTheSameVersionExactlyOneWins() throws Exception {
    EnrolledUser alice = enrolled("race");
    String token = users.token(alice.username(), code(alice));
    assertThat(users.putBackup(token, new byte[] {0}, "If-None-Match", "*").status())
        .isEqualTo(201);
    for (long version = 1; version <= 4; version++) {
      String expected = "\"" + version + "\"";
      List<Integer> statuses =
          race(
              4,
              () ->
                  users
                      .putBackup(
                          token,
                          ("upload for " + expected).getBytes(StandardCharsets.UTF_8),
                          "If-Match",
                          expected)
                      .status());
      assertThat(statuses).as("racing on version %d", version).containsOnlyOnce(200);
      assertThat(statuses.stream().filter(s -> s == 412).count()).isEqualTo(3);
    }
    // Racing first uploads: exactly one as well.
    EnrolledUser bob = enrolled("race-first");
    String bobs = users.token(bob.username(), code(bob));
    List<Integer> firsts =
        race(4, () -> users.putBackup(bobs, new byte[] {7}, "If-None-Match", "*").status());
    assertThat(firsts).containsOnlyOnce(201);
    assertThat(firsts.stream().filter(s -> s == 412).count()).isEqualTo(3);
  }

  @Test
  void aBackupOverTheCapIsRefusedAndOneAtTheCapIsKept() {
    EnrolledUser alice = enrolled("cap");
    String token = users.token(alice.username(), code(alice));
    byte[] atCap = new byte[1024 * 1024];
    new java.util.Random(5).nextBytes(atCap);
    assertThat(users.putBackup(token, atCap, "If-None-Match", "*").status()).isEqualTo(201);
    byte[] over = new byte[1024 * 1024 + 1];
    Response refused = users.putBackup(token, over, "If-Match", "\"1\"");
    assertThat(refused.status()).isEqualTo(413);
    assertThat(refused.errorCode()).isEqualTo("payload_too_large");
  }

  private static RequestContext itContext(String actor) {
    return new RequestContext(CorrelationId.random(new SecureRandom()), "127.0.0.1", "it", actor);
  }

  private int failedAttempts(EnrolledUser user) {
    return api.adminGet("/api/v1/admin/users/" + user.username())
        .json()
        .path("failedAttempts")
        .asInt();
  }

  private static String message(Response response) {
    return response.json().path("error").path("message").asString();
  }

  private String reasons(String correlationId) {
    return api.auditByCorrelationId(correlationId).toString();
  }

  private static <T> List<T> race(int threads, Callable<T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch ready = new CountDownLatch(threads);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        futures.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  go.await();
                  return task.call();
                }));
      }
      ready.await();
      go.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(60, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
