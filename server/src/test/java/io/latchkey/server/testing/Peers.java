package io.latchkey.server.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The independent peers of the tests: {@code zbarimg}, {@code oathtool} and pyotp (through {@code
 * /usr/bin/python3}, the only interpreter Debian's python3-pyotp is importable from). A missing
 * tool fails the test with the package to install; it is never skipped.
 */
public final class Peers {
  private Peers() {}

  public static String zbarimg(Path png) {
    return run(null, "zbarimg", "--raw", "-q", png.toString()).strip();
  }

  /** TOTP SHA1/6/30 at {@code at}; the key goes on stdin, never on the command line. */
  public static String oathtool(String base32, Instant at) {
    return run(base32, "oathtool", "--totp", "-b", "-N", "@" + at.getEpochSecond(), "-").strip();
  }

  /** The code pyotp computes from an otpauth URI at {@code at}. */
  public static String pyotp(String otpauthUri, Instant at) {
    String script =
        "import sys, pyotp\n"
            + "uri = sys.stdin.read().strip()\n"
            + "print(pyotp.parse_uri(uri).at("
            + at.getEpochSecond()
            + "))\n";
    return run(otpauthUri, "/usr/bin/python3", "-c", script).strip();
  }

  public static String run(String stdin, String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
      if (stdin != null) {
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      process.getOutputStream().close();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish in 30 s");
      }
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new AssertionError(
            String.join(" ", command) + " failed (" + process.exitValue() + "): " + err);
      }
      return out;
    } catch (IOException e) {
      throw new AssertionError(
          "cannot run "
              + command[0]
              + " (install Debian's oathtool, zbar-tools, python3-pyotp;"
              + " the test command .ci/run does): "
              + e.getMessage(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public static Path write(Path dir, String name, byte[] bytes) throws IOException {
    Path file = dir.resolve(name);
    Files.write(file, bytes);
    return file;
  }

  public static List<String> lines(String text) {
    return new ArrayList<>(text.lines().toList());
  }
}
