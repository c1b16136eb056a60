package io.latchkey.core.testing;

import io.latchkey.core.policy.PolicyRecord;
import io.latchkey.core.policy.PolicyRepository;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/** Policy versions in memory; a taken version number is refused, as the store's primary key. */
public final class InMemoryPolicyRepository implements PolicyRepository {
  private final TreeMap<Long, PolicyRecord> versions = new TreeMap<>();
  private int reads;

  @Override
  public synchronized Optional<PolicyRecord> latest() {
    reads++;
    return versions.isEmpty() ? Optional.empty() : Optional.of(versions.lastEntry().getValue());
  }

  @Override
  public synchronized boolean insert(PolicyRecord version) {
    return versions.putIfAbsent(version.version(), version) == null;
  }

  @Override
  public synchronized List<PolicyRecord> history(int limit) {
    List<PolicyRecord> out = new ArrayList<>(versions.values());
    out.sort(Comparator.comparingLong(PolicyRecord::version).reversed());
    return out.subList(0, Math.min(limit, out.size()));
  }

  /** How often the newest version was read. */
  public synchronized int reads() {
    return reads;
  }
}
