package io.latchkey.core.testing;

import io.latchkey.core.apikey.ApiKey;
import io.latchkey.core.apikey.ApiKeyRepository;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * API keys in memory, keyed by the token hash the service hands over: this fake never sees a token,
 * so a test can check that nothing else is stored. {@link #revoke} is conditional on the key being
 * active.
 */
public final class InMemoryApiKeyRepository implements ApiKeyRepository {
  private record Row(ApiKey key, byte[] tokenHash) {}

  private final List<Row> rows = new ArrayList<>();
  private int lookups;

  /** The token hashes stored, in insertion order (copies). */
  public synchronized List<byte[]> storedHashes() {
    return rows.stream().map(r -> r.tokenHash().clone()).toList();
  }

  /** How often {@link #findActiveByHash} was asked. */
  public synchronized int lookups() {
    return lookups;
  }

  @Override
  public synchronized void insert(ApiKey key, byte[] tokenHash) {
    if (rows.stream().anyMatch(r -> r.key().id().equals(key.id()))) {
      throw new IllegalArgumentException("duplicate key id " + key.id());
    }
    rows.add(new Row(key, tokenHash.clone()));
  }

  @Override
  public synchronized Optional<ApiKey> findActiveByHash(byte[] tokenHash) {
    lookups++;
    return rows.stream()
        .filter(r -> r.key().active() && MessageDigest.isEqual(r.tokenHash(), tokenHash))
        .map(Row::key)
        .findFirst();
  }

  @Override
  public synchronized List<ApiKey> list() {
    return rows.stream()
        .map(Row::key)
        .sorted(Comparator.comparing(ApiKey::createdAt).thenComparing(ApiKey::name))
        .toList();
  }

  @Override
  public synchronized boolean revoke(UUID id, Instant at) {
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      if (row.key().id().equals(id) && row.key().active()) {
        ApiKey k = row.key();
        rows.set(
            i,
            new Row(
                new ApiKey(k.id(), k.name(), k.prefix(), k.createdAt(), k.createdBy(), at),
                row.tokenHash()));
        return true;
      }
    }
    return false;
  }
}
