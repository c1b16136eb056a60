package io.latchkey.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;

/**
 * The command line of {@link VerifyLoad}, checked: a loopback URL only, bounded counts and time.
 *
 * @param base scheme, host and port of the server, without a trailing slash
 * @param adminUser the administrator's username (the admin API takes an admin token: {@link
 *     AdminAuthorization})
 * @param adminPassword the administrator's password, read from a file (never from the command line,
 *     never printed)
 * @param users how many users to create, register and verify
 * @param concurrency requests in flight at once
 * @param maxSeconds the cap on the whole run, set-up included
 * @param json where to write the figures as JSON, or {@code null}
 * @param prefix the start of every username this run creates
 */
record LoadOptions(
    String base,
    String adminUser,
    String adminPassword,
    int users,
    int concurrency,
    int maxSeconds,
    Path json,
    String prefix) {

  static final int MAX_USERS = 10_000;
  static final int MAX_CONCURRENCY = 256;
  static final int MAX_SECONDS = 3_600;

  /** The host names a target may have: the load never leaves this machine. */
  private static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "localhost", "::1");

  static final String USAGE =
      """
      Usage: java -cp benchmarks.jar io.latchkey.bench.VerifyLoad \\
               --admin-password-file FILE [--url http://127.0.0.1:8080] [--admin-user admin] \\
               [--users 100] [--concurrency 8] [--max-seconds 120] [--json FILE] [--prefix P]

      Creates an API key and USERS users, registers a TOTP authenticator for each through the
      wizard pages, then verifies one code per user through POST /api/v1/verify and replays every
      accepted code once. Talks only to a loopback address (127.0.0.1, localhost, ::1).
        --users        1..%d (default 100)
        --concurrency  1..%d requests in flight (default 8)
        --max-seconds  1..%d, cap on the whole run; work still queued then is dropped (default 120)
        --json FILE    also write the figures as JSON
        --prefix P     start of the usernames (default: load-<random>-, new on every run)
      """
          .formatted(MAX_USERS, MAX_CONCURRENCY, MAX_SECONDS);

  /** A mistake on the command line: the message is for the person who typed it. */
  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  /** Thrown for {@code --help}. */
  static final class HelpRequested extends Exception {
    HelpRequested() {
      super("help");
    }
  }

  static LoadOptions parse(String[] args) throws UsageException, HelpRequested {
    String url = "http://127.0.0.1:8080";
    String adminUser = "admin";
    Path passwordFile = null;
    int users = 100;
    int concurrency = 8;
    int maxSeconds = 120;
    Path json = null;
    String prefix = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        throw new HelpRequested();
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
        case "--users" -> users = number(name, value, 1, MAX_USERS);
        case "--concurrency" -> concurrency = number(name, value, 1, MAX_CONCURRENCY);
        case "--max-seconds" -> maxSeconds = number(name, value, 1, MAX_SECONDS);
        case "--json" -> json = Path.of(value);
        case "--prefix" -> prefix = value;
        default -> throw new UsageException("unknown option " + arg);
      }
    }
    if (passwordFile == null) {
      throw new UsageException("--admin-password-file is required");
    }
    if (prefix == null) {
      byte[] random = new byte[4];
      new SecureRandom().nextBytes(random);
      prefix = "load-" + HexFormat.of().formatHex(random) + "-";
    }
    if (prefix.isEmpty() || prefix.length() > 40 || !prefix.matches("[A-Za-z0-9._-]+")) {
      throw new UsageException("--prefix: 1 to 40 of A-Z a-z 0-9 . _ -");
    }
    return new LoadOptions(
        loopbackBase(url),
        adminUser,
        readPassword(passwordFile),
        users,
        concurrency,
        maxSeconds,
        json,
        prefix);
  }

  /**
   * {@code scheme://host:port} of {@code url}, or a refusal unless the host is one of {@link
   * #LOOPBACK_HOSTS} and every address it resolves to is a loopback address.
   */
  static String loopbackBase(String url) throws UsageException {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new UsageException("--url is not a URL: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new UsageException("--url must start with http:// or https://");
    }
    String host = uri.getHost();
    if (host == null || uri.getRawUserInfo() != null) {
      throw new UsageException("--url needs a host and no user info: " + url);
    }
    String bare =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (!LOOPBACK_HOSTS.contains(bare.toLowerCase(Locale.ROOT))) {
      throw new UsageException(
          "refusing " + host + ": this load generator only talks to 127.0.0.1, localhost or ::1");
    }
    try {
      for (InetAddress address : InetAddress.getAllByName(bare)) {
        if (!address.isLoopbackAddress()) {
          throw new UsageException(
              "refusing " + host + ": it resolves to " + address + ", not a loopback address");
        }
      }
    } catch (UnknownHostException e) {
      throw new UsageException("cannot resolve " + host);
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if (!path.isEmpty() && !path.equals("/")
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw new UsageException("--url is the server's root, e.g. http://127.0.0.1:8080");
    }
    int port = uri.getPort() > 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
    return scheme + "://" + host + ":" + port;
  }

  static String readPassword(Path file) throws UsageException {
    try {
      String first =
          Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("");
      if (first.strip().isEmpty()) {
        throw new UsageException("the admin password file is empty: " + file);
      }
      return first.strip();
    } catch (IOException e) {
      throw new UsageException("cannot read the admin password file " + file + ": " + e);
    }
  }

  static int number(String name, String value, int min, int max) throws UsageException {
    int n;
    try {
      n = Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new UsageException(name + " must be a whole number, not " + value);
    }
    if (n < min || n > max) {
      throw new UsageException(name + " must be between " + min + " and " + max);
    }
    return n;
  }

  @Override
  public String toString() {
    // Never the password.
    return "LoadOptions[base=%s, users=%d, concurrency=%d, maxSeconds=%d]"
        .formatted(base, users, concurrency, maxSeconds);
  }
}
