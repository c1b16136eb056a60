package io.latchkey.server.testing;

import io.latchkey.app.AppCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/**
 * A phone: one home of the real {@code latchkey app}, run in this JVM with the server's test clock
 * (so the device's clock and signatures follow the time the test moves).
 */
public final class Phone {
  private final Path home;
  private final Clock clock;
  private final Map<String, String> env;

  public Phone(Clock clock, Map<String, String> env) {
    this.clock = clock;
    this.env = Map.copyOf(env);
    try {
      this.home = Files.createTempDirectory("latchkey-phone-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Phone(Path home, Clock clock, Map<String, String> env) {
    this.home = home;
    this.clock = clock;
    this.env = Map.copyOf(env);
  }

  /** The same phone (the same home) with more environment variables, e.g. passwords. */
  public Phone with(Map<String, String> more) {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.putAll(more);
    return new Phone(home, clock, all);
  }

  /** A phone whose posture is overridden to pass every rule (the machine runs tests as root). */
  public static Phone compliant(Clock clock) {
    return new Phone(
        clock, Map.of("LATCHKEY_POSTURE", "storage-encrypted=yes,rooted=no,notifications=yes"));
  }

  public Path home() {
    return home;
  }

  /** One command's result. */
  public record Run(int exit, String out, String err) {
    public String all() {
      return out + err;
    }
  }

  public Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(exit, out.toString(), err.toString());
  }

  private int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine command = AppCommand.commandLine(new AppCommand(clock, env));
    command.setOut(out);
    command.setErr(err);
    String[] all = new String[args.length + 2];
    all[0] = "--home";
    all[1] = home.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return command.execute(all);
  }

  /** A device key as the app stored it in this (plain) home, to forge or replay answers. */
  public record DeviceKey(
      String deviceId,
      String userId,
      io.latchkey.core.push.KeyAlgorithm algorithm,
      java.security.PrivateKey key) {
    /** Signs an answer exactly as the protocol says (docs/PUSH-PROTOCOL.md §3). */
    public String signAnswer(
        String challengeId,
        String forUserId,
        java.time.Instant expiresAt,
        io.latchkey.core.push.Decision decision,
        String number) {
      byte[] payload =
          io.latchkey.core.push.DeviceSignatures.answer(
              java.util.UUID.fromString(challengeId),
              java.util.UUID.fromString(forUserId),
              expiresAt,
              decision,
              number);
      return java.util.Base64.getEncoder().encodeToString(algorithm.sign(key, payload));
    }
  }

  /** The first push device of this home's plain vault. */
  public DeviceKey deviceKey() {
    try {
      JsonNode vault = Api.JSON.readTree(Files.readString(home.resolve("vault.json")));
      JsonNode device = vault.path("devices").path(0);
      if (device.isMissingNode()) {
        throw new AssertionError("no device in " + home + ": " + vault);
      }
      io.latchkey.core.push.KeyAlgorithm algorithm =
          io.latchkey.core.push.KeyAlgorithm.fromWireName(device.path("keyAlgorithm").asString())
              .orElseThrow();
      return new DeviceKey(
          device.path("deviceId").asString(),
          device.path("userId").asString(),
          algorithm,
          algorithm.privateKey(
              java.util.Base64.getDecoder().decode(device.path("privateKey").asString())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts {@code listen --json} on a thread; its lines arrive as JSON objects. */
  public Listener listen(String... extra) {
    return new Listener(extra);
  }

  /** A running {@code listen}. */
  public final class Listener implements AutoCloseable {
    private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
    private final List<String> lines = new ArrayList<>();
    private final StringWriter err = new StringWriter();
    private final Thread thread;

    Listener(String... extra) {
      String[] args = new String[extra.length + 2];
      args[0] = "listen";
      args[1] = "--json";
      System.arraycopy(extra, 0, args, 2, extra.length);
      Writer sink =
          new Writer() {
            private final StringBuilder line = new StringBuilder();

            @Override
            public synchronized void write(char[] buffer, int offset, int length) {
              for (int i = offset; i < offset + length; i++) {
                char c = buffer[i];
                if (c == '\n') {
                  String text = line.toString().strip();
                  line.setLength(0);
                  if (!text.isEmpty()) {
                    synchronized (lines) {
                      lines.add(text);
                    }
                    events.add(Api.JSON.readTree(text));
                  }
                } else {
                  line.append(c);
                }
              }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
          };
      thread =
          Thread.ofPlatform()
              .daemon()
              .name("phone-listen")
              .start(() -> execute(new PrintWriter(sink, true), new PrintWriter(err, true), args));
    }

    /** The next event matching {@code filter}, skipping others; fails after {@code timeout}. */
    public JsonNode await(Predicate<JsonNode> filter, Duration timeout) {
      long until = System.nanoTime() + timeout.toNanos();
      try {
        while (true) {
          long left = until - System.nanoTime();
          JsonNode next = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
          if (next == null) {
            throw new AssertionError(
                "no matching event from listen within "
                    + timeout
                    + "; lines: "
                    + lines()
                    + "; err: "
                    + err);
          }
          if (filter.test(next)) {
            return next;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }

    /** The next challenge event. */
    public JsonNode awaitChallenge() {
      return await(e -> "challenge".equals(e.path("event").asString()), Duration.ofSeconds(20));
    }

    /** Nothing matching arrives within {@code quiet}. */
    public boolean nothingWithin(Predicate<JsonNode> filter, Duration quiet) {
      long until = System.nanoTime() + quiet.toNanos();
      try {
        while (true) {
          long left = until - System.nanoTime();
          if (left <= 0) {
            return true;
          }
          JsonNode next = events.poll(left, TimeUnit.NANOSECONDS);
          if (next != null && filter.test(next)) {
            return false;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    /** True once {@code listen} has ended (it stops when the server refuses the device). */
    public boolean endsWithin(Duration timeout) throws InterruptedException {
      thread.join(timeout.toMillis());
      return !thread.isAlive();
    }

    /** What {@code listen} wrote to standard error so far. */
    public String err() {
      return err.toString();
    }

    public List<String> lines() {
      synchronized (lines) {
        return List.copyOf(lines);
      }
    }

    @Override
    public void close() throws InterruptedException {
      thread.interrupt();
      thread.join(10_000);
      if (thread.isAlive()) {
        throw new AssertionError("listen did not stop when interrupted");
      }
    }
  }
}
