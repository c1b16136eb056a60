package io.latchkey.core.recovery;

import io.latchkey.core.user.UserId;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** Storage of registration links, found by the hash of their token. */
public interface RegistrationLinkRepository {
  void insert(RegistrationLink link, byte[] tokenHash);

  Optional<RegistrationLink> findByTokenHash(byte[] tokenHash);

  /**
   * Redeems a link: {@code UPDATE ... SET used_at WHERE id = ? AND used_at IS NULL AND revoked_at
   * IS NULL AND expires_at > now}, so a link opens at most one session even when two browsers race.
   */
  boolean markUsedIfUsable(UUID id, Instant now);

  /** Revokes the user's unused links (a newer one replaces them, or their MFA was reset). */
  int revokeUnused(UserId userId, Instant at);
}
