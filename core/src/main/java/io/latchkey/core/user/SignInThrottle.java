package io.latchkey.core.user;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.RetryLater;
import io.latchkey.core.user.SignInThrottleRepository.Bucket;
import io.latchkey.core.user.SignInThrottleRepository.Scope;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which password checks the server evaluates (issue 14, SECURITY-TESTS A5 and B5). Before a
 * password is hashed, {@link #claim} takes one attempt in each of three windows, each in one atomic
 * step in the shared store: the name from this address, this address for every name, and the whole
 * server. The first window without room refuses the attempt with {@code rate_limited} and how long
 * to wait, and the attempts already taken are given back. A success gives its attempts back and
 * forgets the name's count from that address, so only failures fill a window.
 *
 * <p>Counting by address is what protects the owner: a burst of wrong passwords from one address
 * makes that address wait (past {@link SignInThrottlePolicy#perAddress}, for every name), while the
 * owner's right password from any other address is checked as usual. It only delays the password
 * stage; the second factor and the account's status are never touched.
 */
public final class SignInThrottle {
  private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");

  /** Refusals remembered on this node at most; past it, the ones that are over are dropped. */
  static final int MAX_REMEMBERED = 10_000;

  private final SignInThrottleRepository attempts;
  private final SignInThrottlePolicy policy;
  private final Clock clock;

  /**
   * Windows the database found full, until they end: later attempts on this node are refused
   * without a round trip, so a spray that keeps hammering a full window costs no database write
   * (issue 14's benchmark). Only a refusal the database made is remembered, and only until its
   * window ends, so this never admits more than the database would; at worst an attempt given back
   * meanwhile (a success elsewhere) is not reused before the window ends.
   */
  private final java.util.concurrent.ConcurrentHashMap<Bucket, Full> full =
      new java.util.concurrent.ConcurrentHashMap<>();

  private record Full(Instant until, int attempts) {}

  public SignInThrottle(
      SignInThrottleRepository attempts, SignInThrottlePolicy policy, Clock clock) {
    this.attempts = attempts;
    this.policy = policy;
    this.clock = clock;
  }

  public SignInThrottlePolicy policy() {
    return policy;
  }

  /**
   * Takes one attempt for {@code username} (absent for a name no account can have: the address and
   * the server still count it) from the client address {@code ip}.
   *
   * @throws Throttled when a window is full: nothing stays counted for this attempt
   */
  public Claim claim(Optional<Username> username, String ip) {
    String address = addressOf(ip);
    Optional<Throttled> known = knownFull(username, ip);
    if (known.isPresent()) {
      throw known.get();
    }
    Instant now = clock.instant();
    List<Bucket> taken = new ArrayList<>(3);
    for (Bucket bucket : buckets(username, address)) {
      SignInThrottlePolicy.Limit limit = policy.limit(bucket.scope());
      if (!attempts.claim(bucket, limit.attempts(), now, limit.window())) {
        taken.forEach(attempts::refund);
        throw refusal(bucket, address, limit, now);
      }
      taken.add(bucket);
    }
    return new Claim(taken);
  }

  /**
   * The refusal {@link #claim} would make without asking the store: a window of this attempt that
   * the store found full earlier, and that has not ended yet. Changes nothing.
   */
  public Optional<Throttled> knownFull(Optional<Username> username, String ip) {
    if (full.isEmpty()) {
      return Optional.empty();
    }
    String address = addressOf(ip);
    Instant now = clock.instant();
    for (Bucket bucket : buckets(username, address)) {
      Full known = full.get(bucket);
      if (known != null) {
        if (now.isBefore(known.until())) {
          return Optional.of(
              new Throttled(
                  bucket.scope(),
                  address,
                  known.attempts(),
                  policy.limit(bucket.scope()),
                  Duration.between(now, known.until())));
        }
        full.remove(bucket, known);
      }
    }
    return Optional.empty();
  }

  private static List<Bucket> buckets(Optional<Username> username, String address) {
    List<Bucket> buckets = new ArrayList<>(3);
    username.ifPresent(name -> buckets.add(Bucket.nameAndAddress(name, address)));
    buckets.add(Bucket.address(address));
    buckets.add(Bucket.GLOBAL);
    return buckets;
  }

  /**
   * Deletes the windows that are over on every scope, so names sprayed once do not stay stored.
   *
   * @return how many were deleted
   */
  public int purge() {
    Duration longest = policy.perNameAndAddress().window();
    for (Scope scope : Scope.values()) {
      Duration window = policy.limit(scope).window();
      longest = window.compareTo(longest) > 0 ? window : longest;
    }
    return attempts.purgeOpenedBefore(clock.instant().minus(longest));
  }

  private Throttled refusal(
      Bucket bucket, String address, SignInThrottlePolicy.Limit limit, Instant now) {
    Optional<SignInThrottleRepository.Window> window = attempts.find(bucket);
    window
        .filter(w -> w.attempts() >= limit.attempts())
        .map(w -> w.openedAt().plus(limit.window()))
        .filter(now::isBefore)
        .ifPresent(until -> remember(bucket, new Full(until, limit.attempts())));
    int counted = window.map(SignInThrottleRepository.Window::attempts).orElse(limit.attempts());
    Duration wait =
        window
            .map(w -> Duration.between(now, w.openedAt().plus(limit.window())))
            .filter(d -> !d.isNegative() && !d.isZero())
            .orElse(Duration.ofSeconds(1));
    return new Throttled(bucket.scope(), address, counted, limit, wait);
  }

  private void remember(Bucket bucket, Full refusal) {
    if (full.size() >= MAX_REMEMBERED) {
      Instant now = clock.instant();
      full.values().removeIf(f -> !now.isBefore(f.until()));
      if (full.size() >= MAX_REMEMBERED) {
        full.clear();
      }
    }
    full.put(bucket, refusal);
  }

  /**
   * The address a client is counted under: the address as the server resolved it, except that an
   * IPv6 address counts as its /64 network (one subscriber's usual allocation, which an attacker
   * could otherwise walk through), and an empty one as {@code unknown}.
   */
  public static String addressOf(String ip) {
    String typed = ip == null ? "" : ip.strip();
    if (typed.isEmpty()) {
      return "unknown";
    }
    if (typed.indexOf(':') >= 0 && IPV6_LITERAL.matcher(typed).matches()) {
      try {
        // A literal with a colon is parsed, never looked up.
        InetAddress parsed = InetAddress.getByName(typed);
        if (parsed instanceof Inet6Address) {
          byte[] b = parsed.getAddress();
          return String.format(
              "%x:%x:%x:%x::/64",
              ((b[0] & 0xff) << 8) | (b[1] & 0xff),
              ((b[2] & 0xff) << 8) | (b[3] & 0xff),
              ((b[4] & 0xff) << 8) | (b[5] & 0xff),
              ((b[6] & 0xff) << 8) | (b[7] & 0xff));
        }
        return parsed.getHostAddress(); // an IPv4-mapped address
      } catch (UnknownHostException notAnAddress) {
        // Counted as typed.
      }
    }
    return typed.length() > 100 ? typed.substring(0, 100) : typed;
  }

  /** The attempts one password check took: given back or kept once its outcome is known. */
  public final class Claim {
    private final List<Bucket> taken;

    private Claim(List<Bucket> taken) {
      this.taken = List.copyOf(taken);
    }

    /** The right password: the name's count from this address is forgotten, the rest refunded. */
    public void succeeded() {
      for (Bucket bucket : taken) {
        if (bucket.scope() == Scope.NAME_AND_ADDRESS) {
          attempts.forget(bucket);
        } else {
          attempts.refund(bucket);
        }
        full.remove(bucket);
      }
    }

    /** The check did not run (no hashing capacity): nothing stays counted. */
    public void refund() {
      for (Bucket bucket : taken) {
        attempts.refund(bucket);
        full.remove(bucket);
      }
    }
  }

  /**
   * A full window: {@code rate_limited}, how long to wait, and the evidence for the audit record.
   * The detail is what the diagnosis quotes; it says scope, address and counts, never the password.
   */
  public static final class Throttled extends RetryLater {
    private final Scope scope;
    private final String address;
    private final int attempts;
    private final SignInThrottlePolicy.Limit limit;

    Throttled(
        Scope scope,
        String address,
        int attempts,
        SignInThrottlePolicy.Limit limit,
        Duration wait) {
      super(ErrorCode.RATE_LIMITED, detail(scope, address, attempts, limit, wait), wait);
      this.scope = scope;
      this.address = address;
      this.attempts = attempts;
      this.limit = limit;
    }

    private static String detail(
        Scope scope, String address, int attempts, SignInThrottlePolicy.Limit limit, Duration w) {
      String what =
          switch (scope) {
            case NAME_AND_ADDRESS -> "too many attempts for this name from this address";
            case ADDRESS -> "too many attempts from this address";
            case GLOBAL -> "too many attempts on the whole server";
          };
      return what
          + ": scope="
          + scope.code()
          + " address="
          + address
          + " attempts="
          + attempts
          + " limit="
          + limit.attempts()
          + " window="
          + limit.window().toSeconds()
          + "s retry-after="
          + Math.max(1, w.toSeconds() + (w.toNanosPart() > 0 ? 1 : 0))
          + "s";
    }

    public Scope scope() {
      return scope;
    }

    public String address() {
      return address;
    }

    public int attempts() {
      return attempts;
    }

    public SignInThrottlePolicy.Limit limit() {
      return limit;
    }
  }
}
