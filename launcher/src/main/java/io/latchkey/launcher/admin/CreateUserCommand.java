package io.latchkey.launcher.admin;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code admin create-user USERNAME}: POST /api/v1/admin/users. */
@Command(
    name = "create-user",
    description = "Creates a user (or, with --admin, another administrator).")
final class CreateUserCommand extends AdminSubcommand {
  static final int GENERATED_LENGTH = 20;

  /** Letters and digits that cannot be mistaken for one another when read aloud or retyped. */
  private static final char[] ALPHABET =
      "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();

  private static final SecureRandom RANDOM = new SecureRandom();

  @Parameters(
      paramLabel = "USERNAME",
      description = "Case does not matter: Alice and alice are one.")
  String username;

  @Option(names = "--display-name", paramLabel = "NAME", description = "The name people read.")
  String displayName;

  @Option(names = "--admin", description = "Make the user an administrator.")
  boolean administrator;

  @Option(
      names = "--email",
      paramLabel = "ADDRESS",
      description =
          "Where the user's security notices are mailed (none: shown on their page only).")
  String email;

  @ArgGroup(exclusive = true)
  PasswordSource passwordSource;

  /** Without either, the user has no password yet and cannot sign in with one. */
  static final class PasswordSource {
    @Option(
        names = "--password-stdin",
        description = "Read the user's password from the first line of stdin.")
    boolean stdin;

    @Option(
        names = "--generate-password",
        description = "Generate a random " + GENERATED_LENGTH + "-character password, shown once.")
    boolean generate;
  }

  @Override
  void execute() throws AdminException {
    boolean generated = passwordSource != null && passwordSource.generate;
    String password =
        passwordSource == null ? null : passwordSource.stdin ? readStdin() : generatePassword();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("username", username);
    body.put("displayName", displayName);
    body.put("password", password);
    body.put("admin", administrator);
    if (email != null) {
      body.put("email", email);
    }
    JsonNode user = client().post("/api/v1/admin/users", body);
    out().println("Created user " + shown(user, "username") + ".");
    UserView.print(user, out());
    if (generated) {
      out().println("Password:        " + password + "   (shown only now: give it to the user)");
    } else if (password == null) {
      out().println("Password:        none (--password-stdin or --generate-password set one)");
    }
  }

  static String generatePassword() {
    StringBuilder out = new StringBuilder(GENERATED_LENGTH);
    for (int i = 0; i < GENERATED_LENGTH; i++) {
      out.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
    }
    return out.toString();
  }
}
