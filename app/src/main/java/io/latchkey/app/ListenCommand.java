package io.latchkey.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code listen}: keeps every device of this home connected to its server's event stream
 * (docs/PUSH-PROTOCOL.md §3) and prints each sign-in request as it arrives, for a person or, with
 * {@code --json}, one JSON object per line for a program. A stream that ends or fails is opened
 * again after a {@link Backoff}; a server that refuses the device (401, 403: removed, unknown, or a
 * wrong clock) stops the command, since trying again cannot help.
 *
 * <p>One thread does everything: the connections report through a queue, so waiting is one
 * interruptible {@code poll}, and an interrupt stops the command at once. Waits are measured on the
 * monotonic clock; the injected clock gives the instants (signatures, "expires in").
 */
@Command(
    name = "listen",
    mixinStandardHelpOptions = true,
    description = {
      "Waits for sign-in requests and prints each one with the command that answers it.",
      "Runs until interrupted, unless --count or --timeout says when to stop."
    })
final class ListenCommand extends AppSubcommand {
  /** Three keep-alive periods without a byte: the connection is dead even if no error says so. */
  static final Duration SILENCE_LIMIT = Duration.ofSeconds(45);

  private static final long CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

  @Option(
      names = "--device",
      paramLabel = "ID",
      description = "Listen for this device only (its ID, a unique start of it, or its name).")
  String deviceQuery;

  @Option(names = "--json", description = "One JSON object per line instead of text.")
  boolean json;

  @Option(
      names = "--count",
      paramLabel = "N",
      description = "Stop (successfully) after N sign-in requests were printed.")
  Integer count;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      description = "Stop (successfully) after this many seconds.")
  Long timeoutSeconds;

  // One run's state, made afresh by execute(): picocli may run the same object again.
  private BlockingQueue<EventStream.Signal> signals;
  private Map<Device, Link> links;
  private Set<UUID> shown;
  private int printed;

  /** One device's connection and its back-off. */
  private static final class Link {
    final Backoff backoff = new Backoff(() -> ThreadLocalRandom.current().nextDouble());
    EventStream current;
    long retryAt;
  }

  @Override
  void execute() throws IOException {
    if (count != null && count < 1) {
      throw new ParameterException(spec.commandLine(), "--count must be at least 1");
    }
    if (timeoutSeconds != null && timeoutSeconds < 1) {
      throw new ParameterException(spec.commandLine(), "--timeout must be at least 1 second");
    }
    List<Device> devices;
    try (Vault vault = openVault()) {
      devices = vault.devices().select(deviceQuery);
    }
    signals = new LinkedBlockingQueue<>();
    links = new LinkedHashMap<>();
    shown = new HashSet<>();
    printed = 0;
    // The vault is closed again: listening for hours must not keep 'approve' from opening it.
    try (PushClient client = new PushClient(app().clock())) {
      listen(client, devices);
    } finally {
      links.values().stream().filter(l -> l.current != null).forEach(l -> l.current.cancel());
    }
  }

  private void listen(PushClient client, List<Device> devices) {
    long start = System.nanoTime();
    long limit = timeoutSeconds == null ? Long.MAX_VALUE : TimeUnit.SECONDS.toNanos(timeoutSeconds);
    for (Device device : devices) {
      Link link = new Link();
      links.put(device, link);
      link.current = EventStream.open(client, device, signals);
    }
    try {
      while (true) {
        long now = System.nanoTime();
        if (now - start >= limit || count != null && printed >= count) {
          return;
        }
        long wait = Math.min(CHECK_NANOS, limit - (now - start));
        for (Link link : links.values()) {
          if (link.current == null) {
            wait = Math.max(0, Math.min(wait, link.retryAt - now));
          }
        }
        EventStream.Signal signal = signals.poll(wait, TimeUnit.NANOSECONDS);
        if (signal != null) {
          handle(signal);
        }
        reconnectOrCheckSilence(client);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void reconnectOrCheckSilence(PushClient client) {
    long now = System.nanoTime();
    for (Map.Entry<Device, Link> entry : links.entrySet()) {
      Link link = entry.getValue();
      if (link.current == null && now - link.retryAt >= 0) {
        link.current = EventStream.open(client, entry.getKey(), signals);
      } else if (link.current != null && link.current.silence().compareTo(SILENCE_LIMIT) > 0) {
        link.current.cancel();
        retryLater(entry.getKey(), link, "no data for " + SILENCE_LIMIT.toSeconds() + " s");
      }
    }
  }

  private void handle(EventStream.Signal signal) {
    Device device = signal.stream().device();
    Link link = links.get(device);
    if (link == null || link.current != signal.stream()) {
      return; // from a connection already given up
    }
    switch (signal) {
      case EventStream.Opened opened -> {
        link.backoff.reset();
        connected(device);
      }
      case EventStream.Received received -> received(device, received.event());
      case EventStream.Refused refused -> refused(device, link, ServerError.of(refused.reply()));
      case EventStream.Ended ended -> retryLater(device, link, ended.reason());
    }
  }

  private void received(Device device, SseParser.Event event) {
    if (!event.type().equals("challenge")) {
      return; // "ready", and whatever a newer server adds
    }
    Challenge challenge;
    try {
      challenge =
          Challenge.from(Json.read(event.data().getBytes(StandardCharsets.UTF_8)).orElse(null));
    } catch (IllegalArgumentException e) {
      err()
          .println(
              "Warning: the server at "
                  + device.server()
                  + " sent a sign-in request this app cannot read; it was skipped.");
      err().flush();
      return;
    }
    // After a reconnection the server sends the pending requests again; two devices of one user
    // get the same ones. Each is shown once.
    if (shown.add(challenge.id())) {
      printed++;
      show(device, challenge);
    }
  }

  private void refused(Device device, Link link, ServerError error) {
    if (!error.refusesTheDevice()) {
      retryLater(device, link, "the server answered " + error.shortReason());
      return;
    }
    link.current = null;
    if (json) {
      line(disconnected(device, error.shortReason(), null));
    }
    throw new AppException(
        error.block("The server refused the device " + device.describe())
            + "\nIf it was removed, activate this app again with a new QR code.");
  }

  private void retryLater(Device device, Link link, String reason) {
    Duration wait = link.backoff.next();
    link.current = null;
    link.retryAt = System.nanoTime() + wait.toNanos();
    if (json) {
      line(disconnected(device, reason, wait.toMillis() / 1000.0));
    } else {
      line(
          "Lost the connection to "
              + device.server()
              + " ("
              + reason
              + "); trying again in "
              + String.format(Locale.ROOT, "%.1f", wait.toMillis() / 1000.0)
              + " s.");
    }
  }

  private void connected(Device device) {
    if (json) {
      Map<String, Object> event = new LinkedHashMap<>();
      event.put("event", "connected");
      event.put("deviceId", device.id());
      line(Json.text(event));
    } else {
      line(
          "Connected to "
              + device.server()
              + " as \""
              + device.name()
              + "\" for "
              + device.username()
              + "; waiting for sign-in requests.");
    }
  }

  private static String disconnected(Device device, String reason, Double retryInSeconds) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("event", "disconnected");
    event.put("deviceId", device.id());
    event.put("reason", reason);
    event.put("retryInSeconds", retryInSeconds);
    return Json.text(event);
  }

  private void show(Device device, Challenge challenge) {
    if (json) {
      Map<String, Object> event = new LinkedHashMap<>();
      event.put("event", "challenge");
      event.put("deviceId", device.id());
      event.putAll(challenge.fields());
      line(Json.text(event));
      return;
    }
    String home = Messages.shellWord(app().home());
    String id = challenge.id().toString();
    String user = challenge.username().isEmpty() ? device.username() : challenge.username();
    List<String> lines = new ArrayList<>();
    if (challenge.isRegistrationTest()) {
      lines.add("Test request of your registration, for " + user + " at " + device.server());
    } else {
      lines.add("Sign-in request from " + challenge.requester() + " for " + user);
    }
    List<String> facts = new ArrayList<>();
    if (!challenge.ip().isEmpty()) {
      facts.add("from " + challenge.ip());
    }
    if (challenge.createdAt() != null) {
      facts.add("sent " + challenge.createdAt());
    }
    facts.add("expires " + challenge.expiresAt() + " (" + left(challenge.expiresAt()) + ")");
    lines.add("  " + String.join(", ", facts));
    String where = challenge.isRegistrationTest() ? "your registration page" : "the sign-in screen";
    lines.add("  To approve, type the number " + where + " shows:");
    lines.add("    latchkey app --home " + home + " approve " + id);
    lines.add("  Not you? Deny it and report it:");
    lines.add("    latchkey app --home " + home + " deny " + id + " --report");
    lines.add("");
    line(String.join("\n", lines));
  }

  private String left(Instant expiresAt) {
    long seconds = Duration.between(app().clock().instant(), expiresAt).toSeconds();
    return seconds > 0 ? "in " + seconds + " s" : "already, by this device's clock";
  }

  private void line(String text) {
    out().println(text);
    out().flush();
  }
}
