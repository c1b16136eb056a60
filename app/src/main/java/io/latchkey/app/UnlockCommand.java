package io.latchkey.app;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code unlock [--for DURATION]}: checks the PIN once and keeps the vault open for a while, like a
 * phone app unlocked in the foreground ({@link Unlocks}).
 */
@Command(
    name = "unlock",
    mixinStandardHelpOptions = true,
    description = {
      "Checks the PIN and keeps the vault open for a while (default 5 min, at most 1 h): until"
          + " then, commands on this home do not ask for the PIN. 'lock' ends it at once; so do"
          + " changing or removing the PIN, and restarting the computer.",
      "The trade-off: while unlocked, any program running as you can read the codes without the"
          + " PIN. The vault key is kept only in memory-backed storage ($XDG_RUNTIME_DIR or"
          + " /dev/shm, a tmpfs; mode 600 in a folder of mode 700), never on disk; without such"
          + " storage unlock refuses. An expired unlock is deleted by the next command."
    })
final class UnlockCommand extends AppSubcommand {
  static final Duration DEFAULT = Duration.ofMinutes(5);
  private static final Pattern DURATION = Pattern.compile("([0-9]{1,4})([smh])");

  @Option(
      names = "--for",
      paramLabel = "DURATION",
      defaultValue = "5m",
      description = "How long to stay unlocked: e.g. 90s, 5m, 1h (at most 1h; default 5m).")
  String duration;

  @Override
  void execute() throws IOException {
    Duration length = parse(duration);
    if (!Vault.hasPin(app().home())) {
      throw new AppException(
          "This vault has no PIN, so there is nothing to unlock: it opens without one. Set a PIN"
              + " with 'pin set' first.");
    }
    Unlocks unlocks = app().unlocks();
    unlocks.folder(true); // says why not before the PIN is asked for
    try (Vault vault = openVault(true)) {
      Instant until = app().clock().instant().plus(length);
      unlocks.keep(vault.pinLock(), until);
      out()
          .println(
              "Unlocked until "
                  + until
                  + " ("
                  + describe(length)
                  + "): commands on this home will not ask for the PIN until then. 'lock' locks"
                  + " it now.");
    }
  }

  private Duration parse(String text) {
    Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new ParameterException(
          spec.commandLine(),
          "--for takes a number and s, m or h (90s, 5m, 1h), not " + Messages.quote(text));
    }
    long n = Long.parseLong(m.group(1));
    Duration length =
        switch (m.group(2)) {
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          default -> Duration.ofHours(n);
        };
    if (length.isZero() || length.compareTo(Unlocks.MAX_DURATION) > 0) {
      throw new ParameterException(
          spec.commandLine(), "--for must be at least 1 s and at most 1 h, not " + text.strip());
    }
    return length;
  }

  /** "5 min", "90 s", "1 h". */
  static String describe(Duration length) {
    long seconds = length.toSeconds();
    if (seconds % 3600 == 0) {
      return seconds / 3600 + " h";
    }
    if (seconds % 60 == 0) {
      return seconds / 60 + " min";
    }
    return seconds + " s";
  }
}
