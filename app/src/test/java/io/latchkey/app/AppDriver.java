package io.latchkey.app;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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

  /** Where {@code proc/} and {@code sys/} are read from: the real ones unless a test fakes them. */
  Path systemRoot = Path.of("/");

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
    int exit = execute(out, err, args);
    return new Result(exit, out.toString(), err.toString());
  }

  /** Starts {@code app ...} on its own thread, for commands that run until told to stop. */
  Running start(String... args) {
    Running running = new Running();
    running.thread =
        new Thread(
            () -> running.exit.complete(execute(running.out, running.err, args)),
            "app " + String.join(" ", args));
    running.thread.setDaemon(true);
    running.thread.start();
    return running;
  }

  private int execute(StringWriter out, StringWriter err, String... args) {
    AppCommand app =
        new AppCommand(
            clock,
            env,
            prompt,
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            systemRoot);
    CommandLine command = AppCommand.commandLine(app);
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));
    List<String> all = new ArrayList<>(List.of("--home", home.toString()));
    all.addAll(List.of(args));
    return command.execute(all.toArray(String[]::new));
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

  /** A command running on its own thread; its output can be read while it runs. */
  static final class Running {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    final CompletableFuture<Integer> exit = new CompletableFuture<>();
    Thread thread;

    /** What it printed so far. */
    String out() {
      return out.toString();
    }

    /** Waits for it to end by itself. */
    Result await(Duration limit) throws Exception {
      int code = exit.get(limit.toMillis(), TimeUnit.MILLISECONDS);
      return new Result(code, out.toString(), err.toString());
    }

    /** Waits until its output holds {@code lines} lines (or it ends), at most {@code limit}. */
    List<String> awaitLines(int lines, Duration limit) throws InterruptedException {
      long deadline = System.nanoTime() + limit.toNanos();
      while (out().lines().count() < lines && !exit.isDone() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      return out().lines().toList();
    }
  }
}
