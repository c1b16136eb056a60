package io.latchkey.app;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import org.junit.jupiter.api.function.Executable;

/**
 * The app's side of the fuzz helpers (the core's tests have the same trio in {@code
 * io.latchkey.core.testing.Fuzz}; the modules share no test code): a bound on each try, byte
 * mutations, and {@code -Dlatchkey.fuzz.tries=N} for a long run (docs/OPERATIONS.md, "Fuzzing").
 */
final class Fuzz {
  /** Far above one import of a small file, scrypt included; a try that needs longer is a hang. */
  static final Duration LIMIT = Duration.ofSeconds(10);

  /** Bytes that JSON, protobuf, Base64, percent-encoding and image headers split or choke on. */
  private static final String[] PIECES = {
    "%",
    "%G",
    "%00",
    "=",
    "&",
    "?",
    "\"",
    "\\",
    "\\u0000",
    "\\ud800",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "null",
    "true",
    "-1",
    "1e400",
    "2147483648",
    "9223372036854775808",
    "0.5",
    "\n",
    "\r",
    "\u0000",
    "\uFEFF",
    "AAAA",
    "////",
    "++++",
    "otpauth://",
    "otpauth-migration://offline?data=",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
  };

  private Fuzz() {}

  static void within(Executable step) {
    assertTimeoutPreemptively(LIMIT, step);
  }

  /** {@code seed} with one to eight edits: bit flips, random bytes, cuts, runs, inserted pieces. */
  static byte[] mutate(byte[] seed, Random random) {
    byte[] bytes = seed.clone();
    int edits = 1 + random.nextInt(8);
    for (int i = 0; i < edits; i++) {
      int at = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
      switch (random.nextInt(6)) {
        case 0 -> flip(bytes, at, random);
        case 1 -> set(bytes, at, (byte) random.nextInt(256));
        case 2 -> bytes = Arrays.copyOf(bytes, at);
        case 3 ->
            bytes =
                insert(
                    bytes,
                    at,
                    new byte[] {bytes.length == 0 ? 0 : bytes[at]},
                    1 + random.nextInt(4096));
        default -> {
          String piece = PIECES[random.nextInt(PIECES.length)];
          bytes =
              insert(
                  bytes,
                  at,
                  piece.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                  1 + random.nextInt(3));
        }
      }
    }
    return bytes;
  }

  private static void flip(byte[] bytes, int at, Random random) {
    if (at < bytes.length) {
      bytes[at] ^= (byte) (1 << random.nextInt(8));
    }
  }

  private static void set(byte[] bytes, int at, byte value) {
    if (at < bytes.length) {
      bytes[at] = value;
    }
  }

  private static byte[] insert(byte[] bytes, int at, byte[] piece, int times) {
    byte[] out = new byte[bytes.length + piece.length * times];
    System.arraycopy(bytes, 0, out, 0, at);
    for (int i = 0; i < times; i++) {
      System.arraycopy(piece, 0, out, at + i * piece.length, piece.length);
    }
    System.arraycopy(bytes, at, out, at + piece.length * times, bytes.length - at);
    return out;
  }

  /** Sets the tries of the properties of the class it is added to from -Dlatchkey.fuzz.tries. */
  static final class Tries implements AroundPropertyHook {
    @Override
    public PropagationMode propagateTo() {
      return PropagationMode.DIRECT_DESCENDANTS;
    }

    @Override
    public PropertyExecutionResult aroundProperty(
        PropertyLifecycleContext context, PropertyExecutor property) {
      Integer tries = Integer.getInteger("latchkey.fuzz.tries");
      if (tries != null) {
        context.attributes().setTries(tries);
      }
      return property.execute();
    }
  }
}
