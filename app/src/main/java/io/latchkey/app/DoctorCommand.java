package io.latchkey.app;

import io.latchkey.core.push.Posture;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code doctor [--server URL] [--json]}: checks from the device's side what the server cannot see
 * (issue 4's app doctor), one line per check with OK, WARN or FAIL and, for anything not OK, what
 * to do in plain words: the vault; each server (reachable, how fast, a Latchkey server); this
 * device's clock against the server's; the posture activation would report; and whether each push
 * device can keep its event stream open. Exit code 0 when nothing failed, 1 otherwise.
 */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = {
      "Checks this device and its servers and says what to fix: the vault, whether each server is"
          + " reachable and how fast, this device's clock against the server's, the posture"
          + " activation reports, and whether each push device can keep its connection open.",
      "One line per check: OK, WARN (worth fixing) or FAIL (will not work). Exit code 0 when"
          + " nothing failed, 1 otherwise. The servers are --server, else those this app is a"
          + " push device of."
    })
final class DoctorCommand extends AppSubcommand {
  /** Beyond this the codes made here start to be refused at the edges of their time step. */
  static final Duration CLOCK_WARN = Duration.ofSeconds(10);

  /** Beyond this (one 30 s step) codes made here are refused with the default drift window. */
  static final Duration CLOCK_FAIL = Duration.ofSeconds(30);

  /** The server refuses signed requests whose time is further off (PUSH-PROTOCOL §2). */
  static final Duration SIGNATURE_WINDOW = Duration.ofMinutes(5);

  static final Duration PUSH_CONNECT_LIMIT = Duration.ofSeconds(10);
  static final Duration PUSH_HOLD = Duration.ofSeconds(3);

  private static final String TURN_ON_TIME =
      "turn on automatic time (network time) in this device's settings";

  @Option(
      names = "--server",
      paramLabel = "URL",
      description =
          "The server to check (e.g. https://mfa.example.com), instead of those this app is a"
              + " push device of.")
  String server;

  @Option(names = "--json", description = "One JSON object with every check instead of text.")
  boolean json;

  private List<Check> checks;

  @Override
  void execute() throws IOException {
    URI given = server == null ? null : serverUri(server);
    checks = new ArrayList<>();
    List<Device> devices = checkVault();
    Set<URI> servers = new LinkedHashSet<>();
    if (given != null) {
      servers.add(given);
    } else {
      devices.forEach(d -> servers.add(normal(d.server())));
    }
    try (PushClient client = new PushClient(app().clock())) {
      Map<URI, ServerProbe.Result> reached = new LinkedHashMap<>();
      if (servers.isEmpty()) {
        checks.add(
            Check.warn(
                "server",
                "no server to check: give one with --server URL, or activate this app as a push"
                    + " device (activate) so that doctor checks its server.",
                Map.of()));
      }
      for (URI each : servers) {
        ServerProbe.Result result = new ServerProbe(client, app().clock()).probe(each);
        reached.put(each, result);
        checks.add(serverCheck(each, result));
        if (result instanceof ServerProbe.Reached r) {
          checks.add(clockCheck(each, r.offset()));
        }
      }
      checks.addAll(postureChecks());
      PushProbe push = new PushProbe(client, PUSH_CONNECT_LIMIT, PUSH_HOLD);
      for (Device device : devices) {
        ServerProbe.Result result = reached.get(normal(device.server()));
        if (result != null) {
          checks.add(pushCheck(device, result, push));
        }
      }
    }
    print();
  }

  @Override
  int exitCode() {
    return checks.stream().anyMatch(c -> c.status() == Check.Status.FAIL) ? USER_ERROR : 0;
  }

  // --- the vault --------------------------------------------------------------------------------

  /** Adds the vault's check; returns its push devices (none when it cannot be read). */
  private List<Device> checkVault() throws IOException {
    if (!Files.isRegularFile(app().home().resolve(VaultFile.NAME))) {
      checks.add(
          Check.warn(
              "vault",
              "there is no vault in "
                  + app().home()
                  + " yet: add an account (add) or activate this app as a push device"
                  + " (activate).",
              Map.of("accounts", 0, "devices", 0)));
      return List.of();
    }
    Vault vault;
    try {
      vault = openVault();
    } catch (AppException e) {
      checks.add(
          Check.fail(
              "vault",
              "could not be opened: "
                  + e.getMessage()
                  + " The push checks need the device keys inside; with a PIN, give it"
                  + " (LATCHKEY_PIN, or at the prompt) or run 'unlock' first.",
              Map.of()));
      return List.of();
    }
    try (vault) {
      int accounts = vault.accounts().all().size();
      int devices = vault.devices().all().size();
      Map<String, Object> facts = new LinkedHashMap<>();
      facts.put("accounts", accounts);
      facts.put("devices", devices);
      facts.put("pin", vault.hasPin());
      String contents =
          "readable: "
              + count(accounts, "account", "accounts")
              + ", "
              + count(devices, "push device", "push devices");
      if (vault.hasPin()) {
        Optional<Instant> until = app().unlocks().until();
        until.ifPresent(u -> facts.put("unlockedUntil", u.toString()));
        checks.add(
            Check.ok(
                "vault",
                contents
                    + "; protected by a PIN"
                    + until.map(u -> " (unlocked until " + u + ")").orElse("")
                    + ".",
                facts));
      } else {
        checks.add(
            Check.warn(
                "vault",
                contents
                    + "; no PIN: anyone who can read "
                    + app().home()
                    + " can read the accounts and device keys. Set one with 'pin set'.",
                facts));
      }
      return vault.devices().all();
    }
  }

  // --- servers and the clock --------------------------------------------------------------------

  private static Check serverCheck(URI server, ServerProbe.Result result) {
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("server", server.toString());
    return switch (result) {
      case ServerProbe.Reached r -> {
        facts.put("rttMinMs", millis(r.minRtt()));
        facts.put("rttMedianMs", millis(r.medianRtt()));
        facts.put("samples", r.samples());
        String speed =
            "round trip min "
                + ms(r.minRtt())
                + ", median "
                + ms(r.medianRtt())
                + " ("
                + r.samples()
                + " requests)";
        yield r.medianRtt().compareTo(Duration.ofSeconds(2)) > 0
            ? Check.warn(
                "server",
                server
                    + " is a Latchkey server, but slow: "
                    + speed
                    + ". Sign-in requests may arrive late; try another network.",
                facts)
            : Check.ok(
                "server", server + " is a Latchkey server and reachable; " + speed + ".", facts);
      }
      case ServerProbe.Unreachable u -> {
        facts.put("reason", u.reason());
        yield Check.fail(
            "server",
            "could not reach "
                + server
                + " ("
                + u.reason()
                + "). Check this device's network connection (Wi-Fi, mobile data, VPN or proxy)"
                + " and that the address is right; if it is, the server may be down: tell your"
                + " administrator.",
            facts);
      }
      case ServerProbe.NotLatchkey n -> {
        facts.put("answer", n.what());
        yield Check.fail(
            "server",
            server
                + " answered, but not as a Latchkey server ("
                + n.what()
                + " for "
                + PushClient.TIME
                + "). Check the address (the one on the registration page), or a proxy in"
                + " between; an older Latchkey server lacks this check.",
            facts);
      }
    };
  }

  /** Positive {@code offset}: this device is ahead. */
  static Check clockCheck(URI server, Duration offset) {
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("server", server.toString());
    facts.put("offsetMs", offset.toMillis());
    Duration size = offset.abs();
    String where =
        size.compareTo(Duration.ofMillis(50)) < 0
            ? "this device's clock agrees with " + server + " (within 0.1 s)"
            : "this device's clock is "
                + seconds(size)
                + (offset.isNegative() ? " behind " : " ahead of ")
                + server;
    if (size.compareTo(CLOCK_FAIL) > 0) {
      String signatures =
          size.compareTo(SIGNATURE_WINDOW) > 0
              ? ", and the server refuses its push connection and answers too"
              : "";
      return Check.fail(
          "clock",
          where
              + ": codes made on this device will be refused"
              + signatures
              + "; "
              + TURN_ON_TIME
              + ".",
          facts);
    }
    if (size.compareTo(CLOCK_WARN) > 0) {
      return Check.warn(
          "clock",
          where
              + ": codes made near the end of their time step may be refused; "
              + TURN_ON_TIME
              + ".",
          facts);
    }
    return Check.ok("clock", where + ".", facts);
  }

  // --- posture ----------------------------------------------------------------------------------

  private List<Check> postureChecks() {
    Posture detected =
        app().postureProbe().detect(app().home(), AppCommand.appVersion(), app().clock().instant());
    List<Check> found = new ArrayList<>();
    String spec = app().env().get(PostureOverride.VARIABLE);
    Posture posture = detected;
    if (spec != null) {
      try {
        posture = PostureOverride.parse(spec).applyTo(detected);
      } catch (IllegalArgumentException e) {
        found.add(
            Check.warn(
                "posture",
                PostureOverride.VARIABLE
                    + " is invalid ("
                    + e.getMessage()
                    + "); activation would refuse it. Below is what was detected.",
                Map.of()));
      }
    }
    found.addAll(PostureAdvice.checks(posture, app().home()));
    return found;
  }

  // --- push -------------------------------------------------------------------------------------

  private static Check pushCheck(Device device, ServerProbe.Result server, PushProbe probe) {
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("deviceId", device.id());
    facts.put("server", device.server().toString());
    String who = "device " + device.describe();
    if (!(server instanceof ServerProbe.Reached)) {
      return Check.fail(
          "push", who + " could not connect: its server is not reachable (see above).", facts);
    }
    return switch (probe.probe(device)) {
      case PushProbe.Kept kept -> {
        facts.put("heldSeconds", kept.held().toSeconds());
        facts.put("waiting", kept.waiting());
        String waiting =
            kept.waiting() == 0
                ? ""
                : " "
                    + count(kept.waiting(), "sign-in request is", "sign-in requests are")
                    + " waiting for an answer: see them with 'listen' and answer with 'approve'"
                    + " or 'deny'.";
        yield Check.ok(
            "push",
            who
                + " connected and stayed connected for "
                + kept.held().toSeconds()
                + " s; sign-in requests reach it while 'listen' runs."
                + waiting,
            facts);
      }
      case PushProbe.Refused refused -> {
        ServerError error = refused.error();
        facts.put("status", error.status());
        facts.put("code", error.code());
        facts.put("correlationId", error.correlationId());
        String why =
            error.status() == 401
                ? "the server no longer knows this device (it was removed, for example by an MFA"
                    + " reset, or bound to another phone): activate again with a new QR code from"
                    + " the registration page"
                : "the server refused it";
        String said =
            error.message() == null || error.message().isEmpty()
                ? ""
                : " The server said: " + Messages.sentence(error.message());
        String id =
            error.correlationId() == null ? "" : " (correlation ID " + error.correlationId() + ")";
        yield Check.fail("push", who + " was refused: " + why + "." + said + id, facts);
      }
      case PushProbe.Lost lost -> {
        facts.put("reason", lost.reason());
        yield lost.after() == null
            ? Check.fail(
                "push",
                who
                    + " could not open its push connection ("
                    + lost.reason()
                    + "). A proxy or firewall may block long-lived connections"
                    + " (server-sent events).",
                facts)
            : Check.fail(
                "push",
                who
                    + " connected, but the connection ended after "
                    + seconds(lost.after())
                    + " ("
                    + lost.reason()
                    + "). A proxy, firewall or VPN may cut long-lived connections.",
                facts);
      }
    };
  }

  // --- output -----------------------------------------------------------------------------------

  private void print() {
    if (json) {
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("ok", exitCode() == 0);
      report.put("checks", checks.stream().map(Check::json).toList());
      out().println(Json.text(report));
      return;
    }
    for (Check check : checks) {
      out().println(check.line());
    }
    long failed = checks.stream().filter(c -> c.status() == Check.Status.FAIL).count();
    long warned = checks.stream().filter(c -> c.status() == Check.Status.WARN).count();
    if (failed > 0) {
      out().println(count((int) failed, "check failed", "checks failed") + ": fix those first.");
    } else if (warned > 0) {
      out()
          .println(
              "Nothing failed; "
                  + count((int) warned, "warning is", "warnings are")
                  + " worth fixing.");
    } else {
      out().println("Everything looks right.");
    }
  }

  private URI serverUri(String text) {
    try {
      URI uri = new URI(text.strip());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return normal(uri);
      }
    } catch (java.net.URISyntaxException e) {
      // the same sentence as any other bad address
    }
    throw new ParameterException(
        spec.commandLine(),
        "--server must be an http:// or https:// address, e.g. https://mfa.example.com, not "
            + Messages.quote(text));
  }

  /** Without a trailing slash, so that one server is one entry however it was written. */
  private static URI normal(URI server) {
    String text = server.toString();
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    return URI.create(text);
  }

  private static String count(int n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }

  private static double millis(Duration d) {
    return Math.round(d.toNanos() / 100_000.0) / 10.0;
  }

  private static String ms(Duration d) {
    return String.format(Locale.ROOT, "%.1f ms", d.toNanos() / 1_000_000.0);
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }
}
