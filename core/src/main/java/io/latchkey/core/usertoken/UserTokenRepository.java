package io.latchkey.core.usertoken;

import io.latchkey.core.user.UserId;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** Storage of user API sessions, found by the SHA-256 of their token (never the token). */
public interface UserTokenRepository {
  void insert(UserToken token, byte[] tokenHash);

  /** The session whose token hashes to {@code tokenHash}, revoked or expired ones included. */
  Optional<UserToken> findByHash(byte[] tokenHash);

  /** Revokes a session that is not revoked yet; true if this call did it. */
  boolean revoke(UUID id, Instant at);

  /**
   * Revokes every live session of the user (an unblock or an enable).
   *
   * @return how many this call revoked
   */
  int revokeAllForUser(UserId user, Instant at);

  /** Deletes sessions that expired before {@code before}; returns how many. */
  int deleteExpired(Instant before);
}
