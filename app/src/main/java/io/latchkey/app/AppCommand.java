package io.latchkey.app;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code latchkey app --home DIR <command>}: the authenticator, a command-line stand-in for the
 * phone. {@code DIR} is the device's storage, so two homes are two phones. Time and the environment
 * are injected, so tests pin the clock and pass {@code LATCHKEY_PIN} without touching the process.
 */
@Command(
    name = "app",
    mixinStandardHelpOptions = true,
    versionProvider = AppCommand.Version.class,
    description =
        "The Latchkey authenticator: holds accounts and shows their codes, and approves sign-ins"
            + " as a push device.",
    footer = {
      "",
      "A vault with a PIN is opened with LATCHKEY_PIN if set, else a prompt.",
      "'pin set' reads the new PIN from LATCHKEY_NEW_PIN if set, else a prompt.",
      "'import' opens an encrypted vault with LATCHKEY_IMPORT_PASSWORD if set, and 'export"
          + " --encrypt' uses LATCHKEY_EXPORT_PASSWORD; else a prompt.",
      "'activate' reports this device's posture; LATCHKEY_POSTURE (or --posture) overrides it,"
          + " e.g. "
          + PostureOverride.FORMAT
          + "."
    },
    subcommands = {
      AddCommand.class,
      CodesCommand.class,
      CodeCommand.class,
      ListCommand.class,
      RemoveCommand.class,
      PinCommand.class,
      ActivateCommand.class,
      ListenCommand.class,
      ApproveCommand.class,
      DenyCommand.class,
      DevicesCommand.class,
      ImportCommand.class,
      ExportCommand.class
    })
public final class AppCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--home",
      required = true,
      paramLabel = "DIR",
      description = "The device's storage (created, mode 700, if missing).")
  Path home;

  private final Clock clock;
  private final Map<String, String> env;
  private final Prompt prompt;
  private final InputStream stdin;
  private final Path systemRoot;

  /** The real device: the system clock, the process environment and the terminal. */
  public AppCommand() {
    this(Clock.systemUTC(), System.getenv());
  }

  /**
   * @param clock the time codes are made for
   * @param env the environment ({@code LATCHKEY_PIN}, {@code LATCHKEY_NEW_PIN})
   */
  public AppCommand(Clock clock, Map<String, String> env) {
    this(clock, env, Prompt.system(), System.in);
  }

  AppCommand(Clock clock, Map<String, String> env, Prompt prompt, InputStream stdin) {
    this(clock, env, prompt, stdin, Path.of("/"));
  }

  /**
   * @param systemRoot where {@code proc/} and {@code sys/} are read from for the device's posture
   *     and name: {@code /} on the real device, a fake tree in tests
   */
  AppCommand(
      Clock clock, Map<String, String> env, Prompt prompt, InputStream stdin, Path systemRoot) {
    this.clock = Objects.requireNonNull(clock);
    this.env = Map.copyOf(env);
    this.prompt = Objects.requireNonNull(prompt);
    this.stdin = Objects.requireNonNull(stdin);
    this.systemRoot = Objects.requireNonNull(systemRoot);
  }

  public static void main(String[] args) {
    System.exit(commandLine(new AppCommand()).execute(args));
  }

  /** A command line for {@code app} whose usage errors are one plain line on stderr. */
  public static CommandLine commandLine(AppCommand app) {
    // No @file expansion: an account called "@work" is a name, not a file to read arguments from.
    return new CommandLine(app)
        .setExpandAtFiles(false)
        .setParameterExceptionHandler(plainUsageErrors());
  }

  /**
   * Reports a usage error as one line (no usage dump) and never echoes an argument that looks like
   * an otpauth URI; for a launcher that embeds {@code app} to install on its own root.
   */
  public static IParameterExceptionHandler plainUsageErrors() {
    return (ParameterException e, String[] args) -> {
      CommandLine command = e.getCommandLine();
      String message = String.valueOf(e.getMessage());
      if (Messages.mayHoldAKey(message)) {
        message = "Unexpected argument (not shown: it looks like an otpauth URI)";
      }
      String name = command.getCommandSpec().qualifiedName();
      command.getErr().println(message + " (see '" + name + " --help').");
      command.getErr().flush();
      return command.getCommandSpec().exitCodeOnInvalidInput();
    };
  }

  /** {@code app --home DIR} alone: say what is missing instead of doing nothing. */
  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "Missing command");
  }

  Path home() {
    return home;
  }

  Clock clock() {
    return clock;
  }

  PinSource pins() {
    return new PinSource(env, prompt);
  }

  InputStream stdin() {
    return stdin;
  }

  Prompt prompt() {
    return prompt;
  }

  Map<String, String> env() {
    return env;
  }

  /** Where {@code /proc} is. */
  Path proc() {
    return systemRoot.resolve("proc");
  }

  PostureProbe postureProbe() {
    return new PostureProbe(proc(), systemRoot.resolve("sys"), env);
  }

  /** The jar's version, or "development" when run from classes. */
  static String appVersion() {
    String version = AppCommand.class.getPackage().getImplementationVersion();
    return version == null ? "development" : version;
  }

  /** The version from the jar's manifest, when there is one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = appVersion();
      return new String[] {
        "Latchkey app " + (version.equals("development") ? "(development build)" : version)
      };
    }
  }
}
