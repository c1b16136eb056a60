package io.latchkey.core.testing;

import io.latchkey.core.recovery.RegistrationLink;
import io.latchkey.core.recovery.RegistrationLinkRepository;
import io.latchkey.core.user.UserId;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Registration links in memory, keyed by the hash of their token. */
public final class InMemoryRegistrationLinkRepository implements RegistrationLinkRepository {
  private final Map<ByteBuffer, RegistrationLink> byHash = new LinkedHashMap<>();

  @Override
  public synchronized void insert(RegistrationLink link, byte[] tokenHash) {
    byHash.put(ByteBuffer.wrap(tokenHash.clone()), link);
  }

  @Override
  public synchronized Optional<RegistrationLink> findByTokenHash(byte[] tokenHash) {
    return Optional.ofNullable(byHash.get(ByteBuffer.wrap(tokenHash)));
  }

  @Override
  public synchronized boolean markUsedIfUsable(UUID id, Instant now) {
    for (Map.Entry<ByteBuffer, RegistrationLink> e : byHash.entrySet()) {
      RegistrationLink l = e.getValue();
      if (l.id().equals(id) && l.usableAt(now)) {
        e.setValue(
            new RegistrationLink(
                l.id(), l.userId(), l.createdAt(), l.expiresAt(), l.createdBy(), now, null));
        return true;
      }
    }
    return false;
  }

  @Override
  public synchronized int revokeUnused(UserId userId, Instant at) {
    int count = 0;
    for (Map.Entry<ByteBuffer, RegistrationLink> e : byHash.entrySet()) {
      RegistrationLink l = e.getValue();
      if (l.userId().equals(userId) && l.usedAt() == null && l.revokedAt() == null) {
        e.setValue(
            new RegistrationLink(
                l.id(), l.userId(), l.createdAt(), l.expiresAt(), l.createdBy(), null, at));
        count++;
      }
    }
    return count;
  }
}
