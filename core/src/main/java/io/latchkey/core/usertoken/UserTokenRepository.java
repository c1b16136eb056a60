package io.latchkey.core.usertoken;

import io.latchkey.core.user.UserId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Storage of API sessions and tokens of every kind, found by the SHA-256 of their token. */
public interface UserTokenRepository {
  void insert(UserToken token, byte[] tokenHash);

  /** The session whose token hashes to {@code tokenHash}, revoked or expired ones included. */
  Optional<UserToken> findByHash(byte[] tokenHash);

  /** Live (unrevoked, unexpired at {@code now}) tokens of one kind, oldest first. */
  List<UserToken> listLive(TokenKind kind, Instant now);

  /** Revokes a session that is not revoked yet; true if this call did it (so only one caller). */
  boolean revoke(UUID id, Instant at);

  /**
   * Revokes every live session and token of the user, of every kind (a block's end, an enable, a
   * reset of MFA).
   *
   * @return how many this call revoked
   */
  int revokeAllForUser(UserId user, Instant at);

  /** Deletes sessions that expired before {@code before}; returns how many. */
  int deleteExpired(Instant before);
}
