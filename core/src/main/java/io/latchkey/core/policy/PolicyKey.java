package io.latchkey.core.policy;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.method.MethodKind;
import io.latchkey.core.push.RuleAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings of a {@link Policy}, each with its name (as the API, the CLI, the page and the
 * history write it), its type and its allowed range. A value travels as canonical text: {@link
 * #parse} turns what an administrator typed into it, or refuses it with a {@code bad_request} that
 * names the key and the range.
 */
public enum PolicyKey {
  REGISTRATION_STEP_DEADLINE(
      "registration.step-deadline",
      Type.DURATION,
      1,
      3600,
      "how long each registration step (scan, confirm, approve the test) may take"),
  TOTP_DRIFT_WINDOW(
      "totp.drift-window",
      Type.INTEGER,
      0,
      10,
      "30-second steps accepted either side of the server's clock"),
  LOCKOUT_THRESHOLD(
      "lockout.threshold",
      Type.INTEGER,
      1,
      100,
      "consecutive wrong codes (or wrong push numbers) that block the user; time alone never"
          + " resets the count"),
  ALLOWED_METHODS(
      "methods.allowed", Type.METHODS, 1, 2, "the methods users may register: totp, push or both"),
  PUSH_CHALLENGE_TTL(
      "push.challenge-ttl", Type.DURATION, 1, 600, "how long a push sign-in request stays open"),
  PUSH_NUMBER_DIGITS(
      "push.number-digits", Type.INTEGER, 2, 6, "digits of the number shown on the sign-in screen"),
  PUSH_MAX_OPEN(
      "push.max-open", Type.INTEGER, 1, 100, "push requests a user may have open at once"),
  PUSH_MAX_PER_WINDOW(
      "push.max-per-window",
      Type.INTEGER,
      1,
      1000,
      "push requests a user may be sent within push.window"),
  PUSH_WINDOW(
      "push.window",
      Type.DURATION,
      1,
      86_400,
      "the window of push.max-per-window and of push.denials-to-pause"),
  PUSH_DENIALS_TO_PAUSE(
      "push.denials-to-pause",
      Type.INTEGER,
      1,
      100,
      "denied requests (or wrong numbers) within push.window that pause pushes to the user; one"
          + " fraud report always does"),
  PUSH_POSTURE_STORAGE_ENCRYPTED(
      "push.posture.storage-encrypted",
      Type.ACTION,
      0,
      0,
      "a device whose app storage is not encrypted"),
  PUSH_POSTURE_NOT_ROOTED(
      "push.posture.not-rooted", Type.ACTION, 0, 0, "a device where the app runs as root"),
  PUSH_POSTURE_NOTIFICATIONS_ENABLED(
      "push.posture.notifications-enabled",
      Type.ACTION,
      0,
      0,
      "a device that cannot show notifications"),
  PUSH_NETWORK_RULE(
      "push.network.rule",
      Type.ACTION,
      0,
      0,
      "a registration whose browser and device come from different networks"),
  PUSH_NETWORK_IPV4_PREFIX(
      "push.network.ipv4-prefix",
      Type.INTEGER,
      0,
      32,
      "IPv4 bits that must match for one network (32: the same address)"),
  PUSH_NETWORK_IPV6_PREFIX(
      "push.network.ipv6-prefix", Type.INTEGER, 0, 128, "IPv6 bits that must match"),
  AUTOBLOCK_PUSH_REFUSALS_MAX(
      "autoblock.push-refusals.max",
      Type.INTEGER,
      0,
      100,
      "denied or reported push requests within the window that block the user's account; 0: off"),
  AUTOBLOCK_PUSH_REFUSALS_WINDOW(
      "autoblock.push-refusals.window",
      Type.DURATION,
      60,
      30 * 86_400,
      "the window of autoblock.push-refusals.max"),
  AUTOBLOCK_REGISTRATIONS_MAX(
      "autoblock.registrations.max",
      Type.INTEGER,
      0,
      1000,
      "registration starts and retries (codes and push together) a user may make within the"
          + " window; the next one blocks the user; 0: off"),
  AUTOBLOCK_REGISTRATIONS_WINDOW(
      "autoblock.registrations.window",
      Type.DURATION,
      60,
      30 * 86_400,
      "the window of autoblock.registrations.max"),
  REGISTRATION_PASSWORD_AFTER_RESET(
      "registration.password-after-reset",
      Type.BOOLEAN,
      0,
      1,
      "whether, after an administrator reset a user's methods or enabled the user (or the user"
          + " removed their last factor), the password alone may register the first new"
          + " authenticator (false, the default: only a registration link may)");

  /** How a value is written. */
  public enum Type {
    /** A whole number. */
    INTEGER,
    /** A whole number of seconds, minutes, hours or days: {@code 90s}, {@code 5m}, {@code 1h}. */
    DURATION,
    /** {@code off}, {@code warn} or {@code refuse}. */
    ACTION,
    /** Method kinds, comma-separated: {@code totp,push}. */
    METHODS,
    /** {@code true} or {@code false}. */
    BOOLEAN
  }

  private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,9}");
  private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})([smhd])");

  private final String key;
  private final Type type;
  private final long min;
  private final long max;
  private final String description;

  PolicyKey(String key, Type type, long min, long max, String description) {
    this.key = key;
    this.type = type;
    this.min = min;
    this.max = max;
    this.description = description;
  }

  /** The name, e.g. {@code lockout.threshold}. */
  public String key() {
    return key;
  }

  public Type type() {
    return type;
  }

  public String description() {
    return description;
  }

  /** The smallest value: a number, or seconds for a duration. */
  public long min() {
    return min;
  }

  /** The largest value: a number, or seconds for a duration. */
  public long max() {
    return max;
  }

  /** The allowed values in words, e.g. {@code a whole number from 1 to 100}. */
  public String range() {
    return switch (type) {
      case INTEGER -> "a whole number from " + min + " to " + max;
      case DURATION ->
          "a duration from "
              + duration(Duration.ofSeconds(min))
              + " to "
              + duration(Duration.ofSeconds(max))
              + " written like 90s, 5m, 1h or 1d";
      case ACTION -> "off, warn or refuse";
      case METHODS -> "totp, push or totp,push (at least one)";
      case BOOLEAN -> "true or false";
    };
  }

  public static Optional<PolicyKey> of(String key) {
    for (PolicyKey candidate : values()) {
      if (candidate.key.equals(key)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** The key named {@code key}, or a {@code bad_request} naming it. */
  public static PolicyKey require(String key) {
    return of(key)
        .orElseThrow(
            () ->
                new LatchkeyException(
                    ErrorCode.BAD_REQUEST,
                    "'" + shown(key) + "' is not a policy key; the keys are " + names()));
  }

  /** Every key name, comma-separated. */
  public static String names() {
    List<String> names = new ArrayList<>();
    for (PolicyKey k : values()) {
      names.add(k.key);
    }
    return String.join(", ", names);
  }

  /**
   * The canonical text of a value typed by an administrator.
   *
   * @throws LatchkeyException {@code bad_request} naming the key and its range
   */
  public String parse(String raw) {
    String text = raw == null ? "" : raw.strip();
    return switch (type) {
      case INTEGER -> Long.toString(parseInteger(text));
      case DURATION -> duration(parseDuration(text));
      case ACTION -> parseAction(text).name().toLowerCase(Locale.ROOT);
      case METHODS -> methods(parseMethods(text));
      case BOOLEAN -> Boolean.toString(parseBoolean(text));
    };
  }

  boolean parseBoolean(String text) {
    return switch (text) {
      case "true" -> true;
      case "false" -> false;
      default -> throw invalid(text);
    };
  }

  long parseInteger(String text) {
    if (!INTEGER.matcher(text).matches()) {
      throw invalid(text);
    }
    return checked(Long.parseLong(text), text);
  }

  Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text);
    if (!m.matches()) {
      throw invalid(text);
    }
    long amount = Long.parseLong(m.group(1));
    long seconds =
        switch (m.group(2)) {
          case "s" -> amount;
          case "m" -> amount * 60;
          case "h" -> amount * 3600;
          default -> amount * 86_400;
        };
    checked(seconds, text);
    return Duration.ofSeconds(seconds);
  }

  RuleAction parseAction(String text) {
    return switch (text) {
      case "off" -> RuleAction.OFF;
      case "warn" -> RuleAction.WARN;
      case "refuse" -> RuleAction.REFUSE;
      default -> throw invalid(text);
    };
  }

  Set<MethodKind> parseMethods(String text) {
    Set<MethodKind> kinds = EnumSet.noneOf(MethodKind.class);
    if (text.isEmpty()) {
      throw invalid(text);
    }
    for (String part : text.split(",", -1)) {
      MethodKind kind =
          switch (part.strip()) {
            case "totp" -> MethodKind.TOTP;
            case "push" -> MethodKind.PUSH;
            default -> throw invalid(text);
          };
      if (!kinds.add(kind)) {
        throw invalid(text);
      }
    }
    return kinds;
  }

  /** Checks a typed value of an integer key (the {@link Policy} constructor's checks). */
  int checkInteger(int value) {
    return (int) checked(value, Integer.toString(value));
  }

  Duration checkDuration(Duration value) {
    if (value == null
        || value.getNano() != 0
        || value.getSeconds() < min
        || value.getSeconds() > max) {
      throw invalid(value == null ? "" : value.getNano() == 0 ? duration(value) : value.toString());
    }
    return value;
  }

  private long checked(long value, String text) {
    if (value < min || value > max) {
      throw invalid(text);
    }
    return value;
  }

  LatchkeyException invalid(String text) {
    return new LatchkeyException(
        ErrorCode.BAD_REQUEST,
        "'" + key + "' must be " + range() + ", not \"" + shown(text) + "\"");
  }

  /** A duration as the shortest exact text: {@code 90s}, {@code 5m}, {@code 1h}, {@code 2d}. */
  public static String duration(Duration value) {
    long seconds = value.getSeconds();
    if (seconds != 0 && seconds % 86_400 == 0) {
      return seconds / 86_400 + "d";
    }
    if (seconds != 0 && seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    if (seconds != 0 && seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }

  /**
   * The kinds {@code methods.allowed} governs: the authenticators a user registers. Backup codes
   * are a way back in, not an authenticator of their own, and are not part of it.
   */
  public static final Set<MethodKind> REGISTERABLE =
      java.util.Collections.unmodifiableSet(EnumSet.of(MethodKind.TOTP, MethodKind.PUSH));

  /** Method kinds in a stable order: {@code totp,push}. */
  public static String methods(Set<MethodKind> kinds) {
    List<String> names = new ArrayList<>();
    for (MethodKind kind : REGISTERABLE) {
      if (kinds.contains(kind)) {
        names.add(kind.name().toLowerCase(Locale.ROOT));
      }
    }
    return String.join(",", names);
  }

  /** What an administrator typed, cut short and without control characters, to quote back. */
  public static String shown(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    text.codePoints()
        .limit(60)
        .forEach(cp -> out.appendCodePoint(Character.isISOControl(cp) ? '?' : cp));
    return text.codePointCount(0, text.length()) > 60 ? out + "..." : out.toString();
  }
}
