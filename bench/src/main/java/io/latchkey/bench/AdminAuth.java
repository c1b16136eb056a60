package io.latchkey.bench;

import io.latchkey.core.otp.OtpParameters;
import io.latchkey.core.otp.Secret;
import io.latchkey.core.otp.Totp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code Authorization} header of {@link SoakLoad}'s admin API calls, for a server of either
 * kind: one that takes HTTP Basic ({@code admin:PASSWORD}, before issue 12's admin login), or one
 * that takes admin tokens only. {@link #connect} asks the server which: if Basic is refused, the
 * administrator registers a TOTP authenticator through the wizard (the bootstrap admin has none),
 * then signs in with {@code POST /api/v1/admin/sessions} (password and a code) for a token, and
 * signs in again before the login is {@link #RELOGIN_AFTER} old, so that calls that need a recent
 * second factor (registration links, reset-mfa, unblock, policy) keep working. A TOTP code is
 * accepted once per 30-second step: a new login waits for a step the last one did not use. The
 * secret is kept in a file (mode 600) so that a later run against the same server signs in with it.
 *
 * <p>Since issue 14 the first start's password must be changed at the first sign-in (in the wizard,
 * or with {@code newPassword} at the API login): the administrator then gets a new random password,
 * kept in {@code passwordFile} (mode 600), which a later run reads instead of the first start's.
 */
final class AdminAuth {
  /** Well inside the server's 10-minute step-up window. */
  static final Duration RELOGIN_AFTER = Duration.ofMinutes(7);

  private static final OtpParameters TOTP = OtpParameters.TOTP_DEFAULT;

  private final SoakHttp http;
  private final String username;
  private String password;
  private final boolean basic;
  private Path passwordFile;
  private String secret;
  private long lastStep = -1;
  private String token;
  private String previousToken;
  private long loginNanos;
  private int logins;

  private AdminAuth(SoakHttp http, String username, String password, boolean basic) {
    this.http = http;
    this.username = username;
    this.password = password;
    this.basic = basic;
  }

  /** Finds out what the server takes; for tokens, registers a factor and signs in. */
  static AdminAuth connect(
      SoakHttp http,
      String username,
      String password,
      Deadline deadline,
      Path secretFile,
      Path passwordFile)
      throws IOException, InterruptedException {
    String basicHeader =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    SoakHttp.Answer probe =
        http.send(
            "admin.auth-probe",
            http.request("/api/v1/admin/policy")
                .header("Authorization", basicHeader)
                .GET()
                .build());
    if (probe.is(200)) {
      return new AdminAuth(http, username, password, true);
    }
    if (!probe.is(401)) {
      throw new IllegalStateException("GET /api/v1/admin/policy with Basic: " + probe.outcome());
    }
    AdminAuth auth = new AdminAuth(http, username, password, false);
    auth.passwordFile = passwordFile;
    if (Files.exists(secretFile)) {
      // An earlier run registered the administrator's authenticator: the server asks for it now.
      auth.secret = Files.readString(secretFile).strip();
    } else {
      String newPassword = newPassword();
      try (WizardSession wizard = new WizardSession(http.base, deadline, http)) {
        WizardSession.Registered registered = wizard.register(username, password, newPassword);
        auth.secret = registered.secret();
        if (registered.passwordChanged()) {
          auth.keepPassword(newPassword);
        }
      }
      auth.lastStep = step(Instant.now());
      Files.writeString(
          secretFile,
          auth.secret + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE);
      Files.setPosixFilePermissions(secretFile, PosixFilePermissions.fromString("rw-------"));
    }
    auth.login();
    return auth;
  }

  boolean basic() {
    return basic;
  }

  synchronized int logins() {
    return logins;
  }

  /** The header for the next admin call: a login if the token is missing or getting old. */
  synchronized String header() throws InterruptedException {
    if (basic) {
      return "Basic "
          + Base64.getEncoder()
              .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
    if (token == null || System.nanoTime() - loginNanos > RELOGIN_AFTER.toNanos()) {
      login();
    }
    return "Bearer " + token;
  }

  /**
   * A call with {@code used} was refused 401 (e.g. {@code step_up_required}): signs in again unless
   * another thread already did. Returns whether a retry may help.
   */
  synchronized boolean refused(String used) throws InterruptedException {
    if (basic) {
      return false;
    }
    if (token != null && !used.equals("Bearer " + token)) {
      return true;
    }
    login();
    return true;
  }

  /** POST /api/v1/admin/sessions with a code of a step not used before. */
  private void login() throws InterruptedException {
    for (int attempt = 0; attempt < 3; attempt++) {
      Instant now = Instant.now();
      long current = step(now);
      if (current <= lastStep) {
        Thread.sleep(Duration.ofMillis((lastStep + 1) * 30_000 - now.toEpochMilli() + 200));
        continue;
      }
      lastStep = current;
      Map<String, String> body = new LinkedHashMap<>();
      body.put("username", username);
      body.put("password", password);
      body.put("code", Totp.generate(Secret.fromBase32(secret), TOTP, now));
      SoakHttp.Answer answer = send(body);
      if (answer.is(403) && answer.errorCode().equals("password_change_required")) {
        // Refused before the code was checked: the same code goes with the new password.
        String newPassword = newPassword();
        body.put("newPassword", newPassword);
        answer = send(body);
        if (answer.is(201)) {
          keepPassword(newPassword);
        }
      }
      if (answer.is(201)) {
        // The token before the last one has had minutes to finish its calls: sign it out.
        if (previousToken != null) {
          // (its answer is counted as kind admin.logout, like every other)
          http.send(
              "admin.logout",
              http.request("/api/v1/admin/sessions/current")
                  .header("Authorization", "Bearer " + previousToken)
                  .DELETE()
                  .build());
        }
        previousToken = token;
        token = answer.json().path("token").asString();
        loginNanos = System.nanoTime();
        logins++;
        return;
      }
      if (!answer.errorCode().equals("code_reused")) {
        throw new IllegalStateException("admin login answered " + answer.outcome());
      }
    }
    throw new IllegalStateException("admin login: no fresh TOTP step after 3 tries");
  }

  private SoakHttp.Answer send(Map<String, String> body) throws InterruptedException {
    return http.send(
        "admin.login",
        http.request("/api/v1/admin/sessions")
            .header("Content-Type", "application/json")
            .POST(SoakHttp.json(body))
            .build());
  }

  /** A random password of 24 letters and digits (about 140 bits): no common one. */
  private static String newPassword() {
    java.security.SecureRandom random = new java.security.SecureRandom();
    String alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 24; i++) {
      out.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return out.toString();
  }

  /** The administrator's password is now {@code newPassword}: kept, mode 600, for later runs. */
  private void keepPassword(String newPassword) {
    password = newPassword;
    try {
      Files.deleteIfExists(passwordFile);
      Files.createFile(
          passwordFile,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(passwordFile, newPassword + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot keep the new admin password", e);
    }
  }

  private static long step(Instant at) {
    return at.getEpochSecond() / 30;
  }
}
