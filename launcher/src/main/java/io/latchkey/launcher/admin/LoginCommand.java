package io.latchkey.launcher.admin;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/**
 * {@code admin login}: POST /api/v1/admin/sessions with the password and a code (or a push approved
 * on the phone), then keeps the admin token for the other commands ({@link TokenStore}).
 */
@Command(
    name = "login",
    description = {
      "Signs in with the password and a second factor (a code from your",
      "authenticator app or a backup code, or --push); keeps a short-lived token",
      "for the other commands."
    })
final class LoginCommand extends AdminSubcommand {
  static final String CODE_VARIABLE = "LATCHKEY_ADMIN_CODE";
  private static final Duration POLL_INTERVAL = Duration.ofSeconds(1);

  @Option(names = "--server", paramLabel = "URL", description = "The server's URL (as admin's).")
  String server;

  @Option(names = "--user", paramLabel = "NAME", description = "The administrator (as admin's).")
  String user;

  @Option(
      names = "--code",
      paramLabel = "CODE",
      description = {
        "The code your authenticator app shows, or a backup code",
        "(default: $" + CODE_VARIABLE + ", else a prompt)"
      })
  String code;

  @Option(
      names = "--new-password-file",
      paramLabel = "FILE",
      description = {
        "When the server asks for a new password (the first start's, or one set",
        "with set-password), read it from the first line of FILE (default:",
        "$" + AdminCommand.NEW_PASSWORD_VARIABLE + ", else typed twice on the terminal)"
      })
  Path newPasswordFile;

  @Option(
      names = "--push",
      description = "Send a sign-in request to your phone instead, and wait for its approval.")
  boolean push;

  @Override
  void execute() throws AdminException {
    String url = admin.serverUrl(server);
    String name = admin.username(user);
    String password = admin.loginPassword(name, url);
    AdminClient client = admin.anonymousClient(url);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("username", name);
    body.put("password", password);
    JsonNode session;
    if (push) {
      body.put("push", true);
      session = awaitPush(client, client.post("/api/v1/admin/sessions", body));
    } else {
      body.put("code", code(name));
      try {
        session = client.post("/api/v1/admin/sessions", body);
      } catch (AdminException e) {
        if (!"password_change_required".equals(e.code())) {
          throw e;
        }
        // Refused before the code was checked: the same code goes again, with a new password.
        out().println("The password of " + name + " must be changed before signing in.");
        out().flush();
        body.put("newPassword", newPassword(name));
        session = client.post("/api/v1/admin/sessions", body);
        out().println("The password of " + name + " was changed.");
      }
    }
    String token = text(session, "token");
    String expiresAt = text(session, "expiresAt");
    if (token == null || expiresAt == null) {
      throw new AdminException("error: the server signed you in but returned no token.");
    }
    Path file =
        admin.tokens().save(new TokenStore.Stored(url, name, token, Instant.parse(expiresAt)));
    out().println("Signed in to " + url + " as " + name + " until " + expiresAt + ".");
    out().println("The token is kept in " + file + "; 'latchkey admin logout' ends it.");
  }

  private String newPassword(String name) throws AdminException {
    String fromEnv = admin.env(AdminCommand.NEW_PASSWORD_VARIABLE);
    if (newPasswordFile == null && fromEnv != null && !fromEnv.isEmpty()) {
      return fromEnv;
    }
    return admin.newPassword(
        name,
        newPasswordFile,
        "pass --new-password-file FILE or set " + AdminCommand.NEW_PASSWORD_VARIABLE);
  }

  private String code(String name) throws AdminException {
    if (code != null && !code.isBlank()) {
      return code.strip();
    }
    String fromEnv = admin.env(CODE_VARIABLE);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.strip();
    }
    char[] typed =
        admin.prompt().readHidden("Code from the authenticator app of " + name + " (or --push): ");
    if (typed == null) {
      throw new AdminException(
          "No code: pass --code CODE, set "
              + CODE_VARIABLE
              + ", or use --push; there is no terminal to ask on.");
    }
    try {
      return new String(typed).strip();
    } finally {
      Arrays.fill(typed, '\0');
    }
  }

  /** Shows the number to type in the app, then polls until the phone answered. */
  private JsonNode awaitPush(AdminClient client, JsonNode started) throws AdminException {
    String id = text(started, "challengeId");
    String secret = text(started, "pollSecret");
    if (id == null || secret == null) {
      throw new AdminException("error: the server sent no push request.");
    }
    out()
        .println(
            "A sign-in request was sent to your phone: approve it and type "
                + shown(started, "number")
                + " in the app (until "
                + shown(started, "expiresAt")
                + ").");
    out().flush();
    String path = "/api/v1/admin/sessions/push/" + AdminClient.segment(id);
    while (true) {
      JsonNode answer = client.post(path, Map.of("pollSecret", secret));
      if (text(answer, "token") != null) {
        return answer;
      }
      try {
        Thread.sleep(POLL_INTERVAL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AdminException("Interrupted while waiting for the phone.");
      }
    }
  }
}
