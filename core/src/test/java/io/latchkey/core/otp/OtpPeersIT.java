package io.latchkey.core.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Latchkey's codes against two independent implementations (INTEROP.md §7, §8 item 2): oathtool (C,
 * OATH Toolkit) and pyotp (Python). Random keys of many lengths, including ones longer than the
 * hash block, so that a library which pads, repeats or truncates keys would disagree.
 *
 * <p>The random seed is printed with every failure; set {@code -Dlatchkey.peers.seed=N} to repeat a
 * run. A missing peer fails the test: INTEROP.md §7 says never to skip.
 */
class OtpPeersIT {

  private static final Path OATHTOOL = Path.of("/usr/bin/oathtool");

  /** python3-pyotp is installed for the system interpreter only, not for a python3 on PATH. */
  private static final Path SYSTEM_PYTHON = Path.of("/usr/bin/python3");

  private static final HashAlgorithm[] ALGORITHMS = HashAlgorithm.values();
  private static final int[] DIGITS = {6, 7, 8};
  private static final int[] PERIODS = {15, 30, 45, 60, 90, 120};

  /** The times of testdata/interop, plus one past 2^32 s and one just inside a step boundary. */
  private static final long[] TIMES = {
    59, 1111111109, 1234567890, 1700000000, 2000000000, 20000000000L, 4294967296L, 1799999999
  };

  /**
   * From 80 bits (Google's example) to past the 64-byte SHA-1/SHA-256 and 128-byte SHA-512 block.
   */
  private static final int[] KEY_LENGTHS = {10, 16, 20, 32, 33, 64, 65, 100, 128, 129};

  /** HOTP counters, including past 2^32 and the largest a URI may carry (INTEROP.md §1.2). */
  private static final long[] COUNTERS = {0, 1, 9, 4294967296L, 1099511627776L, Long.MAX_VALUE};

  private static final String PYOTP_SCRIPT =
      """
      import hashlib, sys, pyotp
      for line in sys.stdin:
          kind, secret, algorithm, digits, moving = line.split()
          digest = getattr(hashlib, algorithm.lower())
          if kind == "totp":
              period, time = moving.split("@")
              otp = pyotp.TOTP(secret, digits=int(digits), digest=digest, interval=int(period))
              print(otp.at(int(time)))
          else:
              print(pyotp.HOTP(secret, digits=int(digits), digest=digest).at(int(moving)))
      """;

  private static long seed;

  /** One computation both sides must agree on. */
  private record Case(Secret secret, OtpParameters parameters, long timeOrCounter) {

    String latchkey() {
      return parameters.type() == OtpType.TOTP
          ? Totp.generate(secret, parameters, Instant.ofEpochSecond(timeOrCounter))
          : Hotp.generate(secret, parameters.algorithm(), parameters.digits(), timeOrCounter);
    }

    /** The key is a test value, so naming it makes a failure reproducible by hand. */
    String describe() {
      return String.format(
          Locale.ROOT,
          "%s %s/%d/%s key=%s (seed %d)",
          parameters.type(),
          parameters.algorithm(),
          parameters.digits(),
          parameters.type() == OtpType.TOTP
              ? parameters.periodSeconds() + "s t=" + timeOrCounter
              : "counter=" + timeOrCounter,
          HexFormat.of().formatHex(secret.bytes()),
          seed);
    }
  }

  @BeforeAll
  static void peersAreInstalled() {
    String hint = " is required by INTEROP.md §7; install it (apt-get install %s), do not skip";
    if (!Files.isExecutable(OATHTOOL)) {
      fail(OATHTOOL + hint.formatted("oathtool"));
    }
    if (!Files.isExecutable(SYSTEM_PYTHON)) {
      fail(SYSTEM_PYTHON + hint.formatted("python3"));
    }
    String configured = System.getProperty("latchkey.peers.seed");
    seed = configured != null ? Long.parseLong(configured) : new SecureRandom().nextLong();
  }

  /** 54 TOTP cases, one per algorithm, length and period, and a few HOTP ones. */
  private static List<Case> cases(long salt) {
    Random random = new Random(seed ^ salt);
    List<Case> cases = new ArrayList<>();
    int n = 0;
    for (HashAlgorithm algorithm : ALGORITHMS) {
      for (int digits : DIGITS) {
        for (int period : PERIODS) {
          Secret secret = randomSecret(random, KEY_LENGTHS[n % KEY_LENGTHS.length]);
          OtpParameters parameters = OtpParameters.totp(algorithm, digits, period);
          cases.add(new Case(secret, parameters, TIMES[n % TIMES.length]));
          n++;
        }
      }
    }
    for (HashAlgorithm algorithm : ALGORITHMS) {
      for (long counter : COUNTERS) {
        Secret secret = randomSecret(random, KEY_LENGTHS[n % KEY_LENGTHS.length]);
        int digits = DIGITS[n % DIGITS.length];
        cases.add(new Case(secret, OtpParameters.hotp(algorithm, digits, counter), counter));
        n++;
      }
    }
    return cases;
  }

  @Test
  void agreesWithOathtool() throws Exception {
    SoftAssertions softly = new SoftAssertions();
    for (Case c : cases(0x0a7)) {
      softly.assertThat(c.latchkey()).as(c.describe()).isEqualTo(oathtool(c));
    }
    softly.assertAll();
  }

  @Test
  void agreesWithPyotp() throws Exception {
    List<Case> cases = cases(0x9e7);
    StringBuilder input = new StringBuilder();
    for (Case c : cases) {
      OtpParameters p = c.parameters();
      String moving =
          p.type() == OtpType.TOTP
              ? p.periodSeconds() + "@" + c.timeOrCounter()
              : Long.toString(c.timeOrCounter());
      input.append(
          String.join(
              " ",
              p.type().name().toLowerCase(Locale.ROOT),
              c.secret().base32(),
              p.algorithm().name(),
              Integer.toString(p.digits()),
              moving));
      input.append('\n');
    }

    // One interpreter for all cases; TZ=UTC because pyotp 2.6 turns an epoch into local time and
    // back, which is ambiguous around DST changes.
    List<String> codes =
        run(List.of(SYSTEM_PYTHON.toString(), "-c", PYOTP_SCRIPT), input.toString(), "UTC")
            .lines()
            .toList();

    assertThat(codes).as("one pyotp code per case (seed %d)", seed).hasSameSizeAs(cases);
    SoftAssertions softly = new SoftAssertions();
    for (int i = 0; i < cases.size(); i++) {
      softly
          .assertThat(cases.get(i).latchkey())
          .as(cases.get(i).describe())
          .isEqualTo(codes.get(i));
    }
    softly.assertAll();
  }

  /**
   * oathtool reads the hex key from stdin ({@code -}), so it never shows in a process list
   * (INTEROP.md §7). It has no HOTP with SHA-256/512; TOTP with 1 s steps at t = counter is the
   * same computation.
   */
  private static String oathtool(Case c) throws IOException, InterruptedException {
    OtpParameters p = c.parameters();
    List<String> command = new ArrayList<>(List.of(OATHTOOL.toString()));
    command.add("-d");
    command.add(Integer.toString(p.digits()));
    if (p.type() == OtpType.HOTP && p.algorithm() == HashAlgorithm.SHA1) {
      command.add("-c");
      command.add(Long.toString(c.timeOrCounter()));
    } else {
      int step = p.type() == OtpType.TOTP ? p.periodSeconds() : 1;
      command.add("--totp=" + p.algorithm().name());
      command.add("-s");
      command.add(step + "s");
      command.add("-N");
      command.add("@" + c.timeOrCounter());
    }
    command.add("-");
    return run(command, HexFormat.of().formatHex(c.secret().bytes()) + "\n", null).strip();
  }

  private static String run(List<String> command, String stdin, String timeZone)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (timeZone != null) {
      builder.environment().put("TZ", timeZone);
    }
    Process process = builder.start();
    try (OutputStream in = process.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.US_ASCII));
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail(command.get(0) + " did not finish within 30 s");
    }
    if (process.exitValue() != 0) {
      fail(
          "%s exited with %d (seed %d): %s"
              .formatted(command.get(0), process.exitValue(), seed, output.strip()));
    }
    return output;
  }

  private static Secret randomSecret(Random random, int length) {
    byte[] key = new byte[length];
    random.nextBytes(key);
    return new Secret(key);
  }
}
