package io.latchkey.bench;

import io.latchkey.bench.LoadOptions.HelpRequested;
import io.latchkey.bench.LoadOptions.UsageException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The command line of {@link PushLoad}, checked: a loopback URL only, bounded counts and time.
 *
 * @param base scheme, host and port of the server, without a trailing slash
 * @param adminUser the administrator's username (the admin API takes an admin token: {@link
 *     AdminAuthorization})
 * @param adminPassword the administrator's password, read from a file (never printed)
 * @param devices how many users to create, each with one push device registered through the wizard
 * @param challenges how many sign-in requests to send for the delivery latency (0: none)
 * @param concurrency registrations, and (without a rate) challenge creations, in flight at once
 * @param rate challenges per second, sent on schedule whatever the answers (open loop); 0: as fast
 *     as {@code concurrency} requests in flight allow (closed loop)
 * @param connectConcurrency streams being opened at once (each until its {@code ready} event)
 * @param serverPid the server's process ID, or 0 to find the process listening on the URL's port
 * @param ramp total stream counts to reach one after the other (ascending), empty for none
 * @param rampPause how long to wait before the ramp (for the delivery's challenges to expire, so
 *     that new streams are not sent them)
 * @param probe challenges sent at each ramp level to check that the streams still deliver
 * @param deliveryTimeout how long a challenge may take to reach its stream before it counts as lost
 * @param readyTimeout how long a stream may take from its request to its {@code ready} event
 * @param gc whether to run {@code jcmd PID GC.run} on the server before each memory reading
 * @param hold how long to keep the streams open at the end (to look at the server meanwhile)
 * @param maxSeconds the cap on the whole run
 * @param json where to write the figures as JSON, or {@code null}
 * @param prefix the start of every username this run creates
 */
record PushOptions(
    String base,
    String adminUser,
    String adminPassword,
    int devices,
    int challenges,
    int concurrency,
    double rate,
    int connectConcurrency,
    long serverPid,
    List<Integer> ramp,
    Duration rampPause,
    int probe,
    Duration deliveryTimeout,
    Duration readyTimeout,
    boolean gc,
    Duration hold,
    int maxSeconds,
    Path json,
    String prefix) {

  static final int MAX_DEVICES = 20_000;
  static final int MAX_CHALLENGES = 1_000_000;
  static final int MAX_STREAMS = 60_000;

  static final String USAGE =
      """
      Usage: java -cp benchmarks.jar io.latchkey.bench.PushLoad \\
               (--admin-password-file FILE | --data DIR) [--url http://127.0.0.1:8080] \\
               [--devices 1000] [--challenges 2000] [--concurrency 8] [--rate R] \\
               [--connect-concurrency 64] [--server-pid PID] [--ramp 2000,5000,...] \\
               [--ramp-pause 0] [--probe 100] [--delivery-timeout 10] \\
               [--ready-timeout 30] [--no-gc] [--hold 0] [--max-seconds 1800] \\
               [--json FILE] [--prefix P]

      Push delivery benchmark. Creates DEVICES users and registers one push device (Ed25519) for
      each through the wizard pages and the device API; opens one server-sent-event stream per
      device and reads the server's memory before and after; sends CHALLENGES sign-in requests
      through POST /api/v1/push/challenges to random users and times each from just before the
      POST to its arrival on that user's stream; then, with --ramp, opens more streams (several per
      device) level by level until one fails. Talks only to 127.0.0.1, localhost or ::1.
        --admin-password-file FILE  the admin's password; or --data DIR: DIR/initial-admin-password
        --devices              1..%d (default 1000)
        --challenges           0..%d (default 2000)
        --concurrency          1..256 registrations or challenge requests in flight (default 8)
        --rate R               send challenges at R per second (open loop) instead of closed loop
        --connect-concurrency  1..1024 streams being opened at once (default 64)
        --server-pid PID       for RSS and jcmd; default: the process listening on the URL's port
        --ramp L1,L2,...       total streams to reach in turn, ascending, at most %d
        --ramp-pause S         seconds to wait before the ramp, e.g. for the delivery's
                               challenges to expire (latchkey.push.challenge-ttl) (default 0)
        --probe N              challenges sent at each ramp level (default 100, 0: none)
        --delivery-timeout S   seconds after which an undelivered challenge is lost (default 10)
        --ready-timeout S      seconds a stream may take to say ready (default 30)
        --no-gc                do not run jcmd PID GC.run before reading the heap
        --hold S               keep the streams open S seconds at the end (default 0)
        --max-seconds          1..86400, cap on the whole run (default 1800)
        --json FILE            also write the figures as JSON
        --prefix P             start of the usernames (default: push-<random>-)
      """
          .formatted(MAX_DEVICES, MAX_CHALLENGES, MAX_STREAMS);

  static PushOptions parse(String[] args) throws UsageException, HelpRequested {
    String url = "http://127.0.0.1:8080";
    String adminUser = "admin";
    Path passwordFile = null;
    int devices = 1000;
    int challenges = 2000;
    int concurrency = 8;
    double rate = 0;
    int connectConcurrency = 64;
    long serverPid = 0;
    List<Integer> ramp = List.of();
    int rampPause = 0;
    int probe = 100;
    int deliveryTimeout = 10;
    int readyTimeout = 30;
    boolean gc = true;
    int hold = 0;
    int maxSeconds = 1800;
    Path json = null;
    String prefix = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        throw new HelpRequested();
      }
      if (arg.equals("--no-gc")) {
        gc = false;
        continue;
      }
      String name = arg;
      String value;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      } else {
        if (i + 1 >= args.length) {
          throw new UsageException(arg + " needs a value");
        }
        value = args[++i];
      }
      switch (name) {
        case "--url" -> url = value;
        case "--admin-user" -> adminUser = value;
        case "--admin-password-file" -> passwordFile = Path.of(value);
        case "--data" -> passwordFile = Path.of(value).resolve("initial-admin-password");
        case "--devices" -> devices = LoadOptions.number(name, value, 1, MAX_DEVICES);
        case "--challenges" -> challenges = LoadOptions.number(name, value, 0, MAX_CHALLENGES);
        case "--concurrency" -> concurrency = LoadOptions.number(name, value, 1, 256);
        case "--rate" -> rate = rate(value);
        case "--connect-concurrency" ->
            connectConcurrency = LoadOptions.number(name, value, 1, 1024);
        case "--server-pid" -> serverPid = LoadOptions.number(name, value, 1, Integer.MAX_VALUE);
        case "--ramp" -> ramp = levels(value);
        case "--ramp-pause" -> rampPause = LoadOptions.number(name, value, 0, 3600);
        case "--probe" -> probe = LoadOptions.number(name, value, 0, 10_000);
        case "--delivery-timeout" -> deliveryTimeout = LoadOptions.number(name, value, 1, 300);
        case "--ready-timeout" -> readyTimeout = LoadOptions.number(name, value, 1, 300);
        case "--hold" -> hold = LoadOptions.number(name, value, 0, 86_400);
        case "--max-seconds" -> maxSeconds = LoadOptions.number(name, value, 1, 86_400);
        case "--json" -> json = Path.of(value);
        case "--prefix" -> prefix = value;
        default -> throw new UsageException("unknown option " + arg);
      }
    }
    if (passwordFile == null) {
      throw new UsageException("--admin-password-file (or --data) is required");
    }
    if (prefix == null) {
      byte[] random = new byte[4];
      new SecureRandom().nextBytes(random);
      prefix = "push-" + HexFormat.of().formatHex(random) + "-";
    }
    if (prefix.isEmpty() || prefix.length() > 40 || !prefix.matches("[A-Za-z0-9._-]+")) {
      throw new UsageException("--prefix: 1 to 40 of A-Z a-z 0-9 . _ -");
    }
    if (!ramp.isEmpty() && ramp.get(0) < devices) {
      throw new UsageException(
          "--ramp levels count all open streams, the " + devices + " of --devices included");
    }
    return new PushOptions(
        LoadOptions.loopbackBase(url),
        adminUser,
        LoadOptions.readPassword(passwordFile),
        devices,
        challenges,
        concurrency,
        rate,
        connectConcurrency,
        serverPid,
        ramp,
        Duration.ofSeconds(rampPause),
        probe,
        Duration.ofSeconds(deliveryTimeout),
        Duration.ofSeconds(readyTimeout),
        gc,
        Duration.ofSeconds(hold),
        maxSeconds,
        json,
        prefix);
  }

  private static double rate(String value) throws UsageException {
    double rate;
    try {
      rate = Double.parseDouble(value.strip());
    } catch (NumberFormatException e) {
      throw new UsageException("--rate must be a number of challenges per second, not " + value);
    }
    if (!(rate > 0 && rate <= 100_000)) {
      throw new UsageException("--rate must be above 0 and at most 100000");
    }
    return rate;
  }

  private static List<Integer> levels(String value) throws UsageException {
    List<Integer> levels = new ArrayList<>();
    for (String part : value.split(",")) {
      int level = LoadOptions.number("--ramp", part, 1, MAX_STREAMS);
      if (!levels.isEmpty() && level <= levels.get(levels.size() - 1)) {
        throw new UsageException("--ramp levels must be ascending");
      }
      levels.add(level);
    }
    return List.copyOf(levels);
  }

  @Override
  public String toString() {
    // Never the password.
    return "PushOptions[base=%s, devices=%d, challenges=%d, concurrency=%d, ramp=%s]"
        .formatted(base, devices, challenges, concurrency, ramp);
  }
}
