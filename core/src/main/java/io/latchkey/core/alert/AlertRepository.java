package io.latchkey.core.alert;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

public interface AlertRepository {
  void raise(Alert alert);

  /** The newest alerts first; unacknowledged only if {@code openOnly}. */
  List<Alert> recent(boolean openOnly, int limit);

  boolean acknowledge(UUID id, Instant at);
}
