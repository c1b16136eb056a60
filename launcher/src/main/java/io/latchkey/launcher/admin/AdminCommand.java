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
 * REST API with HTTP Basic. The environment, stdin and the terminal are injected so that tests run
 * it in-process.
 */
@Command(
    name = "admin",
    mixinStandardHelpOptions = true,
    versionProvider = Latchkey.Version.class,
    description = "Manages users, API keys and the audit log through the server's REST API.",
    commandListHeading = "%nCommands:%n",
    footer = {
      "",
      "The administrator's password comes from LATCHKEY_ADMIN_PASSWORD if set,",
      "else from --password-file, else from a prompt on the terminal.",
      "",
      "Example:",
      "  export LATCHKEY_ADMIN_PASSWORD=$(head -1 data/initial-admin-password)",
      "  TOKEN=$(latchkey admin create-api-key myapp --quiet)"
    },
    subcommands = {
      CreateUserCommand.class,
      ImportUsersCommand.class,
      UsersCommand.class,
      UserCommand.class,
      BlockCommand.class,
      UnblockCommand.class,
      DisableCommand.class,
      EnableCommand.class,
      ResetMfaCommand.class,
      RegistrationLinkCommand.class,
      SetEmailCommand.class,
      CreateApiKeyCommand.class,
      ApiKeysCommand.class,
      RevokeApiKeyCommand.class,
      AuditCommand.class,
      DiagnoseCommand.class,
      PolicyCommand.class
    })
public final class AdminCommand implements Callable<Integer> {
  static final String SERVER_VARIABLE = "LATCHKEY_SERVER";
  static final String USER_VARIABLE = "LATCHKEY_ADMIN_USER";
  static final String PASSWORD_VARIABLE = "LATCHKEY_ADMIN_PASSWORD";
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

  /** A client for the server, signed in as the administrator (the password is resolved now). */
  AdminClient client() throws AdminException {
    String url = serverUrl();
    String name = firstNonBlank(user, env.get(USER_VARIABLE), DEFAULT_USER);
    return new AdminClient(url, name, password(name, url), json);
  }

  JsonMapper json() {
    return json;
  }

  InputStream stdin() {
    return stdin;
  }

  /** The base URL, checked, without a trailing slash (paths are appended to it). */
  String serverUrl() throws AdminException {
    String url = firstNonBlank(server, env.get(SERVER_VARIABLE), DEFAULT_SERVER).strip();
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

  private static String readPasswordFile(Path file) throws AdminException {
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
