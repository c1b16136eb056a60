package io.latchkey.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the load generator reads about the server process and this machine: resident memory, threads
 * and open files from {@code /proc}, the heap and the connected devices from the Prometheus
 * endpoint (as the administrator), CPU time from {@code /proc/PID/stat} and {@code /proc/stat}.
 * Linux only; a value that cannot be read is -1.
 */
final class ServerProbe {
  /** Clock ticks per second of {@code /proc/.../stat} ({@code getconf CLK_TCK}: 100 on Linux). */
  private static final double TICKS = 100.0;

  /**
   * One reading.
   *
   * @param rssBytes the server's resident set ({@code VmRSS}) as found, before the full GC
   * @param rssAfterGcBytes the server's resident set 1 s after the full GC (G1 may give memory back
   *     to the system then), or as found without one
   * @param heapUsedBytes the sum of {@code jvm_memory_used_bytes{area="heap"}}
   * @param devicesConnected {@code latchkey_devices_connected}
   * @param threads the server's threads ({@code Threads} of /proc/PID/status)
   * @param files the server's open file descriptors
   * @param clientRssBytes this load generator's resident set
   * @param clientFiles this load generator's open file descriptors
   * @param gc whether a full GC ran just before (jcmd GC.run)
   */
  record Reading(
      long rssBytes,
      long rssAfterGcBytes,
      long heapUsedBytes,
      long devicesConnected,
      int threads,
      int files,
      long clientRssBytes,
      int clientFiles,
      boolean gc) {
    Map<String, Object> json() {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("serverRssBytes", rssBytes);
      out.put("serverRssAfterGcBytes", rssAfterGcBytes);
      out.put("serverHeapUsedBytes", heapUsedBytes);
      out.put("devicesConnected", devicesConnected);
      out.put("serverThreads", threads);
      out.put("serverOpenFiles", files);
      out.put("clientRssBytes", clientRssBytes);
      out.put("clientOpenFiles", clientFiles);
      out.put("heapAfterFullGc", gc);
      return out;
    }

    String text() {
      return String.format(
          Locale.ROOT,
          "server RSS %s%s, heap used %s%s, latchkey_devices_connected %d, %d threads, %d open"
              + " files; client RSS %s, %d open files",
          mib(rssBytes),
          gc ? " (" + mib(rssAfterGcBytes) + " after a full GC)" : "",
          mib(heapUsedBytes),
          gc ? " (after a full GC)" : "",
          devicesConnected,
          threads,
          files,
          mib(clientRssBytes),
          clientFiles);
    }
  }

  /** CPU used between two {@link #cpu()} calls, in % of one core. */
  record Cpu(long serverTicks, long clientTicks, long allBusyTicks, long nanos) {
    Map<String, Object> since(Cpu start) {
      double seconds = Math.max(1, nanos - start.nanos) / 1e9;
      double server = (serverTicks - start.serverTicks) / TICKS / seconds * 100;
      double client = (clientTicks - start.clientTicks) / TICKS / seconds * 100;
      double all = (allBusyTicks - start.allBusyTicks) / TICKS / seconds * 100;
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("serverPercent", Math.round(server));
      out.put("clientPercent", Math.round(client));
      out.put("othersPercent", Math.max(0, Math.round(all - server - client)));
      return out;
    }

    static String text(Map<String, Object> cpu) {
      return "CPU (% of one core of "
          + Runtime.getRuntime().availableProcessors()
          + "): server "
          + cpu.get("serverPercent")
          + " %, load generator "
          + cpu.get("clientPercent")
          + " %, everything else "
          + cpu.get("othersPercent")
          + " %";
    }
  }

  private final HttpClient http;
  private final String base;
  private final String authorization;
  private final long pid;
  private final boolean gc;

  ServerProbe(HttpClient http, String base, String authorization, long pid, boolean gc) {
    this.http = http;
    this.base = base;
    this.authorization = authorization;
    this.pid = pid;
    this.gc = gc;
  }

  long pid() {
    return pid;
  }

  Reading read() throws InterruptedException {
    long rss = statusField("/proc/" + pid + "/status", "VmRSS") * 1024;
    boolean collected = gc && pid > 0 && fullGc();
    if (collected) {
      Thread.sleep(1_000);
    }
    Map<String, Double> metrics = prometheus();
    return new Reading(
        rss,
        collected ? statusField("/proc/" + pid + "/status", "VmRSS") * 1024 : rss,
        Math.round(metrics.getOrDefault("heap", -1.0)),
        Math.round(metrics.getOrDefault("devices", -1.0)),
        (int) statusField("/proc/" + pid + "/status", "Threads"),
        files("/proc/" + pid + "/fd"),
        statusField("/proc/self/status", "VmRSS") * 1024,
        files("/proc/self/fd"),
        collected);
  }

  Cpu cpu() {
    return new Cpu(
        ticks("/proc/" + pid + "/stat"), ticks("/proc/self/stat"), busy(), System.nanoTime());
  }

  /** {@code jcmd PID GC.run}, with the jcmd of the JDK running this tool. */
  private boolean fullGc() throws InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    if (!Files.isExecutable(jcmd)) {
      return false;
    }
    try {
      Process process =
          new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.run")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return false;
      }
      return process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** The heap used (sum over the heap pools) and the connected devices. */
  private Map<String, Double> prometheus() throws InterruptedException {
    Map<String, Double> out = new LinkedHashMap<>();
    HttpResponse<String> response;
    try {
      response =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus"))
                  .timeout(Duration.ofSeconds(15))
                  .header("Authorization", authorization)
                  .header("User-Agent", PushLoad.USER_AGENT)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      return out;
    }
    if (response.statusCode() != 200) {
      return out;
    }
    double heap = 0;
    boolean sawHeap = false;
    for (String line : response.body().split("\n")) {
      if (line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
        heap += value(line);
        sawHeap = true;
      } else if (line.startsWith("latchkey_devices_connected")) {
        out.put("devices", value(line));
      }
    }
    if (sawHeap) {
      out.put("heap", heap);
    }
    return out;
  }

  private static double value(String line) {
    int end = line.lastIndexOf('}');
    String rest = (end >= 0 ? line.substring(end + 1) : line.substring(line.indexOf(' '))).strip();
    try {
      return Double.parseDouble(rest.split("\\s+")[0]);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** A numeric field of /proc/PID/status ({@code VmRSS} in kB, {@code Threads}), or -1. */
  private static long statusField(String file, String field) {
    try {
      for (String line : Files.readAllLines(Path.of(file), StandardCharsets.UTF_8)) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.substring(field.length() + 1).strip().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  private static int files(String folder) {
    try (Stream<Path> entries = Files.list(Path.of(folder))) {
      return (int) entries.count();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** utime + stime of /proc/PID/stat, in clock ticks. */
  private static long ticks(String file) {
    try {
      String text = Files.readString(Path.of(file), StandardCharsets.US_ASCII);
      String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** Busy ticks of all CPUs (user, nice, system, irq, softirq, steal) from /proc/stat. */
  private static long busy() {
    try {
      String first = Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII).get(0);
      String[] f = first.strip().split("\\s+");
      return Long.parseLong(f[1])
          + Long.parseLong(f[2])
          + Long.parseLong(f[3])
          + Long.parseLong(f[6])
          + Long.parseLong(f[7])
          + Long.parseLong(f[8]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** The process listening on {@code port} of this machine (from /proc/net/tcp*), if any. */
  static Optional<Long> listeningPid(int port) {
    String inode = null;
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      try {
        for (String line : Files.readAllLines(Path.of(table), StandardCharsets.US_ASCII)) {
          String[] f = line.strip().split("\\s+");
          if (f.length < 10 || !f[3].equals("0A")) {
            continue;
          }
          String local = f[1];
          int localPort = Integer.parseInt(local.substring(local.indexOf(':') + 1), 16);
          if (localPort == port) {
            inode = f[9];
          }
        }
      } catch (IOException | RuntimeException e) {
        // no such table: keep looking
      }
    }
    if (inode == null) {
      return Optional.empty();
    }
    String socket = "socket:[" + inode + "]";
    try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
      for (Path process : processes.toList()) {
        String name = process.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try (Stream<Path> fds = Files.list(process.resolve("fd"))) {
          for (Path fd : fds.toList()) {
            try {
              if (Files.readSymbolicLink(fd).toString().equals(socket)) {
                return Optional.of(Long.parseLong(name));
              }
            } catch (IOException | RuntimeException e) {
              // gone meanwhile
            }
          }
        } catch (IOException | RuntimeException e) {
          // not ours to read, or gone
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  static String mib(long bytes) {
    return bytes < 0 ? "?" : String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }
}
