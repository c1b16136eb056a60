package io.latchkey.launcher;

import io.latchkey.app.AppCommand;
import io.latchkey.app.Prompt;
import io.latchkey.launcher.admin.AdminCommand;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code latchkey} command: one jar for the three people of PRODUCT.md — the administrator who
 * runs the {@code server} and its {@code admin} operations, and the user whose phone the {@code
 * app} stands in for.
 */
@Command(
    name = "latchkey",
    mixinStandardHelpOptions = true,
    versionProvider = Latchkey.Version.class,
    description = "Self-hosted multi-factor authentication.",
    commandListHeading = "%nCommands:%n",
    footer = {"", "Run 'latchkey COMMAND --help' for the options of a command."})
public final class Latchkey implements Callable<Integer> {

  @Spec CommandSpec spec;

  public static void main(String[] args) {
    CommandLine cli = commandLine();
    int exit = cli.execute(args);
    // The server keeps running on its own threads after 'server' returns; everything else is done.
    if (exit != 0 || !serverRunning(cli)) {
      System.exit(exit);
    }
  }

  /** The command line of a real process: its environment, stdin and terminal. */
  public static CommandLine commandLine() {
    return commandLine(System.getenv(), System.in, Prompt.system());
  }

  /**
   * The command line with what {@code admin} reads from outside injected, so tests drive it
   * in-process without touching the process's environment or terminal.
   */
  public static CommandLine commandLine(Map<String, String> env, InputStream stdin, Prompt prompt) {
    CommandLine cli = new CommandLine(new Latchkey());
    // Added here rather than in @Command so that their order in --help is the reading order and
    // 'admin' can be given its environment.
    cli.addSubcommand("server", new ServerCommand());
    cli.addSubcommand("app", new AppCommand());
    cli.addSubcommand("admin", new CommandLine(new AdminCommand(env, stdin, prompt)));
    // Set after the subcommands so that it reaches them: a usage error is one line, and an
    // argument that looks like an otpauth URI (a secret) is never echoed back.
    cli.setParameterExceptionHandler(AppCommand.plainUsageErrors());
    return cli;
  }

  /** {@code latchkey} alone: say what is missing instead of doing nothing. */
  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "Missing command");
  }

  private static boolean serverRunning(CommandLine cli) {
    return cli.getSubcommands().get("server").getCommand() instanceof ServerCommand server
        && server.running();
  }

  /** The version from the jar's manifest, when there is one; for every command's --version. */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Latchkey.class.getPackage().getImplementationVersion();
      return new String[] {"Latchkey " + (version == null ? "(development build)" : version)};
    }
  }
}
