package io.latchkey.bench;

import io.latchkey.core.otp.OtpParameters;
import io.latchkey.core.otp.Secret;
import io.latchkey.core.otp.Totp;
import io.latchkey.core.push.ActivationUri;
import io.latchkey.core.push.Decision;
import io.latchkey.core.push.DeviceSignatures;
import io.latchkey.core.push.KeyAlgorithm;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * A soak run (issue 13): drives a running server for {@code --minutes} with a mixed, bounded load
 * and checks at the end that what it did left the server consistent. Never part of the test suite.
 *
 * <p>{@code --vus} virtual users loop, each taking one idle user of the pool at a time (so no two
 * act on the same account at once), under one global request rate ({@code --rate}) and a bounded
 * number of new users ({@code --users-per-minute}, {@code --max-users}):
 *
 * <ul>
 *   <li>users created through the admin API (with an email address, so security notices are mailed:
 *       the tool runs a small SMTP sink on {@code --smtp-port}, and the server must be started with
 *       {@code --latchkey.mail.host=127.0.0.1 --latchkey.mail.port=PORT --latchkey.mail.from=...});
 *   <li>registrations through the wizard over HTTP: TOTP, push (an Ed25519 device key, the signed
 *       activation and the test request approved), and some started and abandoned at the QR code;
 *   <li>{@code POST /api/v1/verify} with an API key: right codes (one per 30-second step), wrong
 *       codes, and replays of accepted codes;
 *   <li>push requests ({@code POST /api/v1/push/challenges}): some approved by the device, some
 *       left to expire and then checked to be {@code expired};
 *   <li>admin actions: block and unblock, reset MFA then a registration link and the link's wizard,
 *       user views, user lists, audit queries, notices; policy changes ({@code PATCH}) and their
 *       restore ({@code PUT} of the earlier settings);
 *   <li>the user API: sign-in with password and code, backup upload ({@code If-None-Match: *} then
 *       {@code If-Match}), download (compared byte for byte), a stale upload (412), sign-out.
 * </ul>
 *
 * <p>Every {@code --report-seconds} (60) it prints a line and appends a row to {@code OUT.csv} and
 * an object to {@code OUT.jsonl}: requests by kind, answers by status and error code, 5xx, the
 * server's resident set and open files ({@code /proc/PID}), heap ({@code /actuator/metrics}). At
 * the end it checks: no code accepted twice (the tool's own record, and one {@code
 * verification.accepted} audit row for every acceptance it saw, by correlation ID), every user's
 * methods as the tool registered them (nothing half-registered after an abandoned or repeated
 * registration), no notice audited {@code notice.sent} twice and no notice failed, challenges left
 * alone ended {@code expired}. Exit status 0 when every check held and no 5xx was answered, 1
 * otherwise, 2 for a usage error.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.latchkey.bench.SoakLoad --server http://127.0.0.1:18777 \
 *     --data DATA --minutes 60 --out /tmp/soak
 * </pre>
 */
public final class SoakLoad {
  private static final OtpParameters TOTP = OtpParameters.TOTP_DEFAULT;
  private static final Pattern NOTICE_ID = Pattern.compile("notice \\S+ ([0-9a-fA-F-]{36})");
  private static final int MAX_ANOMALIES = 300;

  private static final String USAGE =
      """
      usage: SoakLoad --server http://127.0.0.1:PORT --data DIR [options]
        --server URL            the server (loopback only)
        --data DIR              its data folder (DIR/initial-admin-password, or the
                                password it was changed to, DIR/soak-admin-password; on a server
                                that takes admin tokens, the administrator's TOTP secret
                                is kept in DIR/soak-admin-totp-secret for later runs)
        --pid PID               the server's process (default: the one listening on the port)
        --minutes N | --seconds N   how long to drive it (default 60 minutes)
        --vus N                 virtual users (default 4, at most 16)
        --rate N                requests per second at most, over all (default 15)
        --users-per-minute N    new users per minute at most (default 5)
        --max-users N           users in all at most (default 300)
        --smtp-port N           the SMTP sink's port (default 18778; 0: none)
        --report-seconds N      the interval of the report lines (default 60)
        --out PREFIX            write PREFIX.csv and PREFIX.jsonl (default ./soak)
        --admin NAME            the administrator (default admin)
      """;

  /** The command line. */
  record Options(
      String base,
      Path data,
      long pid,
      Duration length,
      int vus,
      double rate,
      int usersPerMinute,
      int maxUsers,
      int smtpPort,
      int reportSeconds,
      String out,
      String admin) {
    static Options parse(String[] args) {
      Map<String, String> a = new LinkedHashMap<>();
      for (int i = 0; i < args.length; i++) {
        if (!args[i].startsWith("--") || i + 1 >= args.length) {
          throw new IllegalArgumentException("unexpected " + args[i]);
        }
        a.put(args[i].substring(2), args[++i]);
      }
      Set<String> known =
          Set.of(
              "server",
              "data",
              "pid",
              "minutes",
              "seconds",
              "vus",
              "rate",
              "users-per-minute",
              "max-users",
              "smtp-port",
              "report-seconds",
              "out",
              "admin");
      for (String key : a.keySet()) {
        if (!known.contains(key)) {
          throw new IllegalArgumentException("unknown option --" + key);
        }
      }
      if (!a.containsKey("server") || !a.containsKey("data")) {
        throw new IllegalArgumentException("--server and --data are required");
      }
      String base;
      try {
        base = LoadOptions.loopbackBase(a.get("server"));
      } catch (LoadOptions.UsageException e) {
        throw new IllegalArgumentException(e.getMessage());
      }
      Duration length =
          a.containsKey("seconds")
              ? Duration.ofSeconds(Long.parseLong(a.get("seconds")))
              : Duration.ofMinutes(Long.parseLong(a.getOrDefault("minutes", "60")));
      int port = Integer.parseInt(base.substring(base.lastIndexOf(':') + 1));
      long pid =
          a.containsKey("pid")
              ? Long.parseLong(a.get("pid"))
              : ServerProbe.listeningPid(port).orElse(-1L);
      int vus = Integer.parseInt(a.getOrDefault("vus", "4"));
      double rate = Double.parseDouble(a.getOrDefault("rate", "15"));
      if (vus < 1 || vus > 16 || rate <= 0 || rate > 200 || length.isNegative()) {
        throw new IllegalArgumentException("--vus is 1 to 16, --rate 0 to 200");
      }
      return new Options(
          base,
          Path.of(a.get("data")),
          pid,
          length,
          vus,
          rate,
          Integer.parseInt(a.getOrDefault("users-per-minute", "5")),
          Integer.parseInt(a.getOrDefault("max-users", "300")),
          Integer.parseInt(a.getOrDefault("smtp-port", "18778")),
          Integer.parseInt(a.getOrDefault("report-seconds", "60")),
          a.getOrDefault("out", "soak"),
          a.getOrDefault("admin", "admin"));
    }
  }

  /** What a soak user has, as far as the tool knows. Used by one virtual user at a time. */
  static final class SoakUser {
    enum Kind {
      TOTP,
      PUSH,
      ABANDONED
    }

    final String name;
    final String password;
    final Kind kind;
    String secret;
    int generation;
    long lastStep = -1;
    String lastCode;
    long lastAcceptedNanos;
    int wrongInARow;
    int resets;
    long backupVersion = -1;
    byte[] backup;
    UUID userId;
    UUID deviceId;
    PrivateKey deviceKey;
    boolean blocked;
    final List<String[]> expiring = new ArrayList<>();

    SoakUser(String name, String password, Kind kind) {
      this.name = name;
      this.password = password;
      this.kind = kind;
    }

    int expectedMethods() {
      return kind == Kind.ABANDONED ? 0 : 1;
    }
  }

  private final Options options;
  private final PrintStream out;
  private final SoakStats stats = new SoakStats();
  private final SoakHttp http;
  private final Deadline deadline;
  private final String prefix =
      "soak" + HexFormat.of().formatHex(new SecureRandom().generateSeed(3)) + "-";
  private final LinkedBlockingQueue<SoakUser> idle = new LinkedBlockingQueue<>();
  private final List<SoakUser> everyone = new CopyOnWriteArrayList<>();
  private final AtomicInteger created = new AtomicInteger();
  private final AtomicInteger names = new AtomicInteger();
  private final AtomicLong userSlotNanos = new AtomicLong(System.nanoTime());

  /** (user#generation#step) of every code the server accepted, with how many times. */
  private final Map<String, Integer> accepted = new ConcurrentHashMap<>();

  /** The correlation ID of every code accepted by /api/v1/verify or a user API sign-in. */
  private final Set<String> acceptedCorrelations = ConcurrentHashMap.newKeySet();

  private final AtomicInteger approved = new AtomicInteger();
  private final AtomicInteger expiredAsExpected = new AtomicInteger();
  private final ConcurrentLinkedQueue<String> anomalies = new ConcurrentLinkedQueue<>();
  private final AtomicInteger anomalyCount = new AtomicInteger();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private final Map<String, Integer> actions = new ConcurrentHashMap<>();
  private volatile boolean stopping;
  private AdminAuth admin;
  private String apiKey;
  private MailSink mail;
  private long startNanos;
  private Map<String, Object> originalPolicy;
  private long nextPolicyNanos;

  private SoakLoad(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
    this.http = new SoakHttp(options.base(), options.rate(), stats);
    // Request time-outs: 30 s each, whatever the run's length; the run stops by itself.
    this.deadline = new Deadline(options.length().plusHours(2));
  }

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * One soak run, as the command line gives it (the suite's short soak calls this too).
   *
   * @return the exit status: 0 when every check held and no answer was a 5xx, 1 otherwise, 2 for a
   *     usage error
   */
  public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("SoakLoad: " + e.getMessage());
      err.print(USAGE);
      return 2;
    }
    SoakLoad soak = new SoakLoad(options, out);
    try {
      return soak.run();
    } finally {
      soak.http.close();
      if (soak.mail != null) {
        soak.mail.close();
      }
    }
  }

  private int run() throws Exception {
    // Since issue 14 the first start's password is changed at the first login, and the new one
    // kept in DATA/soak-admin-password (AdminAuth).
    java.nio.file.Path changed = options.data().resolve("soak-admin-password");
    String password =
        Files.readString(
                Files.exists(changed) ? changed : options.data().resolve("initial-admin-password"))
            .strip();
    if (options.smtpPort() > 0) {
      mail = new MailSink(options.smtpPort());
    }
    startNanos = System.nanoTime();
    out.printf(
        Locale.ROOT,
        "SoakLoad: %s, server pid %d, %d s, %d virtual users, at most %.0f requests/s, %d new"
            + " users/min (at most %d), users %s*, SMTP sink %s%n",
        options.base(),
        options.pid(),
        options.length().toSeconds(),
        options.vus(),
        options.rate(),
        options.usersPerMinute(),
        options.maxUsers(),
        prefix,
        mail == null ? "none" : "127.0.0.1:" + mail.port());
    admin =
        AdminAuth.connect(
            http,
            options.admin(),
            password,
            deadline,
            options.data().resolve("soak-admin-totp-secret"),
            changed);
    out.println(
        "SoakLoad: admin API takes "
            + (admin.basic() ? "HTTP Basic" : "admin tokens (TOTP registered, signed in)"));
    SoakHttp.Answer key =
        adminCall(
            "admin.api-key", "POST", "/api/v1/admin/api-keys", Map.of("name", prefix + "api-key"));
    if (!key.is(201)) {
      throw new IllegalStateException("creating the API key answered " + key.outcome());
    }
    apiKey = key.json().path("token").asString();
    SoakHttp.Answer policy = adminCall("admin.policy.get", "GET", "/api/v1/admin/policy", null);
    if (!policy.is(200)) {
      throw new IllegalStateException("GET /api/v1/admin/policy answered " + policy.outcome());
    }
    originalPolicy = toMap(policy.json().path("settings"));
    nextPolicyNanos = System.nanoTime() + Duration.ofSeconds(20).toNanos();

    writeCsvHeader();
    Thread reporter = Thread.ofPlatform().daemon().name("soak-report").start(this::reportLoop);
    List<Thread> vus = new ArrayList<>();
    long endNanos = startNanos + options.length().toNanos();
    for (int i = 0; i < options.vus(); i++) {
      int vu = i;
      vus.add(Thread.ofPlatform().name("vu-" + i).start(() -> vuLoop(vu, endNanos)));
    }
    for (Thread vu : vus) {
      vu.join();
    }
    stopping = true;
    reporter.interrupt();
    reporter.join(5_000);
    report(stats.roll(), true);
    out.println("SoakLoad: load over; consistency checks");
    int status = finalChecks();
    if (mail != null) {
      mail.close();
    }
    return status;
  }

  // ---- The virtual users --------------------------------------------------------------------

  private void vuLoop(int vu, long endNanos) {
    while (System.nanoTime() - endNanos < 0) {
      try {
        step(vu);
        Thread.sleep(ThreadLocalRandom.current().nextInt(100, 400));
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException | IOException e) {
        anomaly("vu-" + vu + ": " + e);
      }
    }
  }

  private void step(int vu) throws InterruptedException, IOException {
    if (vu == 0 && System.nanoTime() - nextPolicyNanos > 0) {
      policyRound();
      return;
    }
    if (newUserDue()) {
      createAndRegister();
      return;
    }
    SoakUser user = idle.poll(1, TimeUnit.SECONDS);
    if (user == null) {
      return;
    }
    try {
      act(user);
    } finally {
      idle.add(user);
    }
  }

  /** A slot for a new user: every 60/usersPerMinute seconds, up to the total. */
  private boolean newUserDue() {
    if (created.get() >= options.maxUsers()) {
      return false;
    }
    long interval = 60_000_000_000L / Math.max(1, options.usersPerMinute());
    long slot = userSlotNanos.get();
    long now = System.nanoTime();
    if (now - slot < 0) {
      return false;
    }
    return userSlotNanos.compareAndSet(slot, Math.max(slot, now - interval) + interval)
        && created.incrementAndGet() <= options.maxUsers();
  }

  private void act(SoakUser user) throws InterruptedException, IOException {
    int dice = ThreadLocalRandom.current().nextInt(100);
    if (!user.blocked && user.wrongInARow >= 9) {
      // The last wrong code or replay may have reached the lockout: its answer was still
      // invalid_code or code_reused, and the account is blocked from then on.
      SoakHttp.Answer view =
          adminCall("admin.user.get", "GET", "/api/v1/admin/users/" + user.name, null);
      user.blocked = view.json().path("status").asString().equals("blocked");
      user.wrongInARow = user.blocked ? user.wrongInARow : 0;
    }
    if (user.blocked) {
      count("unblock");
      unblock(user);
      return;
    }
    if (user.kind == SoakUser.Kind.TOTP && user.secret == null) {
      adminReads(user);
      return;
    }
    switch (user.kind) {
      case TOTP -> {
        if (dice < 30) {
          verifyRight(user);
        } else if (dice < 42) {
          verifyWrong(user);
        } else if (dice < 55) {
          replay(user);
        } else if (dice < 63) {
          userApiAndBackup(user);
        } else if (dice < 68) {
          blockAndUnblock(user);
        } else if (dice < 72) {
          resetAndLink(user);
        } else {
          adminReads(user);
        }
      }
      case PUSH -> {
        if (dice < 35) {
          pushChallenge(user, true);
        } else if (dice < 55) {
          pushChallenge(user, false);
        } else if (dice < 70) {
          checkExpired(user, false);
        } else if (dice < 75) {
          blockAndUnblock(user);
        } else {
          adminReads(user);
        }
      }
      case ABANDONED -> adminReads(user);
    }
  }

  private void count(String action) {
    actions.merge(action, 1, Integer::sum);
  }

  // ---- Users and registrations --------------------------------------------------------------

  private void createAndRegister() throws InterruptedException, IOException {
    int n = names.incrementAndGet();
    int dice = ThreadLocalRandom.current().nextInt(100);
    SoakUser.Kind kind =
        dice < 70 ? SoakUser.Kind.TOTP : dice < 90 ? SoakUser.Kind.PUSH : SoakUser.Kind.ABANDONED;
    String name = prefix + String.format(Locale.ROOT, "%04d", n);
    SoakUser user =
        new SoakUser(
            name, "pw-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(9)), kind);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("username", user.name);
    body.put("password", user.password);
    body.put("email", user.name + "@soak.test");
    SoakHttp.Answer answer = adminCall("admin.user.create", "POST", "/api/v1/admin/users", body);
    if (!answer.is(201)) {
      anomaly("creating " + user.name + ": " + answer.outcome());
      return;
    }
    count("register." + kind.name().toLowerCase(Locale.ROOT));
    try (WizardSession wizard = new WizardSession(options.base(), deadline, http)) {
      switch (kind) {
        case TOTP -> {
          user.secret = wizard.register(user.name, user.password).secret();
          registeredNow(user);
        }
        case ABANDONED -> wizard.abandon(user.name, user.password);
        case PUSH -> registerPush(user, wizard);
      }
    } catch (WizardSession.StepFailed e) {
      anomaly(user.name + " " + kind + " registration: " + e.getMessage());
      everyone.add(new SoakUser(user.name, user.password, SoakUser.Kind.ABANDONED));
      return;
    }
    everyone.add(user);
    idle.add(user);
  }

  /** The wizard's confirm used the current step's code. */
  private void registeredNow(SoakUser user) {
    user.generation++;
    long step = Totp.step(Instant.now(), 30);
    user.lastStep = step;
    user.lastCode = null;
    accepted.merge(user.name + "#" + user.generation + "#" + step, 1, Integer::sum);
  }

  private void registerPush(SoakUser user, WizardSession wizard)
      throws InterruptedException, IOException {
    WizardSession.PushStarted started = wizard.startPush(user.name, user.password);
    ActivationUri link = ActivationUri.parse(started.activationUri());
    KeyPair pair = KeyAlgorithm.ED25519.generate();
    Map<String, Object> posture = new LinkedHashMap<>();
    posture.put("storageEncrypted", true);
    posture.put("rooted", false);
    posture.put("notificationsEnabled", true);
    posture.put("appVersion", "soak");
    posture.put("deviceClock", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    posture.put("overridden", true);
    Map<String, Object> activation = new LinkedHashMap<>();
    activation.put("code", link.code());
    activation.put("name", "soak device");
    activation.put("keyAlgorithm", KeyAlgorithm.ED25519.wireName());
    activation.put("publicKey", Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));
    activation.put("posture", posture);
    byte[] body = SoakHttp.JSON.writeValueAsBytes(activation);
    SoakHttp.Answer activated =
        http.send(
            "device.activate",
            signed("POST", "/api/v1/device/activate", body, pair.getPrivate(), null)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build());
    if (!activated.is(201)) {
      throw new WizardSession.StepFailed("activation answered " + activated.outcome());
    }
    JsonNode device = activated.json();
    user.userId = UUID.fromString(device.path("userId").asString());
    user.deviceId = UUID.fromString(device.path("deviceId").asString());
    user.deviceKey = pair.getPrivate();
    String number = wizard.pushNumber();
    SoakHttp.Answer listed =
        http.send(
            "device.challenges",
            signed("GET", "/api/v1/device/challenges", new byte[0], user.deviceKey, user.deviceId)
                .GET()
                .build());
    JsonNode test = null;
    for (JsonNode challenge : listed.json().path("challenges")) {
      if (challenge.path("purpose").asString().equals("registration_test")) {
        test = challenge;
      }
    }
    if (test == null) {
      throw new WizardSession.StepFailed("no registration_test challenge: " + listed.outcome());
    }
    SoakHttp.Answer answer =
        answerChallenge(
            user,
            UUID.fromString(test.path("challengeId").asString()),
            test.path("expiresAt").asString(),
            number);
    if (!answer.is(200) || !answer.json().path("status").asString().equals("approved")) {
      throw new WizardSession.StepFailed("approving the test request: " + answer.outcome());
    }
    wizard.expectPushDone();
  }

  // ---- Verification ---------------------------------------------------------------------------

  private void verifyRight(SoakUser user) throws InterruptedException {
    Instant now = Instant.now();
    long step = Totp.step(now, 30);
    if (step <= user.lastStep) {
      replay(user);
      return;
    }
    count("verify.right");
    String code = Totp.generate(Secret.fromBase32(user.secret), TOTP, now);
    SoakHttp.Answer answer = verify("verify.right", user, code);
    if (answer.is(200)) {
      acceptedNow(user, step, code, answer);
    } else if (!lockedOut(user, answer)) {
      anomaly("right code for " + user.name + " answered " + answer.outcome());
    }
  }

  private void acceptedNow(SoakUser user, long step, String code, SoakHttp.Answer answer) {
    int times = accepted.merge(user.name + "#" + user.generation + "#" + step, 1, Integer::sum);
    if (times > 1) {
      failures.add("code of " + user.name + " step " + step + " accepted " + times + " times");
    }
    user.lastStep = step;
    user.lastCode = code;
    user.lastAcceptedNanos = System.nanoTime();
    user.wrongInARow = 0;
    if (answer != null) {
      String id = answer.json().path("correlationId").asString("");
      if (!id.isEmpty()) {
        acceptedCorrelations.add(id);
      }
    }
  }

  /**
   * Wrong codes and replays count toward the lockout (10 in a row by default): a {@code
   * user_blocked} answer then is the server doing its job. The user is unblocked by its next turn.
   */
  private boolean lockedOut(SoakUser user, SoakHttp.Answer answer) {
    if (!answer.errorCode().equals("user_blocked")) {
      return false;
    }
    count("lockout (user_blocked after wrong codes or replays)");
    user.blocked = true;
    return true;
  }

  private void verifyWrong(SoakUser user) throws InterruptedException {
    if (user.wrongInARow >= 6) {
      adminReads(user);
      return;
    }
    count("verify.wrong");
    Secret secret = Secret.fromBase32(user.secret);
    long step = Totp.step(Instant.now(), 30);
    Set<String> window = new HashSet<>();
    for (long s = step - 2; s <= step + 2; s++) {
      window.add(Totp.generateForStep(secret, TOTP, s));
    }
    String code;
    do {
      code = String.format(Locale.ROOT, "%06d", ThreadLocalRandom.current().nextInt(1_000_000));
    } while (window.contains(code));
    SoakHttp.Answer answer = verify("verify.wrong", user, code);
    user.wrongInARow++;
    if (lockedOut(user, answer)) {
      return;
    }
    if (answer.is(200)) {
      failures.add("a wrong code for " + user.name + " was accepted");
    } else if (!answer.errorCode().equals("invalid_code")) {
      anomaly("wrong code for " + user.name + " answered " + answer.outcome());
    }
  }

  private void replay(SoakUser user) throws InterruptedException {
    if (user.lastCode == null || System.nanoTime() - user.lastAcceptedNanos > 25_000_000_000L) {
      if (Totp.step(Instant.now(), 30) > user.lastStep) {
        verifyRight(user);
      } else {
        adminReads(user);
      }
      return;
    }
    count("verify.replay");
    SoakHttp.Answer answer = verify("verify.replay", user, user.lastCode);
    user.wrongInARow++;
    if (lockedOut(user, answer)) {
      return;
    }
    if (answer.is(200)) {
      failures.add("replayed code of " + user.name + " accepted again (" + answer.outcome() + ")");
    } else if (!answer.errorCode().equals("code_reused")) {
      anomaly("replay for " + user.name + " answered " + answer.outcome());
    }
  }

  private SoakHttp.Answer verify(String kind, SoakUser user, String code)
      throws InterruptedException {
    return http.send(
        kind,
        http.request("/api/v1/verify")
            .header("Authorization", "Bearer " + apiKey)
            .header("Content-Type", "application/json")
            .POST(SoakHttp.json(Map.of("username", user.name, "code", code)))
            .build());
  }

  // ---- The user API and backups -------------------------------------------------------------

  private void userApiAndBackup(SoakUser user) throws InterruptedException {
    Instant now = Instant.now();
    long step = Totp.step(now, 30);
    if (step <= user.lastStep) {
      adminReads(user);
      return;
    }
    count("user.backup");
    String code = Totp.generate(Secret.fromBase32(user.secret), TOTP, now);
    SoakHttp.Answer session =
        http.send(
            "user.sign-in",
            http.request("/api/v1/user/sessions")
                .header("Content-Type", "application/json")
                .POST(
                    SoakHttp.json(
                        Map.of("username", user.name, "password", user.password, "code", code)))
                .build());
    if (!session.is(201)) {
      anomaly("user sign-in of " + user.name + " answered " + session.outcome());
      return;
    }
    acceptedNow(user, step, code, session);
    String bearer = "Bearer " + session.json().path("token").asString();
    byte[] blob = new byte[ThreadLocalRandom.current().nextInt(512, 8192)];
    ThreadLocalRandom.current().nextBytes(blob);
    HttpRequest.Builder put =
        http.request(UserBackupController.PATH)
            .header("Authorization", bearer)
            .header("Content-Type", "application/octet-stream")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(blob));
    if (user.backupVersion < 0) {
      put.header("If-None-Match", "*");
    } else {
      put.header("If-Match", "\"" + user.backupVersion + "\"");
    }
    SoakHttp.Answer uploaded = http.send("user.backup.put", put.build());
    if (uploaded.is(200) || uploaded.is(201)) {
      long previous = user.backupVersion;
      user.backupVersion = uploaded.json().path("version").asLong();
      user.backup = blob;
      if (previous >= 0) {
        // A device that did not see the last upload: refused, and the backup stays.
        SoakHttp.Answer stale =
            http.send(
                "user.backup.put-stale",
                http.request(UserBackupController.PATH)
                    .header("Authorization", bearer)
                    .header("Content-Type", "application/octet-stream")
                    .header("If-Match", "\"" + previous + "\"")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1, 2, 3}))
                    .build());
        if (!stale.errorCode().equals("backup_stale")) {
          anomaly("stale backup upload of " + user.name + " answered " + stale.outcome());
        }
      }
    } else {
      anomaly("backup upload of " + user.name + " answered " + uploaded.outcome());
    }
    SoakHttp.Answer download =
        http.send(
            "user.backup.get",
            http.request(UserBackupController.PATH)
                .header("Authorization", bearer)
                .header("Accept", "application/octet-stream")
                .GET()
                .build(),
            true);
    if (!download.is(200)) {
      anomaly("backup download of " + user.name + " answered " + download.outcome());
    } else if (user.backup != null && !Arrays.equals(download.bytes(), user.backup)) {
      failures.add("backup of " + user.name + " came back different from the last upload");
    }
    SoakHttp.Answer signOut =
        http.send(
            "user.sign-out",
            http.request("/api/v1/user/sessions/current")
                .header("Authorization", bearer)
                .DELETE()
                .build());
    if (!signOut.is(204)) {
      anomaly("sign-out of " + user.name + " answered " + signOut.outcome());
    }
    SoakHttp.Answer after =
        http.send(
            "user.backup.after-sign-out",
            http.request(UserBackupController.PATH)
                .header("Authorization", bearer)
                .header("Accept", "application/octet-stream")
                .GET()
                .build());
    if (!after.is(401)) {
      failures.add("a signed-out user token still answered " + after.outcome());
    }
  }

  /** The backup path of the user API (as the server's UserBackupController names it). */
  private static final class UserBackupController {
    static final String PATH = "/api/v1/user/backup";
  }

  // ---- Push ------------------------------------------------------------------------------------

  private void pushChallenge(SoakUser user, boolean answer) throws InterruptedException {
    checkExpired(user, false);
    count(answer ? "push.approve" : "push.leave");
    SoakHttp.Answer created =
        http.send(
            answer ? "push.create" : "push.create-leave",
            http.request("/api/v1/push/challenges")
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json")
                .POST(SoakHttp.json(Map.of("username", user.name, "application", "soak")))
                .build());
    if (!created.is(201)) {
      if (!created.errorCode().equals("rate_limited")) {
        anomaly("push to " + user.name + " answered " + created.outcome());
      }
      return;
    }
    JsonNode c = created.json();
    String id = c.path("challengeId").asString();
    if (!answer) {
      user.expiring.add(new String[] {id, c.path("expiresAt").asString()});
      return;
    }
    SoakHttp.Answer listed =
        http.send(
            "device.challenges",
            signed("GET", "/api/v1/device/challenges", new byte[0], user.deviceKey, user.deviceId)
                .GET()
                .build());
    boolean seen = false;
    for (JsonNode pending : listed.json().path("challenges")) {
      seen |= pending.path("challengeId").asString().equals(id);
    }
    if (!seen) {
      anomaly("challenge " + id + " not listed for the device of " + user.name);
    }
    SoakHttp.Answer approvedAnswer =
        answerChallenge(
            user, UUID.fromString(id), c.path("expiresAt").asString(), c.path("number").asString());
    String status = approvedAnswer.json().path("status").asString();
    if (!approvedAnswer.is(200) || !status.equals("approved")) {
      anomaly("approving " + id + " answered " + approvedAnswer.outcome() + " " + status);
      return;
    }
    SoakHttp.Answer state =
        http.send(
            "push.status",
            http.request("/api/v1/push/challenges/" + id)
                .header("Authorization", "Bearer " + apiKey)
                .GET()
                .build());
    if (!state.json().path("status").asString().equals("approved")) {
      failures.add("approved challenge " + id + " reads " + state.outcome() + " " + state.body());
    } else {
      approved.incrementAndGet();
    }
  }

  /** Challenges left alone whose time is up must read {@code expired}. */
  private void checkExpired(SoakUser user, boolean all) throws InterruptedException {
    Instant now = Instant.now();
    for (var it = user.expiring.iterator(); it.hasNext(); ) {
      String[] c = it.next();
      if (!all && Instant.parse(c[1]).plusSeconds(3).isAfter(now)) {
        continue;
      }
      it.remove();
      SoakHttp.Answer state =
          http.send(
              "push.status-expired",
              http.request("/api/v1/push/challenges/" + c[0])
                  .header("Authorization", "Bearer " + apiKey)
                  .GET()
                  .build());
      String status = state.json().path("status").asString();
      if (status.equals("expired")) {
        expiredAsExpected.incrementAndGet();
      } else {
        failures.add("challenge " + c[0] + " left alone reads " + state.outcome() + " " + status);
      }
    }
  }

  private SoakHttp.Answer answerChallenge(
      SoakUser user, UUID challengeId, String expiresAt, String number)
      throws InterruptedException {
    byte[] signature =
        KeyAlgorithm.ED25519.sign(
            user.deviceKey,
            DeviceSignatures.answer(
                challengeId, user.userId, Instant.parse(expiresAt), Decision.APPROVE, number));
    Map<String, String> body = new LinkedHashMap<>();
    body.put("deviceId", user.deviceId.toString());
    body.put("decision", Decision.APPROVE.wireName());
    body.put("number", number);
    body.put("signature", Base64.getEncoder().encodeToString(signature));
    return http.send(
        "device.answer",
        http.request("/api/v1/device/challenges/" + challengeId + "/answer")
            .header("Content-Type", "application/json")
            .POST(SoakHttp.json(body))
            .build());
  }

  private HttpRequest.Builder signed(
      String method, String path, byte[] body, PrivateKey key, UUID deviceId) {
    long now = Instant.now().getEpochSecond();
    byte[] signature =
        KeyAlgorithm.ED25519.sign(key, DeviceSignatures.request(method, path, now, body));
    HttpRequest.Builder builder =
        http.request(path)
            .header(DeviceSignatures.TIMESTAMP_HEADER, Long.toString(now))
            .header(
                DeviceSignatures.SIGNATURE_HEADER, Base64.getEncoder().encodeToString(signature));
    if (deviceId != null) {
      builder.header(DeviceSignatures.DEVICE_HEADER, deviceId.toString());
    }
    return builder;
  }

  // ---- Admin actions --------------------------------------------------------------------------

  private void blockAndUnblock(SoakUser user) throws InterruptedException {
    count("block");
    SoakHttp.Answer block =
        adminCall(
            "admin.user.block",
            "POST",
            "/api/v1/admin/users/" + user.name + "/block",
            Map.of("reason", "soak: block"));
    if (!block.is(200) || !block.json().path("status").asString().equals("blocked")) {
      anomaly("block of " + user.name + " answered " + block.outcome());
      return;
    }
    user.blocked = true;
    if (user.kind == SoakUser.Kind.TOTP) {
      long step = Totp.step(Instant.now(), 30);
      if (step > user.lastStep) {
        String code = Totp.generate(Secret.fromBase32(user.secret), TOTP, Instant.now());
        SoakHttp.Answer refused = verify("verify.blocked", user, code);
        if (refused.is(200)) {
          failures.add("a blocked user's code was accepted: " + user.name);
          acceptedNow(user, step, code, refused);
        } else if (!refused.errorCode().equals("user_blocked")) {
          anomaly("code of blocked " + user.name + " answered " + refused.outcome());
        }
      }
    }
    unblock(user);
  }

  private void unblock(SoakUser user) throws InterruptedException {
    SoakHttp.Answer unblock =
        adminCall(
            "admin.user.unblock",
            "POST",
            "/api/v1/admin/users/" + user.name + "/unblock",
            Map.of("reason", "soak: unblock"));
    if (unblock.is(200) && unblock.json().path("status").asString().equals("active")) {
      user.blocked = false;
      user.wrongInARow = 0;
    } else {
      anomaly("unblock of " + user.name + " answered " + unblock.outcome());
    }
  }

  /**
   * At most this many resets per user: every registration start counts toward the automatic block
   * after suspicious activity ({@code autoblock.registrations.max}, 10 within an hour).
   */
  private static final int MAX_RESETS_PER_USER = 3;

  private void resetAndLink(SoakUser user) throws InterruptedException, IOException {
    if (user.resets >= MAX_RESETS_PER_USER) {
      adminReads(user);
      return;
    }
    user.resets++;
    count("reset-mfa+link");
    SoakHttp.Answer reset =
        adminCall(
            "admin.user.reset-mfa",
            "POST",
            "/api/v1/admin/users/" + user.name + "/reset-mfa",
            Map.of("reason", "soak: new phone"));
    if (!reset.is(200)) {
      anomaly("reset-mfa of " + user.name + " answered " + reset.outcome());
      return;
    }
    user.secret = null;
    if (reset.json().path("status").asString().equals("blocked")) {
      // Locked out by its last wrong codes: a link for a blocked account does not open.
      unblock(user);
    }
    SoakHttp.Answer link =
        adminCall(
            "admin.user.registration-link",
            "POST",
            "/api/v1/admin/users/" + user.name + "/registration-link",
            Map.of());
    if (!link.is(201)) {
      anomaly("registration link for " + user.name + " answered " + link.outcome());
      return;
    }
    String url = link.json().path("url").asString();
    String token = url.substring(url.indexOf("/enroll/") + "/enroll/".length());
    try (WizardSession wizard = new WizardSession(options.base(), deadline, http)) {
      user.secret = wizard.registerWithLink(token);
      registeredNow(user);
    } catch (WizardSession.StepFailed e) {
      // No method now (the reset removed it): the final check expects none.
      if (e.getMessage().contains("answered 423")) {
        // Blocked automatically (e.g. too many registrations): the server's rule, not a fault.
        anomaly("registration through a link for " + user.name + ": " + e.getMessage());
        user.blocked = true;
      } else {
        failures.add("registration through a link for " + user.name + ": " + e.getMessage());
      }
    }
  }

  private void adminReads(SoakUser user) throws InterruptedException {
    count("admin.reads");
    SoakHttp.Answer view =
        adminCall("admin.user.get", "GET", "/api/v1/admin/users/" + user.name, null);
    if (view.is(200)) {
      int methods = view.json().path("methods").size();
      boolean unknown = user.kind == SoakUser.Kind.TOTP && user.secret == null;
      if (methods != user.expectedMethods() && !unknown) {
        anomaly(user.name + " has " + methods + " methods during the run");
      }
    } else {
      anomaly("user view of " + user.name + " answered " + view.outcome());
    }
    switch (ThreadLocalRandom.current().nextInt(3)) {
      case 0 ->
          adminCall(
              "admin.audit.search",
              "GET",
              "/api/v1/admin/audit?limit=50&username=" + enc(user.name),
              null);
      case 1 ->
          adminCall(
              "admin.user.notices", "GET", "/api/v1/admin/users/" + user.name + "/notices", null);
      default ->
          adminCall(
              "admin.user.list", "GET", "/api/v1/admin/users?limit=20&q=" + enc(prefix), null);
    }
  }

  /** A setting changed (PATCH), then later the whole earlier policy put back (PUT). */
  private void policyRound() throws InterruptedException {
    nextPolicyNanos = System.nanoTime() + Duration.ofSeconds(150).toNanos();
    SoakHttp.Answer current = adminCall("admin.policy.get", "GET", "/api/v1/admin/policy", null);
    long version = current.json().path("version").asLong();
    JsonNode settings = current.json().path("settings");
    if (settings.path("lockout.threshold").asInt()
        == toInt(originalPolicy.get("lockout.threshold"))) {
      count("policy.change");
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("reason", "soak: a change");
      body.put("ifVersion", version);
      body.put(
          "settings",
          Map.of(
              "lockout.threshold",
              toInt(originalPolicy.get("lockout.threshold")) + 2,
              "push.max-open",
              5));
      SoakHttp.Answer changed =
          adminCall("admin.policy.patch", "PATCH", "/api/v1/admin/policy", body);
      if (!changed.is(200)) {
        anomaly("policy change answered " + changed.outcome());
      }
    } else {
      count("policy.restore");
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("reason", "soak: restore");
      body.put("ifVersion", version);
      body.put("settings", originalPolicy);
      SoakHttp.Answer restored = adminCall("admin.policy.put", "PUT", "/api/v1/admin/policy", body);
      if (!restored.is(200)) {
        anomaly("policy restore answered " + restored.outcome());
      }
    }
    adminCall("admin.policy.history", "GET", "/api/v1/admin/policy/history?limit=5", null);
  }

  /** An admin API call; on a 401 (e.g. the login is too old) it signs in again and retries once. */
  private SoakHttp.Answer adminCall(String kind, String method, String path, Object body)
      throws InterruptedException {
    for (int attempt = 0; ; attempt++) {
      String header = admin.header();
      HttpRequest.Builder request = http.request(path).header("Authorization", header);
      if (body == null) {
        request.method(method, HttpRequest.BodyPublishers.noBody());
      } else {
        request.header("Content-Type", "application/json").method(method, SoakHttp.json(body));
      }
      SoakHttp.Answer answer = http.send(kind, request.build());
      if (answer.is(401) && attempt == 0 && admin.refused(header)) {
        anomaly(kind + " answered " + answer.outcome() + "; signed in again");
        continue;
      }
      return answer;
    }
  }

  // ---- The report every minute ----------------------------------------------------------------

  private void reportLoop() {
    while (!stopping) {
      try {
        Thread.sleep(Duration.ofSeconds(options.reportSeconds()));
      } catch (InterruptedException e) {
        return;
      }
      if (!stopping) {
        report(stats.roll(), false);
      }
    }
  }

  private synchronized void report(SoakStats.Interval interval, boolean last) {
    long elapsed = (System.nanoTime() - startNanos) / 1_000_000_000L;
    long rss = statusField("VmRSS");
    long fds = files();
    long threads = statusField("Threads");
    long heap = heapUsed();
    long s5 = interval.serverErrorCount();
    String line =
        String.format(
            Locale.ROOT,
            "%s t=%4ds%s requests %d (2xx %d, 3xx %d, 4xx %d, 5xx %d, no answer %d) | RSS %.1f MiB,"
                + " fds %d, threads %d, heap %.1f MiB | users %d | %s",
            Instant.now().truncatedTo(ChronoUnit.SECONDS),
            elapsed,
            last ? " (last)" : "",
            interval.requests.sum(),
            interval.count("2"),
            interval.count("3"),
            interval.count("4"),
            s5,
            interval.count("timeout") + interval.count("error"),
            rss / 1024.0,
            fds,
            threads,
            heap / 1048576.0,
            everyone.size(),
            errorCodes(interval));
    out.println(line);
    if (s5 > 0) {
      out.println("  5xx: " + SoakStats.Interval.sorted(interval.serverErrors));
    }
    try {
      Files.writeString(
          Path.of(options.out() + ".csv"),
          String.format(
              Locale.ROOT,
              "%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%.1f,%d,%d,%.1f,%d%n",
              elapsed,
              interval.requests.sum(),
              interval.count("2"),
              interval.count("3"),
              interval.count("4"),
              s5,
              interval.count("timeout") + interval.count("error"),
              countOf(interval, "verify.right"),
              countOf(interval, "verify.wrong") + countOf(interval, "verify.replay"),
              countOf(interval, "push.create") + countOf(interval, "push.create-leave"),
              rss / 1024.0,
              fds,
              threads,
              heap / 1048576.0,
              everyone.size()),
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("at", Instant.now().toString());
      json.put("elapsedSeconds", elapsed);
      json.put("requests", interval.requests.sum());
      json.put("kinds", SoakStats.Interval.sorted(interval.kinds));
      json.put("outcomes", SoakStats.Interval.sorted(interval.outcomes));
      json.put("serverErrors", SoakStats.Interval.sorted(interval.serverErrors));
      json.put("serverRssKiB", rss);
      json.put("serverOpenFiles", fds);
      json.put("serverThreads", threads);
      json.put("heapUsedBytes", heap);
      json.put("users", everyone.size());
      json.put("adminLogins", admin == null ? 0 : admin.logins());
      Files.writeString(
          Path.of(options.out() + ".jsonl"),
          SoakHttp.JSON.writeValueAsString(json) + "\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long countOf(SoakStats.Interval interval, String kind) {
    var adder = interval.kinds.get(kind);
    return adder == null ? 0 : adder.sum();
  }

  /** The error answers (4xx and 5xx) by status and code, e.g. {@code 422 code_reused=12}. */
  private static String errorCodes(SoakStats.Interval interval) {
    Map<String, Long> errors = new TreeMap<>(SoakStats.Interval.sorted(interval.outcomes));
    errors.keySet().removeIf(k -> k.startsWith("2") || k.startsWith("3"));
    return errors.toString();
  }

  private void writeCsvHeader() throws IOException {
    Path csv = Path.of(options.out() + ".csv");
    if (!Files.exists(csv)) {
      Files.writeString(
          csv,
          "elapsed_s,requests,2xx,3xx,4xx,5xx,no_answer,verify_right,verify_wrong_or_replay,"
              + "push_created,server_rss_mib,server_fds,server_threads,heap_used_mib,users\n");
    }
  }

  private long statusField(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + options.pid() + "/status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.substring(field.length() + 1).strip().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  private long files() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/" + options.pid() + "/fd"))) {
      return fds.count();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * The heap in use (the sum of {@code jvm_memory_used_bytes{area="heap"}}) from {@code
   * /actuator/prometheus} as the administrator; -1 if it cannot be read.
   */
  private long heapUsed() {
    try {
      String header = admin.header();
      SoakHttp.Answer answer =
          http.send(
              "actuator.prometheus",
              http.request("/actuator/prometheus")
                  .header("Authorization", header)
                  .header("Accept", "text/plain")
                  .GET()
                  .build());
      if (!answer.is(200)) {
        return -1;
      }
      double heap = 0;
      for (String line : answer.body().split("\n")) {
        if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
          heap +=
              Double.parseDouble(
                  line.substring(line.lastIndexOf('}') + 1).strip().split("\\s+")[0]);
        }
      }
      return (long) heap;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    } catch (RuntimeException e) {
      return -1;
    }
  }

  // ---- The checks at the end ----------------------------------------------------------------

  private int finalChecks() throws InterruptedException {
    // Challenges left alone: wait until the last has expired, then read each.
    Instant latest = Instant.now();
    for (SoakUser user : everyone) {
      for (String[] c : user.expiring) {
        Instant at = Instant.parse(c[1]).plusSeconds(3);
        latest = at.isAfter(latest) ? at : latest;
      }
    }
    // Notices: the sender polls every 10 s; give the last ones time to go out.
    Instant until =
        latest.isAfter(Instant.now().plusSeconds(25)) ? latest : Instant.now().plusSeconds(25);
    Thread.sleep(Math.max(0, until.toEpochMilli() - System.currentTimeMillis()));
    for (SoakUser user : everyone) {
      checkExpired(user, true);
    }
    Map<String, Object> results = new LinkedHashMap<>();

    // 1. No code accepted twice (the tool's record; a failure was noted as it happened).
    long doubles = accepted.values().stream().filter(n -> n > 1).count();
    results.put("codesAccepted", accepted.size());
    results.put("codesAcceptedTwice", doubles);

    // 2. Every acceptance of /api/v1/verify has its verification.accepted row, once.
    List<JsonNode> allRows = auditAll("verification.accepted");
    List<JsonNode> rows = ours(allRows);
    Map<String, Integer> byCorrelation = new TreeMap<>();
    for (JsonNode row : rows) {
      byCorrelation.merge(row.path("correlationId").asString(), 1, Integer::sum);
    }
    int missing = 0;
    int duplicated = 0;
    int unseen = 0;
    for (JsonNode row : rows) {
      if (!acceptedCorrelations.contains(row.path("correlationId").asString())) {
        unseen++;
      }
    }
    for (String id : acceptedCorrelations) {
      int n = byCorrelation.getOrDefault(id, 0);
      if (n == 0) {
        missing++;
      } else if (n > 1) {
        duplicated++;
      }
    }
    results.put("acceptancesSeen", acceptedCorrelations.size());
    results.put("verificationAcceptedRows", allRows.size());
    results.put("verificationAcceptedRowsOfSoakUsers", rows.size());
    results.put("acceptancesWithoutAuditRow", missing);
    results.put("acceptancesWithSeveralRows", duplicated);
    results.put("auditAcceptancesTheToolDidNotSee", unseen);
    if (unseen > 0) {
      failures.add(
          unseen + " verification.accepted rows of soak users the tool never saw accepted");
    }
    if (missing > 0 || duplicated > 0) {
      failures.add(
          missing
              + " accepted codes have no verification.accepted row, "
              + duplicated
              + " have several");
    }

    // 3. Every user's methods as registered: nothing half-registered.
    int wrongMethods = 0;
    for (SoakUser user : everyone) {
      SoakHttp.Answer view =
          adminCall("check.user", "GET", "/api/v1/admin/users/" + user.name, null);
      JsonNode methods = view.json().path("methods");
      String expectedKind = user.kind == SoakUser.Kind.PUSH ? "push" : "totp";
      boolean ok = view.is(200) && methods.size() == user.expectedMethods();
      for (JsonNode m : methods) {
        ok &= m.path("kind").asString().equals(expectedKind);
      }
      if (user.kind == SoakUser.Kind.TOTP && user.secret == null) {
        ok = view.is(200) && methods.isEmpty();
      }
      if (!ok) {
        wrongMethods++;
        failures.add(user.name + " (" + user.kind + "): " + view.outcome() + " methods " + methods);
      }
    }
    results.put("usersChecked", everyone.size());
    results.put("usersWithUnexpectedMethods", wrongMethods);

    // 4. Notices: none audited notice.sent twice, none failed, the sink got each.
    // This run's users only: the sink saw this run's mail only.
    List<JsonNode> sent = ours(auditAll("notice.sent"));
    Map<String, Integer> noticeIds = new TreeMap<>();
    for (JsonNode row : sent) {
      Matcher m = NOTICE_ID.matcher(row.path("detail").asString(""));
      noticeIds.merge(m.find() ? m.group(1) : "?", 1, Integer::sum);
    }
    long noticeTwice = noticeIds.values().stream().filter(n -> n > 1).count();
    List<JsonNode> failed = ours(auditAll("notice.failed"));
    results.put("noticeSentRows", sent.size());
    results.put("noticesSentTwice", noticeTwice);
    results.put("noticeFailedRows", failed.size());
    if (noticeTwice > 0 || noticeIds.containsKey("?")) {
      failures.add(noticeTwice + " notices audited notice.sent more than once");
    }
    if (!failed.isEmpty()) {
      failures.add(failed.size() + " notices failed");
    }
    int pending = 0;
    Map<String, Integer> noticeStates = new TreeMap<>();
    for (SoakUser user : everyone) {
      SoakHttp.Answer list =
          adminCall(
              "check.notices",
              "GET",
              "/api/v1/admin/users/" + user.name + "/notices?limit=100",
              null);
      for (JsonNode n : list.json().path("notices")) {
        String state = n.path("status").asString();
        noticeStates.merge(state, 1, Integer::sum);
        if (state.equals("pending") || state.equals("sending")) {
          pending++;
        }
      }
    }
    results.put("soakUsersNoticesByStatus", noticeStates);
    if (mail != null) {
      results.put("smtpMessages", mail.messages());
      results.put("smtpRepeatedBodies", mail.repeatedBodies());
      results.put("smtpErrors", mail.errors());
      if (mail.messages() != sent.size()) {
        failures.add(
            "the SMTP sink got "
                + mail.messages()
                + " messages, the audit has "
                + sent.size()
                + " notice.sent rows");
      }
    }
    if (pending > 0) {
      anomaly(pending + " notices still pending or sending at the end");
    }

    // 5. Push.
    results.put("pushApproved", approved.get());
    results.put("pushExpiredAsExpected", expiredAsExpected.get());

    SoakStats.Interval total = stats.total();
    long serverErrors = total.serverErrorCount();
    results.put("requests", total.requests.sum());
    results.put("outcomes", SoakStats.Interval.sorted(total.outcomes));
    results.put("kinds", SoakStats.Interval.sorted(total.kinds));
    results.put("serverErrors", SoakStats.Interval.sorted(total.serverErrors));
    results.put("actions", new TreeMap<>(actions));
    results.put("adminLogins", admin.logins());
    results.put("anomalies", anomalyCount.get());
    results.put("anomalyExamples", new ArrayList<>(anomalies));
    results.put("failures", failures);
    if (serverErrors > 0) {
      failures.add(
          serverErrors + " answers were 5xx: " + SoakStats.Interval.sorted(total.serverErrors));
    }
    results.put("passed", failures.isEmpty());
    try {
      Files.writeString(
          Path.of(options.out() + ".jsonl"),
          SoakHttp.JSON.writeValueAsString(Map.of("final", results)) + "\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    results.forEach(
        (k, v) -> {
          if (!k.equals("kinds") && !k.equals("anomalyExamples")) {
            out.println("  " + k + ": " + v);
          }
        });
    out.println("  anomalies (first " + anomalies.size() + "):");
    anomalies.stream().limit(40).forEach(a -> out.println("    " + a));
    out.println(failures.isEmpty() ? "SoakLoad: PASSED" : "SoakLoad: FAILED");
    return failures.isEmpty() ? 0 : 1;
  }

  /** The rows about this run's users. */
  private List<JsonNode> ours(List<JsonNode> rows) {
    return rows.stream().filter(r -> r.path("username").asString("").startsWith(prefix)).toList();
  }

  /** Every audit row of a type, oldest first, paged by time (1000 a page). */
  private List<JsonNode> auditAll(String type) throws InterruptedException {
    List<JsonNode> rows = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    String from = null;
    for (int page = 0; page < 1000; page++) {
      String path =
          "/api/v1/admin/audit?limit=1000&type="
              + enc(type)
              + (from == null ? "" : "&from=" + enc(from));
      SoakHttp.Answer answer = adminCall("check.audit", "GET", path, null);
      if (!answer.is(200)) {
        failures.add("audit search " + type + " answered " + answer.outcome());
        return rows;
      }
      int added = 0;
      JsonNode events = answer.json().path("events");
      for (JsonNode row : events) {
        if (seen.add(row.toString())) {
          rows.add(row);
          added++;
        }
      }
      if (events.size() < 1000 || added == 0) {
        return rows;
      }
      from = events.get(events.size() - 1).path("at").asString();
    }
    return rows;
  }

  // ---- Small things ---------------------------------------------------------------------------

  private void anomaly(String what) {
    anomalyCount.incrementAndGet();
    if (anomalies.size() < MAX_ANOMALIES) {
      anomalies.add(Instant.now().truncatedTo(ChronoUnit.SECONDS) + " " + what);
    }
  }

  private static String enc(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static int toInt(Object value) {
    return value instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(value));
  }

  private static Map<String, Object> toMap(JsonNode node) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (var e : node.properties()) {
      map.put(e.getKey(), SoakHttp.JSON.convertValue(e.getValue(), Object.class));
    }
    return map;
  }
}
