package io.latchkey.core.testing;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import org.junit.jupiter.api.function.Executable;

/**
 * What the fuzz properties share: a bound on each try, mutations of valid inputs, and the number of
 * tries, which {@code -Dlatchkey.fuzz.tries=N} raises for a long run (docs/OPERATIONS.md,
 * "Fuzzing"); the suite itself keeps the counts written on each {@code @Property}.
 */
public final class Fuzz {
  /** Far above what one parse takes; a try that needs longer is a hang (or near enough). */
  public static final Duration LIMIT = Duration.ofSeconds(5);

  /** Characters that parsers split on, decode, fold or choke on. */
  private static final String[] PIECES = {
    "%",
    "%2",
    "%G0",
    "%00",
    "%25",
    "%3A",
    "%3a",
    "%C3",
    "%FF",
    "%E2%80%AE",
    "&",
    "=",
    "?",
    "#",
    ":",
    "/",
    "+",
    " ",
    "\t",
    "\r",
    "\n",
    "\r\n",
    "\"",
    "\"\"",
    ",",
    "\\",
    "\u0000",
    "\u001b",
    "\u007f",
    "\u00a0",
    "\u200b",
    "\u202e",
    "\ufeff",
    "\ud800",
    "\udc00",
    "\ud83d\ude00",
    "ſ",
    "ı",
    "K",
    "١",
    "１",
    "-",
    "-1",
    "0",
    "00000000000000000000",
    "9223372036854775808",
    "{",
    "}",
    "[",
    "]",
    "null",
    "true",
    "1e400",
    "A",
    "=",
    "==",
    "otpauth://",
    "latchkey://activate?"
  };

  private Fuzz() {}

  /** Runs {@code step} in another thread and fails if it takes longer than {@link #LIMIT}. */
  public static void within(Executable step) {
    assertTimeoutPreemptively(LIMIT, step);
  }

  /** {@code seed} with one to eight random edits: cuts, insertions, repeats, swaps, flips. */
  public static String mutate(String seed, Random random) {
    StringBuilder text = new StringBuilder(seed);
    int edits = 1 + random.nextInt(8);
    for (int i = 0; i < edits; i++) {
      int at = text.isEmpty() ? 0 : random.nextInt(text.length() + 1);
      int end = Math.min(text.length(), at + random.nextInt(16));
      switch (random.nextInt(7)) {
        case 0 -> text.delete(at, end);
        case 1 -> text.insert(at, PIECES[random.nextInt(PIECES.length)]);
        case 2 -> text.insert(at, (char) random.nextInt(Character.MAX_VALUE + 1));
        case 3 -> text.insert(at, text.substring(at, end).repeat(1 + random.nextInt(64)));
        case 4 -> text.setLength(at);
        case 5 -> {
          if (at < text.length()) {
            text.setCharAt(at, (char) (text.charAt(at) ^ (1 << random.nextInt(8))));
          }
        }
        default -> text.replace(at, end, PIECES[random.nextInt(PIECES.length)]);
      }
    }
    return text.toString();
  }

  /** {@code seed} with random bytes flipped, cut, repeated or overwritten (for binary formats). */
  public static byte[] mutate(byte[] seed, Random random) {
    byte[] bytes = seed.clone();
    int edits = 1 + random.nextInt(8);
    for (int i = 0; i < edits && bytes.length > 0; i++) {
      int at = random.nextInt(bytes.length);
      switch (random.nextInt(4)) {
        case 0 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
        case 1 -> bytes[at] = (byte) random.nextInt(256);
        case 2 -> bytes = java.util.Arrays.copyOf(bytes, at);
        default -> {
          byte[] run = new byte[1 + random.nextInt(16)];
          java.util.Arrays.fill(run, (byte) (random.nextBoolean() ? 0xff : 0x00));
          System.arraycopy(run, 0, bytes, at, Math.min(run.length, bytes.length - at));
        }
      }
    }
    return bytes;
  }

  /** The UTF-8 bytes of a text mutation, for parsers that take bytes. */
  public static byte[] mutateUtf8(String seed, Random random) {
    return mutate(seed, random).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Sets the tries of every property of the class it is added to ({@code @AddLifecycleHook}) from
   * {@code -Dlatchkey.fuzz.tries}, when given.
   */
  public static final class Tries implements AroundPropertyHook {
    /** Added to a class, the hook reaches the class's properties. */
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
