package io.latchkey.app;

import java.net.URI;
import java.util.Arrays;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * What {@code backup} and {@code restore} share: the server and the user, and signing in with the
 * account password ({@code LATCHKEY_PASSWORD}, else a hidden prompt) and a second factor ({@code
 * --code}, {@code LATCHKEY_CODE}, else a prompt: a code from the authenticator app or a backup
 * code), and the backup password ({@code LATCHKEY_BACKUP_PASSWORD}, else a hidden prompt).
 */
abstract class CloudSubcommand extends AppSubcommand {
  static final String PASSWORD_VARIABLE = "LATCHKEY_PASSWORD";
  static final String CODE_VARIABLE = "LATCHKEY_CODE";
  static final String BACKUP_PASSWORD_VARIABLE = "LATCHKEY_BACKUP_PASSWORD";
  static final int MIN_BACKUP_PASSWORD = 10;

  @Option(
      names = "--server",
      required = true,
      paramLabel = "URL",
      description = "The Latchkey server, e.g. https://mfa.example.com")
  String serverText;

  @Option(
      names = "--user",
      required = true,
      paramLabel = "NAME",
      description = "Your username on that server.")
  String username;

  @Option(
      names = "--code",
      paramLabel = "CODE",
      description =
          "Your second factor: the code your authenticator shows now, or a backup code (also"
              + " LATCHKEY_CODE; else a prompt).")
  String code;

  /** The server's base URL, checked: http or https, with a host, no query. */
  URI server() {
    URI uri;
    try {
      uri = URI.create(serverText.strip());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "Invalid --server: not a URL.");
    }
    String scheme =
        uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https"))
        || uri.getHost() == null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw new ParameterException(
          spec.commandLine(), "Invalid --server: give the server's http(s):// address.");
    }
    return uri;
  }

  /** Signs in with the password and the second factor; the caller signs out. */
  UserApi.Session signIn(UserApi api) {
    char[] password = secret(PASSWORD_VARIABLE, "Password for " + username + ": ");
    try {
      String factor = secondFactor();
      return api.signIn(username, password, factor);
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  /** The backup password, typed twice when {@code confirm}. */
  char[] backupPassword(boolean confirm) {
    Optional<char[]> fromEnv = variable(BACKUP_PASSWORD_VARIABLE);
    char[] password;
    if (fromEnv.isPresent()) {
      password = fromEnv.get();
    } else {
      password = ask("Backup password: ", BACKUP_PASSWORD_VARIABLE);
      if (confirm) {
        char[] again = ask("Repeat the backup password: ", BACKUP_PASSWORD_VARIABLE);
        boolean same = Arrays.equals(password, again);
        Arrays.fill(again, '\0');
        if (!same) {
          Arrays.fill(password, '\0');
          throw new AppException("The two backup passwords differ; nothing was backed up.");
        }
      }
    }
    if (confirm && password.length < MIN_BACKUP_PASSWORD) {
      Arrays.fill(password, '\0');
      throw new AppException(
          "A backup password needs at least "
              + MIN_BACKUP_PASSWORD
              + " characters (the backup is kept on the server); nothing was backed up.");
    }
    return password;
  }

  private String secondFactor() {
    if (code != null && !code.isBlank()) {
      return code.strip();
    }
    String fromEnv = app().env().get(CODE_VARIABLE);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.strip();
    }
    String typed = app().prompt().readLine("Code from your authenticator app (or a backup code): ");
    if (typed == null) {
      throw new AppException(
          "A second factor is needed but there is no terminal to ask for it; use --code or set "
              + CODE_VARIABLE
              + ".");
    }
    return typed.strip();
  }

  private char[] secret(String variable, String question) {
    return variable(variable).orElseGet(() -> ask(question, variable));
  }

  private Optional<char[]> variable(String name) {
    String value = app().env().get(name);
    return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value.toCharArray());
  }

  private char[] ask(String question, String variable) {
    char[] answer = app().prompt().readHidden(question);
    if (answer == null) {
      throw new AppException(
          "A password is needed but there is no terminal to ask for it; set " + variable + ".");
    }
    return answer;
  }
}
