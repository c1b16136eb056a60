package io.latchkey.bench;

import io.latchkey.core.push.ActivationUri;
import io.latchkey.core.push.Decision;
import io.latchkey.core.push.DeviceSignatures;
import io.latchkey.core.push.KeyAlgorithm;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A benchmark of push delivery over HTTP: not a test, and never part of the build's test run.
 * Against a running server on this machine it
 *
 * <ol>
 *   <li>creates {@code --devices} users as the administrator and registers one push device for each
 *       as docs/PUSH-PROTOCOL.md says: the wizard's push path in a cookie-jar browser (sign in,
 *       "push approval", read the activation link under the QR code), an Ed25519 key, a signed
 *       {@code POST /api/v1/device/activate}, the number the page then shows, a signed listing of
 *       the device's challenges and a signed approval of the registration's test request;
 *   <li>opens one server-sent-event stream per device and waits for each {@code ready}; reads the
 *       server's resident memory, heap (after a full GC, by {@code jcmd}) and {@code
 *       latchkey_devices_connected} before and after: the memory of a connected idle device;
 *   <li>sends {@code --challenges} sign-in requests ({@code POST /api/v1/push/challenges}, API key)
 *       to random users, {@code --concurrency} in flight or {@code --rate} per second, and times
 *       each from just before its POST to the moment its {@code event: challenge} (same challenge
 *       ID, the user's own ID and name in the data) is read on that user's stream; one that does
 *       not arrive within {@code --delivery-timeout} is lost;
 *   <li>with {@code --ramp}, opens more streams (several per device, round robin) up to each level
 *       in turn, reads the same figures at each, sends {@code --probe} requests to check that the
 *       streams still deliver, and stops at the first level where a stream fails or drops.
 * </ol>
 *
 * <p>It only talks to 127.0.0.1, localhost or ::1, never follows a redirect, and stops by itself at
 * {@code --max-seconds}. The challenges are left pending (the server expires them): answering them
 * with a denial would pause the users' pushes after three. Exit status: 0 when everything was
 * delivered and every stream stayed up (a ramp that stops at a level is expected, not an error), 1
 * otherwise, 2 for a command-line mistake, 3 when the time cap cut the run short.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.latchkey.bench.PushLoad --url http://127.0.0.1:8080 \
 *     --data DATA --devices 1000 --challenges 2000 --ramp 2000,5000,8000,10000,15000
 * </pre>
 */
public final class PushLoad {
  static final String USER_AGENT = "latchkey-pushload/1.0";

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String STREAM = "/api/v1/device/stream";
  private static final String ACTIVATE = "/api/v1/device/activate";
  private static final String CHALLENGES = "/api/v1/device/challenges";

  /**
   * A registered push device.
   *
   * @param index its user's number in this run
   * @param username its user
   * @param userId its user's ID
   * @param deviceId the ID the server gave at activation
   * @param key its Ed25519 private key
   */
  record Device(int index, String username, UUID userId, UUID deviceId, PrivateKey key) {}

  /** One user's registration: the device, or why there is none. */
  private record Registration(Device device, long nanos, long signInNanos, String failure) {}

  /**
   * One challenge request: when it was sent and answered (whether the server answered at all), what
   * came back, and on how many streams of its device it should arrive.
   */
  private record Sent(
      Device device,
      int expectedCopies,
      long startNanos,
      long endNanos,
      boolean answered,
      String outcome,
      String challengeId) {
    boolean created() {
      return challengeId != null;
    }
  }

  /** A challenge event read on a stream. */
  private record Arrival(DeviceStream stream, long nanos, boolean wellFormed) {}

  /** The outcome of opening a batch of streams. */
  private record Opened(
      List<DeviceStream> streams, int failed, Map<String, Integer> failures, double seconds) {}

  private final PushOptions options;
  private final Deadline deadline;
  private final PrintStream out;
  private final HttpClient http;
  private final HttpClient streamsHttp;
  private final ExecutorService streamsExecutor;
  private final String adminAuthorization;
  private final Map<String, Object> figures = new LinkedHashMap<>();
  private final Map<String, ConcurrentLinkedQueue<Arrival>> arrivals = new ConcurrentHashMap<>();
  private final List<DeviceStream> streams = new CopyOnWriteArrayList<>();
  private final Map<Integer, List<DeviceStream>> streamsByDevice = new ConcurrentHashMap<>();
  private final AtomicInteger dropped = new AtomicInteger();
  private final Map<String, Integer> dropReasons = new ConcurrentHashMap<>();
  private final AtomicInteger malformed = new AtomicInteger();
  private final ConcurrentLinkedQueue<Long> keepAliveTimes = new ConcurrentLinkedQueue<>();
  private final long startNanos = System.nanoTime();
  private ServerProbe probe;
  private boolean unexpected;

  private PushLoad(PushOptions options, Deadline deadline, PrintStream out) {
    this.options = options;
    this.deadline = deadline;
    this.out = out;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    this.streamsExecutor = Executors.newVirtualThreadPerTaskExecutor();
    this.streamsHttp =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .executor(streamsExecutor)
            .build();
    this.adminAuthorization =
        AdminAuthorization.header(options.adminUser(), options.adminPassword());
  }

  public static void main(String[] args) throws InterruptedException {
    PushOptions options;
    try {
      options = PushOptions.parse(args);
    } catch (LoadOptions.HelpRequested e) {
      System.out.print(PushOptions.USAGE);
      return;
    } catch (LoadOptions.UsageException e) {
      System.err.println("PushLoad: " + e.getMessage());
      System.err.print(PushOptions.USAGE);
      System.exit(2);
      return;
    }
    Duration budget = Duration.ofSeconds(options.maxSeconds());
    startWatchdog(budget.plusSeconds(60));
    PushLoad load = new PushLoad(options, new Deadline(budget), System.out);
    int status;
    try {
      status = load.run();
    } finally {
      load.closeAll();
    }
    System.exit(status);
  }

  /** The last resort if something hangs past every time-out: end the JVM. */
  private static void startWatchdog(Duration after) {
    Thread.ofPlatform()
        .daemon()
        .name("pushload-watchdog")
        .start(
            () -> {
              try {
                Thread.sleep(after);
              } catch (InterruptedException e) {
                return;
              }
              System.err.println("PushLoad: still running 60 s after --max-seconds; stopping.");
              System.err.flush();
              Runtime.getRuntime().halt(3);
            });
  }

  private int run() throws InterruptedException {
    out.printf(
        Locale.ROOT,
        "Latchkey push load: %s, %d devices, %d challenges (%s), ramp %s, cap %d s%n",
        options.base(),
        options.devices(),
        options.challenges(),
        options.rate() > 0
            ? String.format(Locale.ROOT, "%.0f/s open loop", options.rate())
            : options.concurrency() + " in flight",
        options.ramp().isEmpty() ? "none" : options.ramp(),
        options.maxSeconds());
    out.printf(
        Locale.ROOT,
        "client: %d CPUs, Java %s (%s), max heap %s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"),
        ServerProbe.mib(Runtime.getRuntime().maxMemory()));
    figures.put("url", options.base());
    figures.put("devices", options.devices());
    figures.put("challenges", options.challenges());
    figures.put("concurrency", options.concurrency());
    figures.put("rate", options.rate());
    figures.put("connectConcurrency", options.connectConcurrency());
    figures.put("ramp", options.ramp());
    figures.put("startedAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    figures.put("clientCpus", Runtime.getRuntime().availableProcessors());
    figures.put("javaVersion", System.getProperty("java.version"));
    boolean complete = false;
    try {
      long pid = options.serverPid() > 0 ? options.serverPid() : findServer();
      probe = new ServerProbe(http, options.base(), adminAuthorization, pid, options.gc());
      figures.put("serverPid", pid);
      out.println("server: pid " + pid + " (" + commandLine(pid) + ")");
      String token = createApiKey();
      ServerProbe.Reading start = probe.read();
      out.println("server at start: " + start.text());
      figures.put("atStart", start.json());

      List<Device> devices = registerAll();
      connectIdle(devices);
      if (options.challenges() > 0) {
        figures.put(
            "delivery",
            deliver("delivery", devices, options.challenges(), options.rate(), token, true));
      }
      if (!options.ramp().isEmpty()) {
        ramp(devices, token);
      }
      complete = !deadline.passed();
      hold();
    } catch (Deadline.Exceeded e) {
      out.println("stopped: the --max-seconds cap was reached before the run was complete");
    } catch (SetupFailed e) {
      out.println("stopped: " + e.getMessage());
      unexpected = true;
    }
    figures.put("complete", complete);
    figures.put("asExpected", complete && !unexpected);
    writeJson();
    if (!complete && deadline.passed()) {
      return 3;
    }
    return unexpected || !complete ? 1 : 0;
  }

  /** Something the rest of the run needs failed. */
  private static final class SetupFailed extends RuntimeException {
    SetupFailed(String message) {
      super(message, null, false, false);
    }
  }

  private long findServer() {
    int port = URI.create(options.base()).getPort();
    return ServerProbe.listeningPid(port)
        .orElseThrow(
            () ->
                new SetupFailed(
                    "no process of this machine listens on port "
                        + port
                        + " (or it is not readable): pass --server-pid"));
  }

  private static String commandLine(long pid) {
    try {
      String text = Files.readString(Path.of("/proc/" + pid + "/cmdline"), StandardCharsets.UTF_8);
      String line = text.replace('\0', ' ').strip();
      return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    } catch (IOException e) {
      return "command line not readable";
    }
  }

  // ---- 1. Users and push devices -------------------------------------------------------------

  private String createApiKey() throws InterruptedException {
    HttpResponse<String> response;
    try {
      response =
          http.send(
              adminPost("/api/v1/admin/api-keys", Map.of("name", options.prefix() + "api-key")),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new SetupFailed("cannot reach " + options.base() + ": " + e);
    }
    if (response.statusCode() != 201) {
      throw new SetupFailed(
          "creating the API key answered "
              + outcome(response)
              + (response.statusCode() == 401 ? AdminAuthorization.HINT : ""));
    }
    String token = JSON.readTree(response.body()).path("token").asString();
    if (token.isEmpty()) {
      throw new SetupFailed("the API key answer has no token");
    }
    return token;
  }

  private List<Device> registerAll() throws InterruptedException {
    int n = options.devices();
    String password = randomPassword();
    progress(
        "creating "
            + n
            + " users and registering a push device for each, "
            + options.concurrency()
            + " at a time");
    ServerProbe.Cpu cpu = probe.cpu();
    Ran<Registration> ran = runAll(n, options.concurrency(), i -> registerOne(i, password));
    Map<String, Object> cpuUse = probe.cpu().since(cpu);
    List<Device> devices = new ArrayList<>();
    Map<String, Integer> failures = new TreeMap<>();
    List<Long> whole = new ArrayList<>();
    List<Long> signIn = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Registration r = ran.result(i, new Registration(null, 0, 0, "not run (time cap)"));
      if (r.device() != null) {
        devices.add(r.device());
        whole.add(r.nanos());
        signIn.add(r.signInNanos());
      } else {
        failures.merge(r.failure(), 1, Integer::sum);
      }
    }
    double seconds = ran.seconds();
    Latencies wholeLatency = Latencies.ofNanos(toArray(whole));
    Latencies signInLatency = Latencies.ofNanos(toArray(signIn));
    out.printf(
        Locale.ROOT,
        "registration: %d/%d push devices registered in %.1f s = %.1f/s (per device: user"
            + " creation, 7 wizard pages, activation, listing, approval)%n",
        devices.size(),
        n,
        seconds,
        devices.size() / seconds);
    out.println("              per device: " + wholeLatency.text());
    out.println("              POST /login alone: " + signInLatency.text());
    out.println("              " + ServerProbe.Cpu.text(cpuUse));
    if (!failures.isEmpty()) {
      out.println("              failures: " + failures);
      unexpected = true;
    }
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("registered", devices.size());
    f.put("seconds", Latencies.round(seconds));
    f.put("perSecond", Latencies.round(devices.size() / seconds));
    f.put("latencyMs", wholeLatency.json());
    f.put("signInLatencyMs", signInLatency.json());
    f.put("cpu", cpuUse);
    f.put("failures", failures);
    figures.put("registration", f);
    if (devices.isEmpty()) {
      throw new SetupFailed("no push device could be registered: " + failures);
    }
    deadlineCheck();
    return devices;
  }

  private Registration registerOne(int index, String password) {
    String username = username(index);
    long start = System.nanoTime();
    try {
      HttpResponse<String> created =
          http.send(
              adminPost("/api/v1/admin/users", Map.of("username", username, "password", password)),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (created.statusCode() != 201) {
        return failed("creating the user answered " + outcome(created));
      }
      try (WizardSession wizard = new WizardSession(options.base(), deadline)) {
        WizardSession.PushStarted started = wizard.startPush(username, password);
        ActivationUri link = ActivationUri.parse(started.activationUri());

        KeyPair pair = KeyAlgorithm.ED25519.generate();
        Map<String, Object> posture = new LinkedHashMap<>();
        posture.put("storageEncrypted", true);
        posture.put("rooted", false);
        posture.put("notificationsEnabled", true);
        posture.put("appVersion", "pushload");
        posture.put("deviceClock", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        posture.put("overridden", true);
        Map<String, Object> activation = new LinkedHashMap<>();
        activation.put("code", link.code());
        activation.put("name", "pushload " + index);
        activation.put("keyAlgorithm", KeyAlgorithm.ED25519.wireName());
        activation.put(
            "publicKey", Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));
        activation.put("posture", posture);
        byte[] body = JSON.writeValueAsBytes(activation);
        HttpResponse<String> activated =
            http.send(
                signed("POST", ACTIVATE, body, pair.getPrivate(), null)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (activated.statusCode() != 201) {
          return failed("POST " + ACTIVATE + " answered " + outcome(activated));
        }
        JsonNode device = JSON.readTree(activated.body());
        Device registered =
            new Device(
                index,
                username,
                UUID.fromString(device.path("userId").asString()),
                UUID.fromString(device.path("deviceId").asString()),
                pair.getPrivate());

        String number = wizard.pushNumber();
        HttpResponse<String> listed =
            http.send(
                signed("GET", CHALLENGES, new byte[0], registered.key(), registered.deviceId())
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (listed.statusCode() != 200) {
          return failed("GET " + CHALLENGES + " answered " + outcome(listed));
        }
        JsonNode test = null;
        for (JsonNode challenge : JSON.readTree(listed.body()).path("challenges")) {
          if (challenge.path("purpose").asString().equals("registration_test")) {
            test = challenge;
          }
        }
        if (test == null) {
          return failed("GET " + CHALLENGES + " lists no registration_test challenge");
        }
        UUID challengeId = UUID.fromString(test.path("challengeId").asString());
        byte[] signature =
            KeyAlgorithm.ED25519.sign(
                registered.key(),
                DeviceSignatures.answer(
                    challengeId,
                    UUID.fromString(test.path("userId").asString()),
                    Instant.parse(test.path("expiresAt").asString()),
                    Decision.APPROVE,
                    number));
        Map<String, String> answer = new LinkedHashMap<>();
        answer.put("deviceId", registered.deviceId().toString());
        answer.put("decision", Decision.APPROVE.wireName());
        answer.put("number", number);
        answer.put("signature", Base64.getEncoder().encodeToString(signature));
        HttpResponse<String> approved =
            http.send(
                request(CHALLENGES + "/" + challengeId + "/answer")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(answer)))
                    .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        String status = approved.statusCode() == 200 ? statusOf(approved) : "";
        if (!status.equals("approved")) {
          return failed("answering the test request answered " + outcome(approved) + " " + status);
        }
        wizard.expectPushDone();
        return new Registration(registered, System.nanoTime() - start, started.signInNanos(), null);
      }
    } catch (Deadline.Exceeded e) {
      return failed("not run (time cap)");
    } catch (WizardSession.StepFailed e) {
      return failed(e.getMessage());
    } catch (HttpTimeoutException e) {
      return failed(deadline.passed() ? "cut off (time cap)" : e.getMessage());
    } catch (IOException | RuntimeException e) {
      return failed("error: " + describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed("interrupted");
    }
  }

  private static Registration failed(String why) {
    return new Registration(null, 0, 0, why);
  }

  // ---- 2. Idle connected devices -------------------------------------------------------------

  private void connectIdle(List<Device> devices) throws InterruptedException {
    ServerProbe.Reading before = probe.read();
    out.println("before connecting: " + before.text());
    progress(
        "opening "
            + devices.size()
            + " streams, "
            + options.connectConcurrency()
            + " being opened at a time");
    ServerProbe.Cpu cpu = probe.cpu();
    Opened opened = open(devices, false);
    Map<String, Object> cpuUse = probe.cpu().since(cpu);
    Thread.sleep(2_000);
    ServerProbe.Reading after = probe.read();
    int n = opened.streams().size();
    out.printf(
        Locale.ROOT,
        "idle streams: %d/%d ready in %.2f s = %.0f streams/s; failed %d %s%n",
        n,
        devices.size(),
        opened.seconds(),
        n / opened.seconds(),
        opened.failed(),
        opened.failures().isEmpty() ? "" : opened.failures().toString());
    out.println("              " + ServerProbe.Cpu.text(cpuUse));
    out.println("after connecting:  " + after.text());
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("streams", n);
    f.put("failed", opened.failed());
    f.put("failures", opened.failures());
    f.put("seconds", Latencies.round(opened.seconds()));
    f.put("perSecond", Latencies.round(n / opened.seconds()));
    f.put("cpu", cpuUse);
    f.put("before", before.json());
    f.put("after", after.json());
    if (n > 0) {
      double rss = (after.rssBytes() - before.rssBytes()) / (double) n;
      double rssAfterGc = (after.rssAfterGcBytes() - before.rssAfterGcBytes()) / (double) n;
      double heap = (after.heapUsedBytes() - before.heapUsedBytes()) / (double) n;
      out.printf(
          Locale.ROOT,
          "per connected device: heap %.1f KiB%s; resident %.1f KiB (%.1f KiB after a full GC)%n",
          heap / 1024,
          after.gc() ? " (live, after a full GC)" : "",
          rss / 1024,
          rssAfterGc / 1024);
      f.put("heapBytesPerDevice", Math.round(heap));
      f.put("rssBytesPerDevice", Math.round(rss));
      f.put("rssAfterGcBytesPerDevice", Math.round(rssAfterGc));
    }
    if (opened.failed() > 0 || after.devicesConnected() != n) {
      unexpected = true;
      if (after.devicesConnected() != n) {
        out.println(
            "              latchkey_devices_connected is "
                + after.devicesConnected()
                + ", not "
                + n);
      }
    }
    figures.put("idle", f);
    if (n == 0) {
      throw new SetupFailed("no stream could be opened: " + opened.failures());
    }
    deadlineCheck();
  }

  /**
   * Opens one stream per entry of {@code targets}, {@code --connect-concurrency} at a time, and
   * waits until each is ready or failed.
   *
   * @param stopAtFailure stop opening more once one failed (the ramp)
   */
  private Opened open(List<Device> targets, boolean stopAtFailure) throws InterruptedException {
    Semaphore permits = new Semaphore(options.connectConcurrency());
    AtomicInteger failed = new AtomicInteger();
    Map<String, Integer> failures = new ConcurrentHashMap<>();
    List<DeviceStream> ready = new CopyOnWriteArrayList<>();
    List<CompletableFuture<Long>> all = new ArrayList<>();
    long start = System.nanoTime();
    AtomicLong lastReady = new AtomicLong(start);
    for (Device device : targets) {
      permits.acquire();
      if (stopAtFailure && failed.get() > 0 || deadline.passed()) {
        permits.release();
        break;
      }
      DeviceStream stream = openStream(device);
      CompletableFuture<Long> done =
          stream.ready.whenComplete(
              (nanos, failure) -> {
                if (failure == null) {
                  ready.add(stream);
                  lastReady.accumulateAndGet(nanos, Math::max);
                } else {
                  // Counted before the permit is released: the loop then stops handing out.
                  failed.incrementAndGet();
                  failures.merge(describe(failure), 1, Integer::sum);
                  stream.close();
                }
                permits.release();
              });
      all.add(done);
    }
    try {
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
          .get(options.readyTimeout().toSeconds() + 30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      // each failure is counted above
    } catch (TimeoutException e) {
      failures.merge("still not ready after the ready time-out", 1, Integer::sum);
    }
    // Until the last stream that became ready (not until the failures' time-outs).
    double seconds = Math.max(1, lastReady.get() - start) / 1e9;
    return new Opened(List.copyOf(ready), failed.get(), new TreeMap<>(failures), seconds);
  }

  private DeviceStream openStream(Device device) {
    DeviceStream stream = new DeviceStream(streams.size(), device, listener);
    streams.add(stream);
    streamsByDevice.computeIfAbsent(device.index(), k -> new CopyOnWriteArrayList<>()).add(stream);
    stream.ready.orTimeout(options.readyTimeout().toMillis(), TimeUnit.MILLISECONDS);
    HttpRequest request =
        signed("GET", STREAM, new byte[0], device.key(), device.deviceId())
            .header("Accept", "text/event-stream")
            .header("Cache-Control", "no-cache")
            .GET()
            .build();
    stream.exchange(streamsHttp.sendAsync(request, stream.handler()));
    return stream;
  }

  private final DeviceStream.Listener listener =
      new DeviceStream.Listener() {
        @Override
        public void challenge(DeviceStream stream, String id, String data, long nanos) {
          boolean ok;
          try {
            JsonNode event = JSON.readTree(data);
            ok =
                event.path("challengeId").asString().equals(id)
                    && event.path("userId").asString().equals(stream.device.userId().toString())
                    && event.path("username").asString().equals(stream.device.username())
                    && !event.has("number");
          } catch (JacksonException e) {
            ok = false;
          }
          if (!ok) {
            malformed.incrementAndGet();
          }
          arrivals
              .computeIfAbsent(id, k -> new ConcurrentLinkedQueue<>())
              .add(new Arrival(stream, nanos, ok));
        }

        @Override
        public void keepAlive(DeviceStream stream, long nanos) {
          keepAliveTimes.add(nanos);
        }

        @Override
        public void dropped(DeviceStream stream, String why) {
          dropped.incrementAndGet();
          dropReasons.merge(why, 1, Integer::sum);
        }
      };

  private int openStreamsOf(Device device) {
    int n = 0;
    for (DeviceStream stream : streamsByDevice.getOrDefault(device.index(), List.of())) {
      if (stream.open()) {
        n++;
      }
    }
    return n;
  }

  // ---- 3. Delivery latency -------------------------------------------------------------------

  /**
   * Sends {@code count} challenges to random devices and times each to its arrival on the streams
   * of its user.
   *
   * @param rate challenges per second (open loop), or 0 for {@code --concurrency} in flight
   * @param print the full report (else a line, for the ramp's probes)
   */
  private Map<String, Object> deliver(
      String name, List<Device> devices, int count, double rate, String token, boolean print)
      throws InterruptedException {
    deadlineCheck();
    progress(
        name
            + ": sending "
            + count
            + " challenges"
            + (rate > 0
                ? String.format(Locale.ROOT, " at %.0f/s", rate)
                : ", " + options.concurrency() + " in flight"));
    ServerProbe.Cpu cpu = probe.cpu();
    Sent[] sent = new Sent[count];
    long start = System.nanoTime();
    IntFunction<Sent> task =
        i -> {
          Device device = devices.get(ThreadLocalRandom.current().nextInt(devices.size()));
          return sendChallenge(device, token);
        };
    if (rate > 0) {
      openLoop(count, rate, task, sent);
    } else {
      Ran<Sent> ran = runAll(count, options.concurrency(), task);
      for (int i = 0; i < count; i++) {
        sent[i] = ran.results().get(i);
      }
    }
    long sendingEnded = System.nanoTime();
    waitForArrivals(sent);
    Map<String, Object> cpuUse = probe.cpu().since(cpu);
    return report(name, sent, start, sendingEnded, cpuUse, print);
  }

  private Sent sendChallenge(Device device, String token) {
    int copies = openStreamsOf(device);
    HttpRequest request;
    try {
      request =
          request("/api/v1/push/challenges")
              .header("Authorization", "Bearer " + token)
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      JSON.writeValueAsString(
                          Map.of("username", device.username(), "application", "PushLoad"))))
              .build();
    } catch (Deadline.Exceeded e) {
      return new Sent(device, copies, 0, 0, false, "not sent (time cap)", null);
    }
    long start = System.nanoTime();
    try {
      HttpResponse<String> response =
          http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      long end = System.nanoTime();
      String id = null;
      if (response.statusCode() == 201) {
        id = JSON.readTree(response.body()).path("challengeId").asString(null);
      }
      return new Sent(device, copies, start, end, true, outcome(response), id);
    } catch (HttpConnectTimeoutException e) {
      return new Sent(device, copies, start, System.nanoTime(), false, "connect timeout", null);
    } catch (HttpTimeoutException e) {
      return new Sent(device, copies, start, System.nanoTime(), false, "timeout", null);
    } catch (IOException | RuntimeException e) {
      return new Sent(
          device, copies, start, System.nanoTime(), false, "error: " + describe(e), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Sent(device, copies, start, System.nanoTime(), false, "interrupted", null);
    }
  }

  /** Starts request {@code i} at {@code start + i / rate}, whatever the earlier ones do. */
  private void openLoop(int count, double rate, IntFunction<Sent> task, Sent[] sent)
      throws InterruptedException {
    Semaphore inFlight = new Semaphore(1024);
    long start = System.nanoTime();
    long maxLag = 0;
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < count && !deadline.passed(); i++) {
        long due = start + (long) (i * 1e9 / rate);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        inFlight.acquire();
        maxLag = Math.max(maxLag, System.nanoTime() - due);
        int index = i;
        pool.execute(
            () -> {
              try {
                sent[index] = task.apply(index);
              } finally {
                inFlight.release();
              }
            });
      }
    }
    if (maxLag > 50_000_000L) {
      out.printf(
          Locale.ROOT,
          "              (the sender fell up to %.0f ms behind its schedule)%n",
          maxLag / 1e6);
    }
  }

  /** Until every created challenge reached its streams, or its delivery time-out passed. */
  private void waitForArrivals(Sent[] sent) throws InterruptedException {
    long timeout = options.deliveryTimeout().toNanos();
    while (true) {
      long now = System.nanoTime();
      boolean waiting = false;
      for (Sent s : sent) {
        if (s != null
            && s.created()
            && now - s.startNanos() < timeout
            && copiesOnOwnStreams(s) < Math.max(1, s.expectedCopies())) {
          waiting = true;
          break;
        }
      }
      if (!waiting) {
        return;
      }
      Thread.sleep(20);
    }
  }

  private int copiesOnOwnStreams(Sent s) {
    ConcurrentLinkedQueue<Arrival> list = arrivals.get(s.challengeId());
    if (list == null) {
      return 0;
    }
    int n = 0;
    for (Arrival a : list) {
      if (a.stream().device.index() == s.device().index()) {
        n++;
      }
    }
    return n;
  }

  private Map<String, Object> report(
      String name,
      Sent[] sent,
      long start,
      long sendingEnded,
      Map<String, Object> cpuUse,
      boolean print) {
    long timeout = options.deliveryTimeout().toNanos();
    Map<String, Integer> outcomes = new TreeMap<>();
    List<Long> posts = new ArrayList<>();
    List<Long> first = new ArrayList<>();
    List<Long> lastCopy = new ArrayList<>();
    int created = 0;
    int lost = 0;
    int late = 0;
    int misdelivered = 0;
    int duplicates = 0;
    int beforeAnswer = 0;
    int copiesExpected = 0;
    int copiesDelivered = 0;
    long lastArrival = start;
    for (Sent s : sent) {
      if (s == null) {
        outcomes.merge("not sent (time cap)", 1, Integer::sum);
        continue;
      }
      outcomes.merge(s.outcome(), 1, Integer::sum);
      if (s.answered()) {
        posts.add(s.endNanos() - s.startNanos());
      }
      if (!s.created()) {
        continue;
      }
      created++;
      copiesExpected += Math.max(1, s.expectedCopies());
      long firstNanos = Long.MAX_VALUE;
      long lastNanos = Long.MIN_VALUE;
      int copies = 0;
      Map<Integer, Integer> perStream = new LinkedHashMap<>();
      for (Arrival a : arrivals.getOrDefault(s.challengeId(), new ConcurrentLinkedQueue<>())) {
        if (a.stream().device.index() != s.device().index()) {
          misdelivered++;
          continue;
        }
        if (perStream.merge(a.stream().number, 1, Integer::sum) > 1) {
          duplicates++;
          continue;
        }
        if (a.nanos() - s.startNanos() > timeout) {
          continue;
        }
        copies++;
        firstNanos = Math.min(firstNanos, a.nanos());
        lastNanos = Math.max(lastNanos, a.nanos());
      }
      if (copies == 0) {
        boolean arrivedLate = perStream.size() > 0;
        lost++;
        if (arrivedLate) {
          late++;
        }
        continue;
      }
      copiesDelivered += copies;
      first.add(firstNanos - s.startNanos());
      lastCopy.add(lastNanos - s.startNanos());
      lastArrival = Math.max(lastArrival, lastNanos);
      if (firstNanos < s.endNanos()) {
        beforeAnswer++;
      }
    }
    double sendSeconds = Math.max(1, sendingEnded - start) / 1e9;
    double deliverSeconds = Math.max(1, lastArrival - start) / 1e9;
    Latencies delivery = Latencies.ofNanos(toArray(first));
    Latencies allCopies = Latencies.ofNanos(toArray(lastCopy));
    Latencies post = Latencies.ofNanos(toArray(posts));
    if (created < sent.length || lost > 0 || misdelivered > 0 || duplicates > 0) {
      unexpected = true;
    }
    if (print) {
      out.printf(
          Locale.ROOT,
          "%s: %d sent, %d created (%s); created in %.2f s = %.0f/s%n",
          name,
          sent.length,
          created,
          outcomes,
          sendSeconds,
          created / sendSeconds);
      out.println("              POST answered: " + post.text());
      out.printf(
          Locale.ROOT,
          "              delivered %d/%d, lost %d (of which %d arrived after %d s),"
              + " misdelivered %d, duplicates %d; %d/%d read on the stream before the POST's"
              + " answer; %.0f delivered/s%n",
          first.size(),
          created,
          lost,
          late,
          options.deliveryTimeout().toSeconds(),
          misdelivered,
          duplicates,
          beforeAnswer,
          first.size(),
          first.size() / deliverSeconds);
      out.println("              POST to event: " + delivery.text());
      out.println("              " + ServerProbe.Cpu.text(cpuUse));
    }
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("sent", sent.length);
    f.put("created", created);
    f.put("outcomes", outcomes);
    f.put("sendSeconds", Latencies.round(sendSeconds));
    f.put("createdPerSecond", Latencies.round(created / sendSeconds));
    f.put("deliveredPerSecond", Latencies.round(first.size() / deliverSeconds));
    f.put("delivered", first.size());
    f.put("lost", lost);
    f.put("arrivedAfterTimeout", late);
    f.put("misdelivered", misdelivered);
    f.put("duplicates", duplicates);
    f.put("readBeforePostAnswer", beforeAnswer);
    f.put("copiesExpected", copiesExpected);
    f.put("copiesDelivered", copiesDelivered);
    f.put("postLatencyMs", post.json());
    f.put("deliveryLatencyMs", delivery.json());
    f.put("allCopiesLatencyMs", allCopies.json());
    f.put("cpu", cpuUse);
    return f;
  }

  // ---- 4. Ramp -------------------------------------------------------------------------------

  private void ramp(List<Device> devices, String token) throws InterruptedException {
    List<Map<String, Object>> levels = new ArrayList<>();
    figures.put("rampLevels", levels);
    if (options.rampPause().isPositive()) {
      progress("waiting " + options.rampPause().toSeconds() + " s before the ramp");
      Thread.sleep(options.rampPause());
    }
    figures.put("rampPauseSeconds", options.rampPause().toSeconds());
    for (int level : options.ramp()) {
      deadlineCheck();
      int have = openCount();
      List<Device> targets = new ArrayList<>();
      for (int k = streams.size(); targets.size() < level - have; k++) {
        targets.add(devices.get(k % devices.size()));
      }
      progress("ramp: opening " + targets.size() + " more streams, to " + level);
      ServerProbe.Cpu cpu = probe.cpu();
      Opened opened = open(targets, true);
      Map<String, Object> cpuUse = probe.cpu().since(cpu);
      Thread.sleep(3_000);
      String health = healthOnNewConnection();
      ServerProbe.Reading reading = probe.read();
      int open = openCount();
      int droppedSoFar = dropped.get();
      boolean reached = opened.failed() == 0 && open >= level;
      out.printf(
          Locale.ROOT,
          "ramp %6d: %s; %d open (%d new in %.1f s = %.0f/s), %d failed %s, %d dropped so far%n",
          level,
          reached ? "reached" : "NOT reached",
          open,
          opened.streams().size(),
          opened.seconds(),
          opened.streams().size() / opened.seconds(),
          opened.failed(),
          opened.failures().isEmpty() ? "" : opened.failures(),
          droppedSoFar);
      out.println("              " + reading.text());
      out.println("              " + ServerProbe.Cpu.text(cpuUse));
      out.println("              a new connection's GET /actuator/health/liveness: " + health);
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("level", level);
      f.put("healthOnNewConnection", health);
      f.put("reached", reached);
      f.put("open", open);
      f.put("opened", opened.streams().size());
      f.put("failed", opened.failed());
      f.put("failures", opened.failures());
      f.put("seconds", Latencies.round(opened.seconds()));
      f.put("cpu", cpuUse);
      f.put("reading", reading.json());
      f.put("droppedSoFar", droppedSoFar);
      f.put("dropReasons", new TreeMap<>(dropReasons));
      if (options.probe() > 0 && open > 0 && reached) {
        Map<String, Object> p = deliver("probe", devices, options.probe(), 0, token, false);
        f.put("probe", p);
        out.printf(
            Locale.ROOT,
            "              probe: %s/%s delivered, %s lost, copies %s/%s;"
                + " first copy p50 %s ms p99 %s ms, last copy p99 %s ms%n",
            p.get("delivered"),
            p.get("created"),
            p.get("lost"),
            p.get("copiesDelivered"),
            p.get("copiesExpected"),
            ((Map<?, ?>) p.get("deliveryLatencyMs")).get("p50"),
            ((Map<?, ?>) p.get("deliveryLatencyMs")).get("p99"),
            ((Map<?, ?>) p.get("allCopiesLatencyMs")).get("p99"));
      }
      levels.add(f);
      if (!reached) {
        out.println("ramp stopped at " + level + ": " + open + " streams stayed open");
        figures.put("rampMaxOpen", open);
        return;
      }
      figures.put("rampMaxOpen", open);
    }
  }

  /**
   * Whether the server still takes a new connection and answers on it (a client of its own, so no
   * pooled connection): the status and the time, or the failure.
   */
  private String healthOnNewConnection() throws InterruptedException {
    try (HttpClient fresh =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build()) {
      long start = System.nanoTime();
      HttpResponse<String> response =
          fresh.send(
              HttpRequest.newBuilder(URI.create(options.base() + "/actuator/health/liveness"))
                  .timeout(Duration.ofSeconds(10))
                  .header("User-Agent", USER_AGENT)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return String.format(
          Locale.ROOT, "%d in %.0f ms", response.statusCode(), (System.nanoTime() - start) / 1e6);
    } catch (IOException e) {
      return "no answer (" + describe(e) + ")";
    }
  }

  /** {@code --hold}: keeps the streams open a while, e.g. to look at the server with jcmd. */
  private void hold() throws InterruptedException {
    if (options.hold().isZero()) {
      return;
    }
    progress(
        "holding "
            + openCount()
            + " streams open for "
            + options.hold().toSeconds()
            + " s (--hold)");
    Thread.sleep(options.hold());
    out.println("after --hold: " + openCount() + " streams open, " + dropped + " dropped");
  }

  private int openCount() {
    int n = 0;
    for (DeviceStream stream : streams) {
      if (stream.open()) {
        n++;
      }
    }
    return n;
  }

  // ---- HTTP helpers --------------------------------------------------------------------------

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(options.base() + path))
        .timeout(deadline.requestTimeout())
        .header("User-Agent", USER_AGENT)
        .header("Accept", "application/json");
  }

  /** A request signed by a device key (docs/PUSH-PROTOCOL.md §2); no device ID on activation. */
  private HttpRequest.Builder signed(
      String method, String path, byte[] body, PrivateKey key, UUID deviceId) {
    long now = Instant.now().getEpochSecond();
    byte[] signature =
        KeyAlgorithm.ED25519.sign(key, DeviceSignatures.request(method, path, now, body));
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(options.base() + path))
            .header("User-Agent", USER_AGENT)
            .header(DeviceSignatures.TIMESTAMP_HEADER, Long.toString(now))
            .header(
                DeviceSignatures.SIGNATURE_HEADER, Base64.getEncoder().encodeToString(signature));
    if (!path.equals(STREAM)) {
      builder.timeout(deadline.requestTimeout()).header("Accept", "application/json");
    }
    if (deviceId != null) {
      builder.header(DeviceSignatures.DEVICE_HEADER, deviceId.toString());
    }
    return builder;
  }

  private HttpRequest adminPost(String path, Map<String, String> body) {
    return request(path)
        .header("Authorization", adminAuthorization)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
        .build();
  }

  /** {@code 201}, {@code 429 rate_limited}, {@code 500 internal_error}... */
  private static String outcome(HttpResponse<String> response) {
    int status = response.statusCode();
    if (status / 100 == 2) {
      return Integer.toString(status);
    }
    try {
      String code = JSON.readTree(response.body()).path("error").path("code").asString("");
      return code.isEmpty() ? Integer.toString(status) : status + " " + code;
    } catch (JacksonException e) {
      return status + " (not JSON)";
    }
  }

  private static String statusOf(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body()).path("status").asString("");
    } catch (JacksonException e) {
      return "";
    }
  }

  /** A short, stable description of a failure (for counting failures by kind). */
  static String describe(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof TimeoutException) {
      return "no ready event within the ready time-out";
    }
    if (t instanceof HttpConnectTimeoutException) {
      return "connect timed out";
    }
    if (t instanceof ConnectException) {
      return "connect refused: " + Optional.ofNullable(t.getMessage()).orElse("");
    }
    String message = t.getMessage() == null ? "" : t.getMessage();
    // Drop what differs between occurrences (addresses, ports, IDs) so failures can be counted.
    message = message.replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "ID").replaceAll(":[0-9]+", ":N");
    return t.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
  }

  // ---- Running many tasks --------------------------------------------------------------------

  /** The results of {@link #runAll} by index ({@code null}: not run) and its wall-clock time. */
  private record Ran<T>(AtomicReferenceArray<T> results, long wallNanos) {
    T result(int index, T ifNotRun) {
      T result = results.get(index);
      return result == null ? ifNotRun : result;
    }

    double seconds() {
      return Math.max(wallNanos, 1) / 1e9;
    }
  }

  /** Runs {@code task} for 0..n-1 on {@code threads} threads until the time cap. */
  private <T> Ran<T> runAll(int n, int threads, IntFunction<T> task) throws InterruptedException {
    AtomicReferenceArray<T> results = new AtomicReferenceArray<>(n);
    AtomicInteger next = new AtomicInteger();
    int workers = Math.min(threads, Math.max(n, 1));
    long start = System.nanoTime();
    ExecutorService pool =
        Executors.newFixedThreadPool(workers, Thread.ofPlatform().name("push-load-", 1).factory());
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < workers; t++) {
        futures.add(
            pool.submit(
                () -> {
                  for (int i = next.getAndIncrement();
                      i < n && !deadline.passed();
                      i = next.getAndIncrement()) {
                    results.set(i, task.apply(i));
                  }
                }));
      }
      for (Future<?> future : futures) {
        try {
          future.get();
        } catch (ExecutionException e) {
          throw new IllegalStateException("a load thread failed", e.getCause());
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return new Ran<>(results, System.nanoTime() - start);
  }

  // ---- Small things --------------------------------------------------------------------------

  private void closeAll() {
    for (DeviceStream stream : streams) {
      stream.close();
    }
    http.close();
    streamsHttp.shutdownNow();
    streamsExecutor.shutdownNow();
  }

  private String username(int i) {
    return options.prefix() + String.format(Locale.ROOT, "%05d", i);
  }

  private static String randomPassword() {
    byte[] bytes = new byte[12];
    new SecureRandom().nextBytes(bytes);
    return "pw-" + HexFormat.of().formatHex(bytes);
  }

  private void deadlineCheck() {
    if (deadline.passed()) {
      throw new Deadline.Exceeded();
    }
  }

  private static void progress(String message) {
    System.err.println(
        "PushLoad " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + ": " + message + " ...");
  }

  private static long[] toArray(List<Long> values) {
    long[] array = new long[values.size()];
    for (int i = 0; i < array.length; i++) {
      array[i] = values.get(i);
    }
    return array;
  }

  /**
   * The server's keep-alive rounds as the streams saw them: comments read with less than 3 s
   * between them belong to one round (the server sends one to every stream every 15 s, one stream
   * after the other), so a round's span is how long the server took to go through its streams.
   */
  private void keepAliveRounds() {
    long[] times = keepAliveTimes.stream().mapToLong(Long::longValue).sorted().toArray();
    List<Map<String, Object>> rounds = new ArrayList<>();
    int first = 0;
    for (int i = 1; i <= times.length; i++) {
      if (i == times.length || times[i] - times[i - 1] > 3_000_000_000L) {
        Map<String, Object> round = new LinkedHashMap<>();
        round.put("atSecond", Latencies.round((times[first] - startNanos) / 1e9));
        round.put("comments", i - first);
        round.put("spanMs", Latencies.round((times[i - 1] - times[first]) / 1e6));
        rounds.add(round);
        first = i;
      }
    }
    figures.put("keepAliveRounds", rounds);
    rounds.stream()
        .max(
            java.util.Comparator.comparingInt(
                (Map<String, Object> r) -> (Integer) r.get("comments")))
        .ifPresent(
            largest ->
                out.println(
                    "keep-alive: "
                        + rounds.size()
                        + " rounds seen; the largest reached "
                        + largest.get("comments")
                        + " streams in "
                        + largest.get("spanMs")
                        + " ms (first to last comment)"));
  }

  private void writeJson() {
    keepAliveRounds();
    figures.put("droppedStreams", dropped.get());
    figures.put("dropReasons", new TreeMap<>(dropReasons));
    figures.put("malformedEvents", malformed.get());
    if (dropped.get() > 0) {
      out.println("streams dropped by the server or the network: " + dropped + " " + dropReasons);
    }
    if (malformed.get() > 0) {
      out.println("challenge events whose data did not match their stream: " + malformed);
      unexpected = true;
    }
    if (options.json() == null) {
      return;
    }
    try {
      Path file = options.json();
      Files.writeString(
          file,
          JSON.writerWithDefaultPrettyPrinter().writeValueAsString(figures) + "\n",
          StandardCharsets.UTF_8);
      out.println("figures written to " + file);
    } catch (IOException | JacksonException e) {
      System.err.println("PushLoad: cannot write " + options.json() + ": " + e);
      unexpected = true;
    }
  }
}
