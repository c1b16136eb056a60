package io.latchkey.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.LatchkeyServerApplication;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code latchkey admin} against the real server, started in-process on a free port with an empty
 * data folder, as an administrator would use it on first start: the bootstrap administrator has an
 * authenticator (registered in-process, as the console would) and signs in once with {@code admin
 * login}; every other command uses the stored token.
 */
class AdminCliIT {
  /** {@code error: <message> (code <code>, correlation ID <id>, <timestamp>)} */
  private static final Pattern ERROR =
      Pattern.compile(
          "error: (.+) \\(code ([a-z_]+), correlation ID ([A-Za-z0-9-]+),"
              + " (\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z)\\)");

  @TempDir static Path data;

  private static ConfigurableApplicationContext server;
  private static String url;
  private static String adminPassword;

  /** Where the shared admin login is kept ({@code LATCHKEY_CONFIG_HOME}). */
  @TempDir static Path config;

  /** The bootstrap administrator's backup codes: one per login, whatever the clock's step. */
  private static final java.util.Deque<String> BACKUP_CODES = new java.util.ArrayDeque<>();

  @BeforeAll
  static void startServer() throws IOException {
    server =
        SpringApplication.run(
            LatchkeyServerApplication.class,
            "--server.port=0",
            "--server.address=127.0.0.1",
            "--latchkey.data=" + data.toAbsolutePath());
    url = "http://127.0.0.1:" + server.getEnvironment().getProperty("local.server.port");
    initialPassword = Files.readAllLines(data.resolve("initial-admin-password")).get(0);
    BACKUP_CODES.addAll(registerAuthenticator("admin"));
    // The first login must change the first start's password (issue 14): the CLI asks for a new
    // one, here from the environment, and keeps going with the same code.
    adminPassword = "the administrator's own long passphrase";
    Map<String, String> first = env("admin", initialPassword);
    first.put("LATCHKEY_ADMIN_NEW_PASSWORD", adminPassword);
    firstLogin = run(first, "login", "--code", BACKUP_CODES.pop());
    assertThat(firstLogin.exit()).as(firstLogin.toString()).isZero();
  }

  /** The first start's one-time password, and the first login, which had to change it. */
  private static String initialPassword;

  private static CliRun firstLogin;

  @Test
  void theFirstLoginChangesTheFirstStartsPasswordAndItsFileIsGone() {
    assertThat(firstLogin.out())
        .contains("The password of admin must be changed before signing in.")
        .contains("The password of admin was changed.")
        .contains("Signed in to " + url + " as admin until ")
        .doesNotContain(initialPassword)
        .doesNotContain(adminPassword);
    assertThat(data.resolve("initial-admin-password")).doesNotExist();

    CliRun old = run(env("admin", initialPassword), "login", "--code", "123456");

    assertThat(old.exit()).isEqualTo(1);
    assertThat(error(old).group(2)).isEqualTo("unauthorized");
    CliRun changed = admin("audit", "--user", "admin", "--type", "password.changed");
    assertThat(changed.out()).containsPattern("password\\.changed +user=admin +actor=admin");
  }

  @Test
  void setPasswordMakesTheUserChooseTheirOwnAtTheNextSignInAndEndsTheirSessions() throws Exception {
    CliRun created =
        withStdin(env(), "correct horse battery\n", "create-user", "pwgina", "--password-stdin");
    assertThat(created.exit()).as(created.toString()).isZero();
    List<String> codes = registerAuthenticator("pwgina");
    var before = userSignIn("pwgina", "correct horse battery", codes.get(0), null);
    assertThat(before.statusCode()).as(before.body()).isEqualTo(201);
    String token = JsonMapper.builder().build().readTree(before.body()).path("token").asString();
    Path file = Files.createTempFile("new-password", ".txt");
    Files.writeString(file, "handed over on paper\n");

    CliRun set = admin("set-password", "pwgina", "--password-file", file.toString());

    assertThat(set.exit()).as(set.toString()).isZero();
    assertThat(set.out())
        .contains("Set a new password for pwgina: they choose their own at the next sign-in")
        .doesNotContain("handed over on paper");
    // The user's API token of before is refused at once.
    var revoked =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(url + "/api/v1/user/sessions/current"))
                    .header("Authorization", "Bearer " + token)
                    .DELETE()
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(revoked.statusCode()).isEqualTo(401);
    // The old password no longer works; the new one asks for the user's own first.
    assertThat(userSignIn("pwgina", "correct horse battery", codes.get(1), null).statusCode())
        .isEqualTo(401);
    var required = userSignIn("pwgina", "handed over on paper", codes.get(1), null);
    assertThat(required.statusCode()).isEqualTo(403);
    assertThat(required.body()).contains("password_change_required");
    var common = userSignIn("pwgina", "handed over on paper", codes.get(1), "password123");
    assertThat(common.body()).contains("password_too_common").doesNotContain("password123");
    var own = userSignIn("pwgina", "handed over on paper", codes.get(1), "gina's own passphrase");
    assertThat(own.statusCode()).as(own.body()).isEqualTo(201);
    assertThat(userSignIn("pwgina", "gina's own passphrase", codes.get(2), null).statusCode())
        .isEqualTo(201);
    // Audited with the administrator as actor, and the user told.
    CliRun audit = admin("audit", "--user", "pwgina", "--type", "password.set_by_admin");
    assertThat(audit.out()).containsPattern("password\\.set_by_admin +user=pwgina +actor=admin");
    var notices =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(url + "/api/v1/admin/users/pwgina/notices"))
                    .header("Authorization", "Bearer " + storedToken())
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(notices.body()).contains("password_set_by_admin").contains("password_changed");
  }

  @Test
  void setPasswordTakesNoPasswordAsAnArgumentAndRefusesAShortOne() throws IOException {
    CliRun created = admin("create-user", "pwivan");
    assertThat(created.exit()).as(created.toString()).isZero();

    CliRun asArgument = admin("set-password", "pwivan", "hunter2hunter2");
    CliRun noTerminal = admin("set-password", "pwivan");
    CliRun tooShort = withStdin(env(), "short\n", "set-password", "pwivan", "--password-stdin");

    assertThat(asArgument.exit()).isEqualTo(2);
    assertThat(noTerminal.exit()).isEqualTo(1);
    assertThat(noTerminal.err()).contains("no terminal to ask on");
    assertThat(tooShort.exit()).isEqualTo(1);
    assertThat(error(tooShort).group(2)).isEqualTo("password_too_short");
    assertThat(tooShort.err()).doesNotContain("short\n");
  }

  @Test
  void anAdministratorWhosePasswordWasSetChoosesANewOneAtLogin() throws IOException {
    CliRun created =
        withStdin(
            env(),
            "operator's first passphrase\n",
            "create-user",
            "pwhank",
            "--admin",
            "--password-stdin");
    assertThat(created.exit()).as(created.toString()).isZero();
    List<String> codes = registerAuthenticator("pwhank");
    Path set = Files.createTempFile("set", ".txt");
    Files.writeString(set, "a password from the admin\n");
    assertThat(admin("set-password", "pwhank", "--password-file", set.toString()).exit()).isZero();
    Map<String, String> hank = env("pwhank", "a password from the admin");
    hank.put("LATCHKEY_CONFIG_HOME", Files.createTempDirectory("latchkey-hank-").toString());

    CliRun withoutNew = run(hank, "login", "--code", codes.get(0));
    Path own = Files.createTempFile("own", ".txt");
    Files.writeString(own, "hank's very own passphrase\n");
    CliRun login =
        run(hank, "login", "--code", codes.get(0), "--new-password-file", own.toString());

    assertThat(withoutNew.exit()).isEqualTo(1);
    assertThat(withoutNew.err()).contains("--new-password-file").contains("no terminal");
    assertThat(login.exit()).as(login.toString()).isZero();
    assertThat(login.out()).contains("The password of pwhank was changed.");
    assertThat(run(hank, "users").exit()).isZero();
    CliRun old = run(hank, "login", "--code", codes.get(1));
    assertThat(old.exit()).isEqualTo(1);
    assertThat(error(old).group(2)).isEqualTo("unauthorized");
  }

  private static java.net.http.HttpResponse<String> userSignIn(
      String username, String password, String code, String newPassword) throws Exception {
    Map<String, String> body = new HashMap<>();
    body.put("username", username);
    body.put("password", password);
    body.put("code", code);
    if (newPassword != null) {
      body.put("newPassword", newPassword);
    }
    return java.net.http.HttpClient.newHttpClient()
        .send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/api/v1/user/sessions"))
                .header("Content-Type", "application/json")
                .POST(
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        JsonMapper.builder().build().writeValueAsString(body)))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  /** The admin token the shared login keeps. */
  private static String storedToken() throws IOException {
    try (var files = Files.list(config)) {
      for (Path file : files.toList()) {
        if (Files.isRegularFile(file) && file.getFileName().toString().endsWith(".json")) {
          return JsonMapper.builder().build().readTree(file.toFile()).path("token").asString();
        }
      }
    }
    throw new AssertionError("no stored admin login in " + config);
  }

  /**
   * Registers a TOTP authenticator for {@code username} through the server's own registration
   * service (what the console's wizard does), then issues backup codes.
   *
   * @return the backup codes
   */
  private static List<String> registerAuthenticator(String username) {
    var users = server.getBean(io.latchkey.core.user.UserRepository.class);
    var enrollments = server.getBean(io.latchkey.core.enrollment.EnrollmentService.class);
    var backupCodes = server.getBean(io.latchkey.core.backupcode.BackupCodes.class);
    var user = users.findByUsername(io.latchkey.core.user.Username.of(username)).orElseThrow();
    var context =
        new io.latchkey.core.audit.RequestContext(
            io.latchkey.core.audit.CorrelationId.random(new java.security.SecureRandom()),
            "127.0.0.1",
            "AdminCliIT",
            username);
    var enrollment = enrollments.begin(user, context);
    String code =
        io.latchkey.core.otp.Totp.generate(
            enrollment.secret(),
            io.latchkey.core.otp.OtpParameters.TOTP_DEFAULT,
            java.time.Instant.now());
    enrollments.confirm(user, enrollment.id(), code, context);
    return backupCodes.generate(user, context).codes();
  }

  @Test
  void aCommandWithoutALoginSaysToSignInFirst() throws IOException {
    Map<String, String> env = env();
    env.put("LATCHKEY_CONFIG_HOME", Files.createTempDirectory("latchkey-empty-").toString());

    CliRun run = run(env, "users");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err().strip()).contains("latchkey admin login").doesNotContain("\n");
    assertThat(run.err().lines()).hasSize(1);
  }

  @Test
  void theLoginIsKeptReadableByItsOwnerOnlyAndTheLogoutEndsIt() throws IOException {
    Path home = Files.createTempDirectory("latchkey-login-").resolve("latchkey");
    Map<String, String> env = env();
    env.put("LATCHKEY_CONFIG_HOME", home.toString());

    CliRun login = run(env, "login", "--code", BACKUP_CODES.pop());

    assertThat(login.exit()).as(login.toString()).isZero();
    assertThat(login.out()).contains("Signed in to " + url + " as admin until ");
    assertThat(Files.getPosixFilePermissions(home))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    List<Path> files;
    try (var listed = Files.list(home)) {
      files = listed.toList();
    }
    assertThat(files).hasSize(1);
    assertThat(Files.getPosixFilePermissions(files.get(0)))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    String token =
        JsonMapper.builder().build().readTree(files.get(0).toFile()).path("token").asString();
    assertThat(token).startsWith("lka_");
    assertThat(run(env, "users").exit()).isZero();

    CliRun logout = run(env, "logout");

    assertThat(logout.exit()).as(logout.toString()).isZero();
    assertThat(logout.out()).contains("Signed out of " + url + ".");
    assertThat(home).isEmptyDirectory();
    CliRun after = run(env, "users");
    assertThat(after.exit()).isEqualTo(1);
    assertThat(after.err()).contains("latchkey admin login");
    // The server ended the token too: given again, it is refused.
    Map<String, String> withToken = env();
    withToken.put("LATCHKEY_ADMIN_TOKEN", token);
    CliRun revoked = run(withToken, "users");
    assertThat(revoked.exit()).isEqualTo(1);
    assertThat(error(revoked).group(2)).isEqualTo("unauthorized");
    assertThat(error(revoked).group(1)).contains("latchkey admin login");
  }

  @Test
  void rotateKeyReSealsEverySecretWithANewKeyAndRetiresTheOldOne() {
    var jdbc = server.getBean(org.springframework.jdbc.core.simple.JdbcClient.class);
    String old = jdbc.sql("SELECT key_id FROM sealing_key").query(String.class).single();

    CliRun rotated = admin("rotate-key", "--wait");

    assertThat(rotated.exit()).as(rotated.toString()).isZero();
    String newKey = jdbc.sql("SELECT key_id FROM sealing_key").query(String.class).single();
    assertThat(newKey).isNotEqualTo(old);
    assertThat(rotated.out())
        .contains("new data key " + newKey, "(finished)", "Retired keys:  " + old);
    // The bootstrap administrator's TOTP secret is sealed with the new key; the old key is gone.
    assertThat(jdbc.sql("SELECT key_id FROM totp_credentials").query(String.class).list())
        .isNotEmpty()
        .containsOnly(newKey);
    assertThat(jdbc.sql("SELECT id FROM data_keys").query(String.class).list())
        .containsExactly(newKey);
    CliRun status = admin("rotate-key", "--status");
    assertThat(status.exit()).as(status.toString()).isZero();
    assertThat(status.out()).contains("Sealing key:   " + newKey, "Not yet re-sealed: 0");
  }

  @Test
  void aMetricsTokenScrapesTheMetricsAndOpensNothingElse() throws Exception {
    CliRun created = admin("create-metrics-token", "prometheus", "--quiet");

    assertThat(created.exit()).as(created.toString()).isZero();
    String token = created.out().strip();
    assertThat(token).startsWith("lkm_");
    var http = java.net.http.HttpClient.newHttpClient();
    var scraped =
        http.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/actuator/prometheus"))
                .header("Authorization", "Bearer " + token)
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(scraped.statusCode()).isEqualTo(200);
    assertThat(scraped.body()).contains("latchkey_");
    Map<String, String> withToken = env();
    withToken.put("LATCHKEY_ADMIN_TOKEN", token);
    CliRun admin = run(withToken, "users");
    assertThat(admin.exit()).isEqualTo(1);
    assertThat(error(admin).group(2)).isEqualTo("unauthorized");
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void createsAUserAndRefusesTheSameNameInAnotherCase() {
    CliRun created = admin("create-user", "Carol", "--display-name", "Carol Danvers");
    CliRun again = admin("create-user", "CAROL");
    CliRun shown = admin("user", "carol");

    assertThat(created.exit()).as(created.toString()).isZero();
    assertThat(created.out())
        .contains("Created user carol.")
        .contains("Display name:    Carol Danvers")
        .contains("Status:          active");
    // What the creation printed is what the database keeps: the same instant, to the microsecond.
    assertThat(line(shown.out(), "Created:")).isEqualTo(line(created.out(), "Created:"));
    assertThat(again.exit()).isEqualTo(1);
    assertThat(error(again).group(2)).isEqualTo("conflict");
    // An administrator is told the precise reason, not only the generic sentence.
    assertThat(error(again).group(1)).contains("Reason: the username is taken.");
  }

  @Test
  void anEmailAddressIsSetAtCreationChangedAndRemoved() {
    CliRun created = admin("create-user", "olga", "--email", "Olga@Example.com");
    CliRun changed = admin("set-email", "olga", "olga@example.org");
    CliRun removed = admin("set-email", "olga", "--none");
    CliRun audit = admin("audit", "--user", "olga", "--type", "user.email_changed");

    assertThat(created.exit()).as(created.toString()).isZero();
    assertThat(created.out()).contains("Email:           Olga@example.com");
    assertThat(changed.exit()).as(changed.toString()).isZero();
    assertThat(changed.out())
        .contains("Notices for olga now go to olga@example.org.")
        .contains("Email:           olga@example.org");
    assertThat(removed.exit()).as(removed.toString()).isZero();
    assertThat(removed.out())
        .contains("Removed the email address of olga.")
        .contains("Email:           -");
    assertThat(audit.out()).contains("user.email_changed").contains("olga@example.org");
  }

  @Test
  void anEmailAddressThatCouldBreakAMailHeaderIsRefused() {
    CliRun refused =
        admin("create-user", "pete", "--email", "pete@example.com\r\nBcc: x@evil.example");
    CliRun injected =
        admin("create-user", "pete", "--email", "pete@example.com\nBcc: x@evil.example");
    admin("create-user", "pete");
    CliRun neither = admin("set-email", "pete");

    assertThat(refused.exit()).isEqualTo(1);
    assertThat(error(refused).group(2)).isEqualTo("bad_request");
    assertThat(injected.exit()).isEqualTo(1);
    assertThat(error(injected).group(2)).isEqualTo("bad_request");
    assertThat(neither.exit()).isEqualTo(2);
    assertThat(neither.err()).contains("Give either an ADDRESS or --none.");
  }

  @Test
  void aGeneratedPasswordIsShownOnceAndIsTheUsersRealPassword() throws Exception {
    CliRun created = admin("create-user", "gina", "--generate-password");
    Matcher shown = Pattern.compile("Password: +([A-Za-z0-9]{20}) ").matcher(created.out());
    assertThat(shown.find()).as(created.toString()).isTrue();

    // Gina, who is no administrator, gets no admin login: refused like a wrong password.
    CliRun asGina = run(env("gina", shown.group(1)), "login", "--code", "123456");
    assertThat(asGina.exit()).isEqualTo(1);
    assertThat(error(asGina).group(2)).isEqualTo("unauthorized");
    // The password is hers for real: the user API accepts it and asks for a method she lacks.
    var signIn =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(url + "/api/v1/user/sessions"))
                    .header("Content-Type", "application/json")
                    .POST(
                        java.net.http.HttpRequest.BodyPublishers.ofString(
                            JsonMapper.builder()
                                .build()
                                .writeValueAsString(
                                    Map.of(
                                        "username", "gina",
                                        "password", shown.group(1),
                                        "code", "123456"))))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(signIn.body()).contains("not_enrolled");
  }

  @Test
  void anAdministratorCreatedWithAPasswordFromStdinCanAdministerOnceSignedIn() throws IOException {
    CliRun created =
        withStdin(env(), "s3cret-passw0rd\n", "create-user", "hank", "--admin", "--password-stdin");
    assertThat(created.exit()).as(created.toString()).isZero();
    assertThat(created.out()).contains("Administrator:   yes");
    Map<String, String> asHank = env("hank", "s3cret-passw0rd");
    CliRun withoutMethod = run(asHank, "login", "--code", "123456");
    assertThat(withoutMethod.exit()).isEqualTo(1);
    assertThat(error(withoutMethod).group(2)).isEqualTo("not_enrolled");

    List<String> codes = registerAuthenticator("hank");
    asHank.put("LATCHKEY_CONFIG_HOME", Files.createTempDirectory("latchkey-hank-").toString());
    CliRun login = run(asHank, "login", "--code", codes.get(0));
    CliRun users = run(asHank, "users");

    assertThat(login.exit()).as(login.toString()).isZero();
    assertThat(users.exit()).as(users.toString()).isZero();
    assertThat(users.out()).contains("hank");
  }

  @Test
  void usersListsEveryUserInATable() {
    admin("create-user", "ivan");

    CliRun users = admin("users");

    assertThat(users.exit()).as(users.toString()).isZero();
    assertThat(users.out().lines().findFirst())
        .hasValueSatisfying(
            header -> assertThat(header).matches("USERNAME +STATUS +ADMIN +FAILED ATTEMPTS"));
    assertThat(users.out())
        .containsPattern("(?m)^admin +active +yes +0$")
        .containsPattern("(?m)^ivan +active +no +0$");
  }

  @Test
  void userShowsStatusAndMethodsEvenForANonAsciiName() {
    CliRun created = admin("create-user", "ユーザー");
    CliRun shown = admin("user", "ユーザー");

    assertThat(created.exit()).as(created.toString()).isZero();
    assertThat(shown.exit()).as(shown.toString()).isZero();
    assertThat(shown.out())
        .contains("Username:        ユーザー")
        .contains("Status:          active")
        .contains("Methods:         none registered");
  }

  @Test
  void anUnknownUserIsNotFound() {
    CliRun run = admin("user", "nobody-here");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(error(run).group(2)).isEqualTo("not_found");
  }

  @Test
  void blockAndUnblockKeepTheReason() {
    admin("create-user", "dave");

    CliRun blocked = admin("block", "dave", "--reason", "lost his phone");
    CliRun whileBlocked = admin("user", "dave");
    CliRun unblocked = admin("unblock", "dave", "--reason", "new phone, ticket 42");
    CliRun audit = admin("audit", "--user", "dave", "--type", "user.blocked");

    assertThat(blocked.exit()).as(blocked.toString()).isZero();
    assertThat(whileBlocked.out())
        .contains("Status:          blocked (reason: lost his phone) since ");
    assertThat(unblocked.exit()).as(unblocked.toString()).isZero();
    assertThat(unblocked.out()).contains("Status:          active");
    assertThat(audit.out())
        .contains("user.blocked")
        .contains("user=dave")
        .contains("lost his phone");
  }

  @Test
  void disableEnableAndResetSayWhatHappened() {
    admin("create-user", "gail");

    CliRun disabled = admin("disable", "gail", "--reason", "left the company");
    CliRun enabled = admin("enable", "gail", "--reason", "rehired");
    CliRun reset = admin("reset-mfa", "gail", "--reason", "lost phone");
    CliRun again = admin("enable", "gail", "--reason", "twice");

    assertThat(disabled.exit()).as(disabled.toString()).isZero();
    assertThat(disabled.out()).contains("Disabled gail.").contains("disabled");
    assertThat(enabled.out())
        .contains("Enabled gail; 0 method(s) removed: MFA is off until gail registers again.");
    assertThat(reset.out()).contains("Reset the MFA of gail; 0 method(s) removed.");
    assertThat(again.exit()).isEqualTo(1);
    assertThat(error(again).group(2)).isEqualTo("conflict");
  }

  @Test
  void registrationLinkPrintsALinkThatOpensTheRegistrationOnce() throws Exception {
    admin("create-user", "ines");

    CliRun issued = admin("registration-link", "ines", "--expires", "2h");
    CliRun quiet = admin("registration-link", "ines", "--quiet");
    CliRun tooLong = admin("registration-link", "ines", "--expires", "8d");
    CliRun malformed = admin("registration-link", "ines", "--expires", "soon");

    assertThat(issued.exit()).as(issued.toString()).isZero();
    assertThat(issued.out()).contains("Registration link for ines").contains("works once");
    String first =
        issued.out().lines().filter(l -> l.contains("/enroll/")).findFirst().orElseThrow().strip();
    String second = quiet.out().strip();
    assertThat(second).startsWith(url + "/enroll/lkr_");
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    int oldLink =
        http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(first)).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding())
            .statusCode();
    java.net.http.HttpResponse<String> newLink =
        http.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(second)).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(oldLink).as("a newer link replaces the older one").isEqualTo(410);
    assertThat(newLink.statusCode()).isEqualTo(200);
    assertThat(newLink.body()).contains("id=\"enroll-form\"");
    assertThat(tooLong.exit()).isEqualTo(1);
    assertThat(error(tooLong).group(2)).isEqualTo("bad_request");
    assertThat(malformed.exit()).isNotZero();
    assertThat(malformed.err()).contains("--expires takes a number and m, h or d");
  }

  @Test
  void diagnoseShowsTheCauseTheRemedyAndTheTimeline() {
    admin("create-user", "frank");
    admin("block", "frank", "--reason", "phone stolen, ticket 7");
    CliRun lines = admin("audit", "--user", "frank", "--type", "user.blocked", "--json");
    Matcher id = Pattern.compile("\"correlationId\":\"([0-9A-Z-]+)\"").matcher(lines.out());
    assertThat(id.find()).as(lines.toString()).isTrue();

    CliRun diagnosis = admin("diagnose", id.group(1));
    CliRun malformed = admin("diagnose", "not-an-id");

    assertThat(diagnosis.exit()).as(diagnosis.toString()).isZero();
    assertThat(diagnosis.out())
        .contains("Verdict: 1 finding")
        .contains("1. user_blocked")
        .contains("Cause:  The user frank is blocked")
        .contains("phone stolen, ticket 7")
        .contains("Remedy: ")
        .contains("Timeline:")
        .contains("user.blocked");
    assertThat(malformed.exit()).isEqualTo(1);
    assertThat(error(malformed).group(2)).isEqualTo("bad_request");

    // As read over the phone (issue 15): lower case, the groups as separate words, or no dashes.
    String[] groups = id.group(1).toLowerCase(java.util.Locale.ROOT).split("-");
    CliRun spoken = admin("diagnose", groups[0], groups[1], groups[2], groups[3]);
    assertThat(spoken.exit()).as(spoken.toString()).isZero();
    assertThat(spoken.out()).contains("Correlation ID " + id.group(1)).contains("1. user_blocked");
    CliRun joined = admin("diagnose", String.join("", groups));
    assertThat(joined.exit()).as(joined.toString()).isZero();
    assertThat(joined.out()).contains("Correlation ID " + id.group(1));
  }

  @Test
  void importUsersPrintsWhatBecameOfEachRow() throws IOException {
    admin("create-user", "olga");
    Path file = data.resolve("people.csv");
    Files.writeString(
        file,
        "username,display_name,admin\r\n"
            + "pavel,\"Pavel, P.\",false\r\n"
            + "OLGA,Olga,false\r\n"
            + "bad:name,Bad,false\r\n"
            + "quinn,,true\r\n");

    CliRun run = admin("import-users", file.toString());
    CliRun quinn = admin("user", "quinn");

    assertThat(run.exit()).as(run.toString()).isEqualTo(1);
    assertThat(run.out().lines().findFirst())
        .hasValueSatisfying(h -> assertThat(h).matches("LINE +USERNAME +RESULT +REASON"));
    assertThat(run.out())
        .containsPattern("(?m)^2 +pavel +created$")
        .containsPattern("(?m)^3 +olga +exists$")
        .containsPattern("(?m)^4 +bad:name +refused +invalid_username: a username has")
        .containsPattern("(?m)^5 +quinn +created$")
        .contains("2 created, 1 already existed, 1 refused.")
        .contains("Imported users have no password");
    assertThat(run.err().strip())
        .isEqualTo("error: 1 row(s) refused (see above); the other rows were imported.");
    assertThat(quinn.out()).contains("Administrator:   yes");
  }

  @Test
  void importUsersOfAMalformedFileCreatesNobodyAndSaysWhichLine() throws IOException {
    Path file = Files.writeString(data.resolve("broken.csv"), "username\nrita\n\"sam\n");

    CliRun run = admin("import-users", file.toString());
    CliRun rita = admin("user", "rita");

    assertThat(run.exit()).isEqualTo(1);
    Matcher error = error(run);
    assertThat(error.group(2)).isEqualTo("bad_request");
    assertThat(error.group(1))
        .contains(
            "Reason: malformed CSV, nothing imported: line 3: a quoted field is never closed");
    assertThat(error(rita).group(2)).isEqualTo("not_found");
  }

  @Test
  void createApiKeyQuietPrintsOnlyTheTokenAndKeysCanBeRevoked() {
    CliRun created = admin("create-api-key", "intranet", "--quiet");
    String token = created.out().strip();
    CliRun listed = admin("api-keys");
    String id = idOf(listed.out(), "intranet");
    CliRun revoked = admin("revoke-api-key", id);
    CliRun after = admin("api-keys");

    assertThat(created.exit()).as(created.toString()).isZero();
    assertThat(created.out().lines()).hasSize(1);
    assertThat(token).startsWith("lk_");
    assertThat(listed.out()).contains("intranet").doesNotContain(token);
    assertThat(revoked.exit()).as(revoked.toString()).isZero();
    assertThat(after.out()).containsPattern("(?m)^" + id + " +intranet .*Z$");
  }

  @Test
  void createApiKeyExplainsTheTokenIsShownOnce() {
    CliRun created = admin("create-api-key", "wiki");

    assertThat(created.out()).contains("shown only now").containsPattern("lk_\\S+");
  }

  @Test
  void auditShowsUserCreatedWithTheAdministratorAsActor() {
    admin("create-user", "erin");

    CliRun timeline = admin("audit", "--user", "erin");
    CliRun lines = admin("audit", "--type", "user.created", "--json");

    assertThat(timeline.exit()).as(timeline.toString()).isZero();
    assertThat(timeline.out()).containsPattern("user\\.created +user=erin +actor=admin");
    JsonMapper json = JsonMapper.builder().build();
    List<JsonNode> events = lines.out().lines().map(json::readTree).toList();
    assertThat(events)
        .anySatisfy(
            event -> {
              assertThat(event.get("type").asString()).isEqualTo("user.created");
              assertThat(event.get("username").asString()).isEqualTo("erin");
              assertThat(event.get("actor").asString()).isEqualTo("admin");
              assertThat(event.get("correlationId").asString()).isNotBlank();
            });
  }

  @Test
  void aPasswordFileSignsIn() throws IOException {
    Map<String, String> env =
        Map.of(
            "LATCHKEY_SERVER",
            url,
            "LATCHKEY_CONFIG_HOME",
            Files.createTempDirectory("latchkey-file-").toString());
    Path file = Files.createTempFile("admin-password", ".txt");
    Files.writeString(file, adminPassword + "\n");

    CliRun login =
        run(env, "--password-file", file.toString(), "login", "--code", BACKUP_CODES.pop());

    assertThat(login.exit()).as(login.toString()).isZero();
    assertThat(run(env, "users").exit()).isZero();
  }

  @Test
  void aWrongAdminPasswordIsUnauthorizedWithACorrelationId() {
    CliRun run = run(env("admin", "not-the-password"), "login", "--code", "123456");

    assertThat(run.exit()).isEqualTo(1);
    Matcher error = error(run);
    assertThat(error.group(2)).isEqualTo("unauthorized");
    assertThat(error.group(3)).isNotBlank();
  }

  @Test
  void anUnreachableServerIsOnePlainSentence() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Map<String, String> env =
        Map.of(
            "LATCHKEY_SERVER",
            "http://127.0.0.1:" + closedPort,
            "LATCHKEY_ADMIN_PASSWORD",
            adminPassword);

    CliRun run = CliRun.run(env, "admin", "login", "--code", "123456");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err())
        .startsWith("The Latchkey server is not reachable at http://127.0.0.1:" + closedPort + ".")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    assertThat(run.err().lines()).hasSize(1);
  }

  @Test
  void thePolicyIsShownChangedWithAReasonAndItsHistoryListed() {
    CliRun shown = admin("policy");
    CliRun changed =
        admin(
            "policy",
            "set",
            "lockout.threshold=7",
            "push.network.rule=refuse",
            "methods.allowed=totp,push",
            "--reason",
            "tighter after the audit");
    CliRun history = admin("policy", "history");
    CliRun invalid = admin("policy", "set", "totp.drift-window=11", "--reason", "too far");
    CliRun noReason = admin("policy", "set", "lockout.threshold=8");
    CliRun back =
        admin(
            "policy", "set", "lockout.threshold=10", "push.network.rule=warn", "--reason", "back");

    assertThat(shown.exit()).as(shown.toString()).isZero();
    assertThat(shown.out())
        .contains("Version 0: the initial policy from the configuration.")
        .containsPattern("lockout\\.threshold +10");
    assertThat(changed.exit()).as(changed.toString()).isZero();
    assertThat(changed.out())
        .containsPattern("Policy changed: version [0-9]+\\.")
        .contains("by admin")
        .contains("tighter after the audit")
        .containsPattern("lockout\\.threshold +7")
        .containsPattern("push\\.network\\.rule +refuse");
    assertThat(history.exit()).as(history.toString()).isZero();
    assertThat(history.out())
        .contains("lockout.threshold: 10 -> 7")
        .contains("push.network.rule: warn -> refuse")
        .contains("Version 0: the initial policy from the configuration.");
    assertThat(invalid.exit()).isEqualTo(1);
    assertThat(error(invalid).group(2)).isEqualTo("bad_request");
    assertThat(error(invalid).group(1))
        .contains("'totp.drift-window' must be a whole number from 0 to 10");
    assertThat(noReason.exit()).isEqualTo(2);
    assertThat(noReason.err()).contains("--reason");
    assertThat(back.exit()).as(back.toString()).isZero();
  }

  private static CliRun admin(String... args) {
    return withStdin(env(), "", args);
  }

  private static CliRun run(Map<String, String> env, String... args) {
    return withStdin(env, "", args);
  }

  private static CliRun withStdin(Map<String, String> env, String stdin, String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "admin";
    System.arraycopy(args, 0, all, 1, args.length);
    return CliRun.withStdin(env, stdin, all);
  }

  private static Map<String, String> env() {
    return env("admin", adminPassword);
  }

  private static Map<String, String> env(String user, String password) {
    Map<String, String> env = new HashMap<>();
    env.put("LATCHKEY_SERVER", url);
    env.put("LATCHKEY_ADMIN_USER", user);
    env.put("LATCHKEY_ADMIN_PASSWORD", password);
    env.put("LATCHKEY_CONFIG_HOME", config.toString());
    return env;
  }

  private static Matcher error(CliRun run) {
    Matcher matcher = ERROR.matcher(run.err().strip());
    assertThat(matcher.matches()).as("an error line in: " + run).isTrue();
    return matcher;
  }

  private static String idOf(String table, String name) {
    return table
        .lines()
        .filter(line -> line.split(" +")[1].equals(name))
        .map(line -> line.split(" +")[0])
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " not in:\n" + table));
  }

  private static String line(String output, String label) {
    return output
        .lines()
        .filter(l -> l.startsWith(label))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + label + " line in:\n" + output));
  }
}
