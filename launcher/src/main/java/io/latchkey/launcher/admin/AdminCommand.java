package io.latchkey.launcher.admin;

import io.latchkey.app.Prompt;
import io.latchkey.launcher.Latchkey;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code latchkey admin <command>}: the administrator's operations from a shell, over the server's
 * REST API with an admin token: {@code admin login} proves the password and a second factor and
 * keeps the token ({@link TokenStore}); every other command sends it. The environment, stdin and
 * the terminal are injected so that tests run it in-process.
 */
@Command(
    name = "admin",
    mixinStandardHelpOptions = true,
    versionProvider = Latchkey.Version.class,
    description = "Manages users, API keys and the audit log through the server's REST API.",
    commandListHeading = "%nCommands:%n",
    footer = {
      "",
      "Sign in first: 'latchkey admin login' asks for the password (or reads",
      "LATCHKEY_ADMIN_PASSWORD, or --password-file) and a code from your",
      "authenticator app (--code, or LATCHKEY_ADMIN_CODE), or approves a push",
      "(--push). It keeps a short-lived token, mode 600, in $LATCHKEY_CONFIG_HOME,",
      "else $XDG_CONFIG_HOME/latchkey, else ~/.config/latchkey; every other command",
      "uses it (or LATCHKEY_ADMIN_TOKEN). The server takes no password alone.",
      "Changes that hand an account over (registration links, reset-mfa, unblock,",
      "enable, set-password, new administrators, policy) need a login of the last",
      "minutes. An administrator whose password must be changed (the first start's,",
      "or one set with set-password) is asked for a new one at login (or",
      "--new-password-file, or LATCHKEY_ADMIN_NEW_PASSWORD).",
      "",
      "Example:",
      "  latchkey admin login --code 123456",
      "  TOKEN=$(latchkey admin create-api-key myapp --quiet)",
      "  latchkey admin logout"
    },
    subcommands = {
      LoginCommand.class,
      LogoutCommand.class,
      CreateUserCommand.class,
      ImportUsersCommand.class,
      UsersCommand.class,
      UserCommand.class,
      BlockCommand.class,
      UnblockCommand.class,
      DisableCommand.class,
      EnableCommand.class,
      ResetMfaCommand.class,
      SetPasswordCommand.class,
      RegistrationLinkCommand.class,
      SetEmailCommand.class,
      CreateApiKeyCommand.class,
      ApiKeysCommand.class,
      RevokeApiKeyCommand.class,
      AuditCommand.class,
      DiagnoseCommand.class,
      PolicyCommand.class,
      CreateMetricsTokenCommand.class,
      RotateKeyCommand.class
    })
public final class AdminCommand implements Callable<Integer> {
  static final String SERVER_VARIABLE = "LATCHKEY_SERVER";
  static final String USER_VARIABLE = "LATCHKEY_ADMIN_USER";
  static final String PASSWORD_VARIABLE = "LATCHKEY_ADMIN_PASSWORD";
  static final String TOKEN_VARIABLE = "LATCHKEY_ADMIN_TOKEN";
  static final String NEW_PASSWORD_VARIABLE = "LATCHKEY_ADMIN_NEW_PASSWORD";
  static final String DEFAULT_SERVER = "http://127.0.0.1:8080";
  static final String DEFAULT_USER = "admin";

  @Spec CommandSpec spec;

  @Option(
      names = "--server",
      paramLabel = "URL",
      description = {
        "The server's URL (default: $" + SERVER_VARIABLE + ",",
        "else " + DEFAULT_SERVER + ")"
      })
  String server;

  @Option(
      names = "--user",
      paramLabel = "NAME",
      description = {
        "The administrator to act as (default:",
        "$" + USER_VARIABLE + ", else " + DEFAULT_USER + ")"
      })
  String user;

  @Option(
      names = "--password-file",
      paramLabel = "FILE",
      description = {
        "Read the password from the first line of FILE,",
        "such as data/initial-admin-password"
      })
  Path passwordFile;

  private final Map<String, String> env;
  private final InputStream stdin;
  private final Prompt prompt;
  private final JsonMapper json = JsonMapper.builder().build();

  /**
   * @param env the environment ({@code LATCHKEY_SERVER}, {@code LATCHKEY_ADMIN_USER}, {@code
   *     LATCHKEY_ADMIN_PASSWORD})
   * @param stdin where {@code create-user --password-stdin} reads from
   * @param prompt asks for the password when neither the environment nor a file gives it
   */
  public AdminCommand(Map<String, String> env, InputStream stdin, Prompt prompt) {
    this.env = Map.copyOf(env);
    this.stdin = Objects.requireNonNull(stdin);
    this.prompt = Objects.requireNonNull(prompt);
  }

  /** {@code admin} alone: say what is missing instead of doing nothing. */
  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "Missing command");
  }

  /**
   * A client for the server with the administrator's token: {@code LATCHKEY_ADMIN_TOKEN}, else the
   * one {@code admin login} stored for this server.
   *
   * @throws AdminException when there is none (or it expired): run {@code latchkey admin login}
   */
  AdminClient client() throws AdminException {
    String url = serverUrl();
    String fromEnv = env.get(TOKEN_VARIABLE);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return new AdminClient(url, fromEnv.strip(), json);
    }
    TokenStore.Stored stored =
        tokens()
            .find(url, java.time.Instant.now())
            .orElseThrow(
                () ->
                    new AdminException(
                        "Not signed in to "
                            + url
                            + " (or the login expired): run 'latchkey admin login' first."));
    return new AdminClient(url, stored.token(), json);
  }

  /** A client without a token, for the login itself. */
  AdminClient anonymousClient(String url) {
    return new AdminClient(url, null, json);
  }

  TokenStore tokens() {
    return new TokenStore(env, json);
  }

  /** The administrator to sign in as: {@code override}, else --user, else the environment. */
  String username(String override) {
    return firstNonBlank(override, user, env.get(USER_VARIABLE), DEFAULT_USER);
  }

  String env(String name) {
    return env.get(name);
  }

  Prompt prompt() {
    return prompt;
  }

  /** The password for {@code admin login}: the environment, --password-file, or the terminal. */
  String loginPassword(String name, String url) throws AdminException {
    return password(name, url);
  }

  JsonMapper json() {
    return json;
  }

  InputStream stdin() {
    return stdin;
  }

  /** The base URL, checked, without a trailing slash (paths are appended to it). */
  String serverUrl() throws AdminException {
    return serverUrl(null);
  }

  /** The base URL from {@code override} (a subcommand's --server), else as {@link #serverUrl()}. */
  String serverUrl(String override) throws AdminException {
    String url = firstNonBlank(override, server, env.get(SERVER_VARIABLE), DEFAULT_SERVER).strip();
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    try {
      URI uri = new URI(url);
      boolean web =
          "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
      if (!web
          || uri.getHost() == null
          || uri.getRawQuery() != null
          || uri.getRawFragment() != null) {
        throw new URISyntaxException(url, "not an http(s) base URL");
      }
    } catch (URISyntaxException e) {
      throw new AdminException(
          "The server URL '"
              + url
              + "' is not an http:// or https:// URL, e.g. "
              + DEFAULT_SERVER
              + ".");
    }
    return url;
  }

  private String password(String name, String url) throws AdminException {
    String fromEnv = env.get(PASSWORD_VARIABLE);
    if (fromEnv != null && !fromEnv.isEmpty()) {
      return fromEnv;
    }
    if (passwordFile != null) {
      return readPasswordFile(passwordFile);
    }
    char[] typed = prompt.readHidden("Password of " + name + " at " + url + ": ");
    if (typed == null) {
      throw new AdminException(
          "No administrator password: set "
              + PASSWORD_VARIABLE
              + ", or pass --password-file FILE (e.g. data/initial-admin-password);"
              + " there is no terminal to ask on.");
    }
    try {
      return new String(typed);
    } finally {
      Arrays.fill(typed, '\0');
    }
  }

  /**
   * A new password (issue 14): from {@code file} (its first line) when given, else typed twice on
   * the terminal without echo. Never from an argument, where other users of the machine and the
   * shell's history would see it.
   *
   * @param whose "your" or a user's name, for the question
   * @throws AdminException without a file and without a terminal, or when the two typed differ
   */
  String newPassword(String whose, Path file, String hint) throws AdminException {
    if (file != null) {
      return readPasswordFile(file);
    }
    char[] first = prompt.readHidden("New password for " + whose + ": ");
    if (first == null) {
      throw new AdminException("No new password: " + hint + "; there is no terminal to ask on.");
    }
    char[] second = prompt.readHidden("The same new password again: ");
    try {
      if (second == null || !Arrays.equals(first, second)) {
        throw new AdminException("The two new passwords differ: nothing was changed.");
      }
      return new String(first);
    } finally {
      Arrays.fill(first, '\0');
      if (second != null) {
        Arrays.fill(second, '\0');
      }
    }
  }

  static String readPasswordFile(Path file) throws AdminException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new AdminException("The password file " + file + " does not exist.");
    } catch (IOException e) {
      throw new AdminException("Cannot read the password file " + file + ": " + e.getMessage());
    }
    if (lines.isEmpty() || lines.get(0).isEmpty()) {
      throw new AdminException("The password file " + file + " is empty.");
    }
    return lines.get(0);
  }

  private static String firstNonBlank(String... values) {
    for (String value : values) {
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    throw new IllegalArgumentException("no default given");
  }
}
