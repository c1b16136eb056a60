package io.latchkey.core.apikey;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

public interface ApiKeyRepository {
  void insert(ApiKey key, byte[] tokenHash);

  /** The active key whose token hashes to {@code tokenHash}. */
  Optional<ApiKey> findActiveByHash(byte[] tokenHash);

  List<ApiKey> list();

  boolean revoke(UUID id, Instant at);
}
