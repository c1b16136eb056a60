package io.latchkey.core.policy;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * The one current policy, versioned in the database, so every node applies a change without a
 * restart. Version 0 is what the configuration says; each {@link #update} stores the next version
 * with who, when, why and the field-by-field difference, audited as {@code policy.changed}.
 *
 * <p>Services read {@link #current()} on every use. It is cached for at most {@link #CACHE_BOUND}
 * (one indexed read per second per node at most, however busy the node): a change made on this node
 * applies here at once, and on every other node within that bound.
 */
public final class Policies {
  /** How long a node may apply a policy read from the database before it reads it again. */
  public static final Duration CACHE_BOUND = Duration.ofSeconds(1);

  private static final int MAX_REASON = 500;

  private final PolicyRepository repository;
  private final AuditLog audit;
  private final Clock clock;
  private final PolicyVersion initial;
  private final LongSupplier nanoTime;
  private final long boundNanos;
  private volatile Cached cached;

  private record Cached(PolicyVersion version, long readAt) {}

  public Policies(PolicyRepository repository, AuditLog audit, Clock clock, Policy initial) {
    this(repository, audit, clock, initial, System::nanoTime, CACHE_BOUND);
  }

  /**
   * @param nanoTime a monotonic tick for the cache (not the domain clock, which tests stop)
   * @param cacheBound how long a read stays in force; zero reads on every use
   */
  public Policies(
      PolicyRepository repository,
      AuditLog audit,
      Clock clock,
      Policy initial,
      LongSupplier nanoTime,
      Duration cacheBound) {
    this.repository = repository;
    this.audit = audit;
    this.clock = clock;
    this.initial = PolicyVersion.initial(initial);
    this.nanoTime = nanoTime;
    this.boundNanos = cacheBound.toNanos();
  }

  /** The policy in force: the newest version, read at most {@link #CACHE_BOUND} ago. */
  public PolicyVersion current() {
    Cached seen = cached;
    long now = nanoTime.getAsLong();
    if (seen != null && now - seen.readAt() < boundNanos) {
      return seen.version();
    }
    PolicyVersion latest = latest();
    cached = new Cached(latest, now);
    return latest;
  }

  /** The newest version, read from the database now. */
  public PolicyVersion latest() {
    return repository.latest().map(this::version).orElse(initial);
  }

  /** The initial policy (version 0, the configuration). */
  public PolicyVersion initial() {
    return initial;
  }

  /** Every version, newest first, ending with version 0 when it is within {@code limit}. */
  public List<PolicyVersion> history(int limit) {
    List<PolicyVersion> out = new ArrayList<>();
    for (PolicyRecord stored : repository.history(limit)) {
      out.add(version(stored));
    }
    if (out.size() < limit) {
      out.add(initial);
    }
    return out;
  }

  /**
   * A new version with {@code changes} (key name to typed value) applied to the newest one.
   * Changing nothing makes no version and returns the newest.
   *
   * @param ifVersion when not null, the version the administrator saw: anything newer is a {@code
   *     conflict}
   * @throws LatchkeyException {@code bad_request} for an unknown key, a value out of range (both
   *     named) or a missing reason; {@code conflict} when the policy changed meanwhile, here or on
   *     another node
   */
  public PolicyVersion update(
      Map<String, String> changes,
      String actingAdmin,
      String reason,
      Long ifVersion,
      RequestContext context) {
    String why = reason == null ? "" : reason.strip();
    if (why.isEmpty()) {
      throw new LatchkeyException(ErrorCode.BAD_REQUEST, "'reason' is required: say why");
    }
    if (why.length() > MAX_REASON) {
      throw new LatchkeyException(
          ErrorCode.BAD_REQUEST, "'reason' has at most " + MAX_REASON + " characters");
    }
    if (changes.isEmpty()) {
      throw new LatchkeyException(ErrorCode.BAD_REQUEST, "no setting to change was given");
    }
    PolicyVersion before = latest();
    if (ifVersion != null && ifVersion != before.version()) {
      throw new LatchkeyException(
          ErrorCode.CONFLICT,
          "the policy is at version "
              + before.version()
              + ", not "
              + ifVersion
              + ": another administrator changed it meanwhile; reload and try again");
    }
    Policy after = before.policy().with(changes);
    List<PolicyChange> diff = after.changesFrom(before.policy());
    if (diff.isEmpty()) {
      return before;
    }
    PolicyRecord stored =
        new PolicyRecord(
            before.version() + 1,
            names(after),
            clock.instant(),
            actingAdmin,
            why,
            context.correlationId(),
            diff);
    if (!repository.insert(stored)) {
      throw new LatchkeyException(
          ErrorCode.CONFLICT,
          "version "
              + stored.version()
              + " was written by another administrator at the same time; reload and try again");
    }
    PolicyVersion made = version(stored);
    cached = new Cached(made, nanoTime.getAsLong());
    audit.record(
        AuditEvent.of(AuditEventType.POLICY_CHANGED, context, clock.instant())
            .reason("version_" + made.version())
            .detail(
                "policy version "
                    + made.version()
                    + " by "
                    + actingAdmin
                    + ": "
                    + diff.stream().map(PolicyChange::toString).collect(Collectors.joining("; "))
                    + ". Reason: "
                    + why)
            .build());
    return made;
  }

  private PolicyVersion version(PolicyRecord stored) {
    Map<String, String> settings = new LinkedHashMap<>();
    for (Map.Entry<PolicyKey, String> entry : initial.policy().settings().entrySet()) {
      settings.put(entry.getKey().key(), entry.getValue());
    }
    for (Map.Entry<String, String> entry : stored.settings().entrySet()) {
      // A key a later release dropped is ignored rather than making the policy unreadable.
      Optional<PolicyKey> key = PolicyKey.of(entry.getKey());
      key.ifPresent(k -> settings.put(k.key(), entry.getValue()));
    }
    return new PolicyVersion(
        stored.version(),
        initial.policy().with(settings),
        stored.changedAt(),
        stored.changedBy(),
        stored.reason(),
        stored.correlationId(),
        stored.changes());
  }

  private static Map<String, String> names(Policy policy) {
    Map<String, String> out = new LinkedHashMap<>();
    policy.settings().forEach((key, value) -> out.put(key.key(), value));
    return out;
  }
}
