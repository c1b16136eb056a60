package io.latchkey.core.alert;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

public interface AlertRepository {
  void raise(Alert alert);

  /** The newest alerts first; unacknowledged only if {@code openOnly}. */
  List<Alert> recent(boolean openOnly, int limit);

  /** The alert, acknowledged or not. */
  Optional<Alert> find(UUID id);

  boolean acknowledge(UUID id, Instant at);
}
