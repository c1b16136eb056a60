package io.latchkey.launcher.admin;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code admin registration-link NAME}: POST /api/v1/admin/users/NAME/registration-link. */
@Command(
    name = "registration-link",
    description = {
      "Issues a one-time link with which the user registers an authenticator without a password"
          + " (a new user, or one who lost every factor: reset-mfa first).",
      "The link is shown only now; the user's earlier unused links stop working."
    })
final class RegistrationLinkCommand extends AdminSubcommand {
  private static final Pattern DURATION = Pattern.compile("([0-9]{1,5})([mhd])");

  @Parameters(paramLabel = "NAME", description = "The user.")
  String username;

  @Option(
      names = "--expires",
      paramLabel = "DURATION",
      defaultValue = "24h",
      description = "How long the link works: e.g. 30m, 24h, 7d (at most 7d; default 24h).")
  String expires;

  @Option(names = "--quiet", description = "Print only the link, for scripts.")
  boolean quiet;

  @Override
  void execute() throws AdminException {
    long minutes = minutes(expires);
    JsonNode link =
        client()
            .post(usersPath(username) + "/registration-link", Map.of("expiresInMinutes", minutes));
    String url = text(link, "url");
    if (url == null) {
      throw new AdminException("error: the server issued the link but returned no URL.");
    }
    if (quiet) {
      out().println(url);
      return;
    }
    out()
        .println(
            "Registration link for "
                + shown(link, "username")
                + ", until "
                + shown(link, "expiresAt")
                + " (works once; shown only now):");
    out().println("  " + url);
    out().println("Send it to the user by a channel you trust; whoever opens it can register.");
  }

  static long minutes(String text) throws AdminException {
    Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new AdminException(
          "error: --expires takes a number and m, h or d (30m, 24h, 7d), not '" + text + "'.");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "m" -> n;
      case "h" -> n * 60;
      default -> n * 60 * 24;
    };
  }
}
