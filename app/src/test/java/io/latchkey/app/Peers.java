package io.latchkey.app;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The independent peers of the app's integration tests: {@code oathtool} (OATH Toolkit), {@code
 * qrencode}, {@code zbarimg} and {@code /usr/bin/python3} (Debian's, where python3-cryptography is
 * importable). A missing tool fails the test with what to install; it is never skipped.
 */
final class Peers {
  private Peers() {}

  /** oathtool with the key read from stdin ({@code -}), so it never appears in argv. */
  static String oathtool(Path scratch, String base32, String... options) throws Exception {
    List<String> command = new ArrayList<>(List.of(tool("oathtool"), "-b"));
    command.addAll(List.of(options));
    command.add("-");
    return run(scratch, command, base32 + "\n", Map.of()).strip();
  }

  /**
   * The HOTP code oathtool computes for {@code counter}: {@code -c} for SHA1, and for SHA256/512,
   * which its HOTP mode lacks, TOTP with a 1 s step at t = counter (testdata/interop/README.md).
   */
  static String oathtoolHotp(
      Path scratch, String base32, String algorithm, int digits, long counter) throws Exception {
    if (algorithm.equals("SHA1")) {
      return oathtool(
          scratch, base32, "-d", Integer.toString(digits), "-c", Long.toString(counter));
    }
    return oathtool(
        scratch,
        base32,
        "--totp=" + algorithm.toLowerCase(Locale.ROOT),
        "-d",
        Integer.toString(digits),
        "-s",
        "1s",
        "-N",
        "@" + counter);
  }

  /** Runs a peer; its stdout, or a clear failure with its stderr. */
  static String run(Path scratch, List<String> command, String stdin, Map<String, String> env)
      throws Exception {
    // stderr to a file: zbarimg chatters there (D-Bus), and a separate file cannot deadlock.
    Path errors = Files.createTempFile(scratch, "stderr-", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(errors.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    try (OutputStream in = process.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail(command.get(0) + " did not finish within 60 s");
    }
    if (process.exitValue() != 0) {
      fail(
          command.get(0)
              + " failed (exit "
              + process.exitValue()
              + "): "
              + Files.readString(errors).strip());
    }
    return output;
  }

  /** The tool on PATH; a missing peer fails the test with what to install. */
  static String tool(String name) throws IOException {
    for (String entry :
        System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
      Path candidate = Path.of(entry, name);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    String pkg = name.equals("zbarimg") ? "zbar-tools" : name;
    fail(
        name
            + " is required by this test but is not on PATH; install it (apt-get install "
            + pkg
            + ").");
    throw new IOException("unreachable");
  }
}
