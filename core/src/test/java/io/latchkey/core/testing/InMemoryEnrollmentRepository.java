package io.latchkey.core.testing;

import io.latchkey.core.enrollment.Enrollment;
import io.latchkey.core.enrollment.EnrollmentRepository;
import io.latchkey.core.enrollment.EnrollmentState;
import io.latchkey.core.method.MethodKind;
import io.latchkey.core.user.UserId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * Registrations in memory, honouring the contract of {@link EnrollmentRepository}: at most one
 * pending attempt per user and kind (the unique pending key), and {@link #finish} as one
 * conditional update that only a {@code STARTED} attempt passes, wiping the secret. List order is
 * insertion order, which breaks ties in time as the store's sequence column does.
 */
public final class InMemoryEnrollmentRepository implements EnrollmentRepository {
  private final List<Enrollment> rows = new ArrayList<>();

  /** Every attempt ever stored, in insertion order. */
  public synchronized List<Enrollment> all() {
    return List.copyOf(rows);
  }

  @Override
  public synchronized boolean insertPending(Enrollment enrollment) {
    if (enrollment.state() != EnrollmentState.STARTED || enrollment.secret() == null) {
      throw new IllegalArgumentException("a pending registration is STARTED and has a secret");
    }
    if (rows.stream().anyMatch(e -> e.id().equals(enrollment.id()))) {
      throw new IllegalArgumentException("duplicate registration id " + enrollment.id());
    }
    if (findPending(enrollment.userId(), enrollment.kind()).isPresent()) {
      return false;
    }
    rows.add(enrollment);
    return true;
  }

  @Override
  public synchronized Optional<Enrollment> findById(UUID id) {
    return rows.stream().filter(e -> e.id().equals(id)).findFirst();
  }

  @Override
  public synchronized Optional<Enrollment> findPending(UserId userId, MethodKind kind) {
    return rows.stream()
        .filter(e -> e.state().pending() && e.userId().equals(userId) && e.kind() == kind)
        .findFirst();
  }

  @Override
  public synchronized Optional<Enrollment> findLatest(UserId userId, MethodKind kind) {
    return IntStream.range(0, rows.size())
        .boxed()
        .filter(i -> rows.get(i).userId().equals(userId) && rows.get(i).kind() == kind)
        .max(
            Comparator.<Integer, Instant>comparing(i -> rows.get(i).createdAt())
                .thenComparing(Comparator.naturalOrder()))
        .map(rows::get);
  }

  @Override
  public synchronized boolean finish(UUID id, EnrollmentState to, Instant at) {
    if (to.pending()) {
      throw new IllegalArgumentException("finish moves a registration to a final state, not " + to);
    }
    for (int i = 0; i < rows.size(); i++) {
      Enrollment e = rows.get(i);
      if (e.id().equals(id)) {
        if (e.state() != EnrollmentState.STARTED) {
          return false;
        }
        rows.set(
            i,
            new Enrollment(
                e.id(),
                e.flowId(),
                e.userId(),
                e.kind(),
                to,
                e.attempt(),
                null,
                e.parameters(),
                e.createdAt(),
                e.deadline(),
                e.correlationId(),
                e.ip(),
                e.userAgent()));
        return true;
      }
    }
    return false;
  }

  @Override
  public synchronized List<Enrollment> findOverdue(Instant now, int limit) {
    return rows.stream()
        .filter(e -> e.state() == EnrollmentState.STARTED && !e.deadline().isAfter(now))
        .sorted(Comparator.comparing(Enrollment::deadline))
        .limit(limit)
        .toList();
  }
}
