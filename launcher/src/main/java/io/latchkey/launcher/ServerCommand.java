package io.latchkey.launcher;

import io.latchkey.server.LatchkeyServerApplication;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code latchkey server}: starts the Spring Boot server with the few options an administrator
 * needs spelled out, and every other Spring or {@code latchkey.*} setting passed through as {@code
 * --key=value}.
 */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    versionProvider = Latchkey.Version.class,
    description = "Runs the Latchkey server: registration wizard, REST API, admin.",
    footer = {
      "",
      "Any other setting passes through to the server as --key=value, for example",
      "  --latchkey.registration-step-deadline=10m",
      "On first start with an empty database the administrator 'admin' is created and",
      "its one-time password written to DIR/initial-admin-password (and shown on a",
      "terminal, never in the log); it must be changed at the first sign-in."
    })
final class ServerCommand implements Callable<Integer> {

  /**
   * Settings that have an option of their own. Spring joins a key given twice with a comma, which
   * would make a port of "8080,9090": so a pass-through may not repeat one of these.
   */
  private static final Map<String, String> OWN_OPTIONS =
      Map.of(
          "server.port", "--port",
          "server.address", "--address",
          "latchkey.data", "--data",
          "spring.datasource.url", "--db");

  @Spec CommandSpec spec;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "8080",
      description = "TCP port to serve on (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      defaultValue = "data",
      description =
          "Data folder: embedded database, key file, initial admin password"
              + " (default: ./${DEFAULT-VALUE}).")
  Path data;

  @Option(
      names = "--db",
      paramLabel = "JDBC_URL",
      description =
          "Database instead of the embedded one, e.g. jdbc:postgresql://db/latchkey"
              + " (user and password: --spring.datasource.username=..., ...password=...).")
  String db;

  @Option(
      names = "--address",
      paramLabel = "ADDRESS",
      defaultValue = "127.0.0.1",
      description = "Network address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for all).")
  String address;

  @Unmatched List<String> passThrough = new ArrayList<>();

  private ConfigurableApplicationContext context;

  @Override
  public Integer call() {
    List<String> args = springArgs();
    try {
      context = SpringApplication.run(LatchkeyServerApplication.class, args.toArray(String[]::new));
    } catch (RuntimeException e) {
      // Spring has already logged why (port in use, database unreachable, ...) with its failure
      // analysis; a second, raw stack trace would only bury that explanation.
      return ExitCode.SOFTWARE;
    }
    PrintWriter out = spec.commandLine().getOut();
    String bound = context.getEnvironment().getProperty("local.server.port", String.valueOf(port));
    out.println("Latchkey is serving on http://" + hostForUrl() + ":" + bound + "/");
    out.flush();
    return ExitCode.OK;
  }

  /** The arguments given to Spring: the options spelled out, then the pass-throughs. */
  List<String> springArgs() {
    if (port < 0 || port > 65535) {
      throw new ParameterException(spec.commandLine(), "--port must be between 0 and 65535");
    }
    List<String> args = new ArrayList<>();
    args.add("--server.port=" + port);
    args.add("--server.address=" + address);
    // H2 refuses a relative file path, and the user means their own working directory anyway.
    args.add("--latchkey.data=" + data.toAbsolutePath().normalize());
    if (db != null) {
      args.add("--spring.datasource.url=" + db);
    }
    for (String arg : passThrough) {
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new ParameterException(
            spec.commandLine(), "Unexpected argument '" + arg + "': settings are --key=value");
      }
      int equals = arg.indexOf('=');
      String key = arg.substring(2, equals < 0 ? arg.length() : equals);
      String own = OWN_OPTIONS.get(key);
      if (own != null) {
        throw new ParameterException(spec.commandLine(), "Use " + own + " instead of --" + key);
      }
      args.add(arg);
    }
    return args;
  }

  boolean running() {
    return context != null && context.isActive();
  }

  ConfigurableApplicationContext context() {
    return context;
  }

  private String hostForUrl() {
    return address.contains(":") ? "[" + address + "]" : address;
  }
}
