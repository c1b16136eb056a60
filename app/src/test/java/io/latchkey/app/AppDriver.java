package io.latchkey.app;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** Runs {@code app --home HOME ...} in-process with a fixed clock, as one phone would. */
final class AppDriver {
  /** A Unix time every interop fixture lists codes for. */
  static final Instant T = Instant.ofEpochSecond(1234567890);

  final Path home;
  final Map<String, String> env = new HashMap<>();
  Clock clock = Clock.fixed(T, ZoneOffset.UTC);
  Prompt prompt = question -> null; // no terminal, as under Surefire
  String stdin = "";

  AppDriver(Path home) {
    this.home = home;
  }

  AppDriver pin(String pin) {
    env.put(PinSource.PIN_VARIABLE, pin);
    return this;
  }

  AppDriver at(long epochSecond) {
    clock = Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
    return this;
  }

  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    AppCommand app =
        new AppCommand(
            clock, env, prompt, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    CommandLine command = AppCommand.commandLine(app);
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));
    List<String> all = new ArrayList<>(List.of("--home", home.toString()));
    all.addAll(List.of(args));
    int exit = command.execute(all.toArray(String[]::new));
    return new Result(exit, out.toString(), err.toString());
  }

  /** Runs a command that must succeed, and returns its stdout. */
  String ok(String... args) {
    Result result = run(args);
    if (result.exit() != 0) {
      throw new AssertionError(
          "app " + String.join(" ", args) + " failed (" + result.exit() + "): " + result.err());
    }
    return result.out();
  }

  Path vaultFile() {
    return home.resolve(VaultFile.NAME);
  }

  byte[] vaultBytes() throws IOException {
    return Files.readAllBytes(vaultFile());
  }

  String vaultText() throws IOException {
    return Files.readString(vaultFile());
  }

  record Result(int exit, String out, String err) {}
}
