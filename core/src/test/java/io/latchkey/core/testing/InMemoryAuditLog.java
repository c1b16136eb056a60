package io.latchkey.core.testing;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.AuditQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * An append-only audit log in memory. {@link #search} filters as the store's does: a correlation ID
 * matches its own events and every event of the flows those events belong to; {@code from} is
 * inclusive, {@code to} exclusive; oldest first (insertion order breaks ties), or newest first.
 */
public final class InMemoryAuditLog implements AuditLog {
  private final List<AuditEvent> events = new ArrayList<>();

  @Override
  public synchronized void record(AuditEvent event) {
    events.add(Objects.requireNonNull(event, "event"));
  }

  /** Every event recorded, oldest first. */
  public synchronized List<AuditEvent> events() {
    return List.copyOf(events);
  }

  /** The events of one type, oldest first. */
  public synchronized List<AuditEvent> ofType(AuditEventType type) {
    return events.stream().filter(e -> e.type() == type).toList();
  }

  /**
   * The one event of {@code type}.
   *
   * @throws AssertionError unless exactly one was recorded
   */
  public synchronized AuditEvent single(AuditEventType type) {
    List<AuditEvent> found = ofType(type);
    if (found.size() != 1) {
      throw new AssertionError(
          "expected one " + type.wireName() + " event, found " + found.size() + ": " + types());
    }
    return found.get(0);
  }

  /** The types of every event recorded, oldest first. */
  public synchronized List<AuditEventType> types() {
    return events.stream().map(AuditEvent::type).toList();
  }

  @Override
  public synchronized List<AuditEvent> search(AuditQuery query) {
    Set<UUID> flows =
        query.correlationId() == null
            ? Set.of()
            : events.stream()
                .filter(e -> query.correlationId().equals(e.correlationId()) && e.flowId() != null)
                .map(AuditEvent::flowId)
                .collect(Collectors.toSet());
    List<AuditEvent> ordered = new ArrayList<>(events);
    ordered.sort(java.util.Comparator.comparing(AuditEvent::at));
    if (query.newestFirst()) {
      java.util.Collections.reverse(ordered);
    }
    return ordered.stream()
        .filter(
            e ->
                query.correlationId() == null
                    || query.correlationId().equals(e.correlationId())
                    || (e.flowId() != null && flows.contains(e.flowId())))
        .filter(e -> query.userId() == null || query.userId().equals(e.userId()))
        .filter(e -> query.type() == null || query.type() == e.type())
        .filter(e -> query.success() == null || query.success() == e.success())
        .filter(e -> query.from() == null || !e.at().isBefore(query.from()))
        .filter(e -> query.to() == null || e.at().isBefore(query.to()))
        .limit(query.limit())
        .toList();
  }
}
