package io.latchkey.store;

import static io.latchkey.store.SqlValues.instant;
import static io.latchkey.store.SqlValues.time;
import static io.latchkey.store.SqlValues.uuid;

import io.latchkey.core.user.UserId;
import io.latchkey.core.usertoken.TokenKind;
import io.latchkey.core.usertoken.UserToken;
import io.latchkey.core.usertoken.UserTokenRepository;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * API sessions and tokens of every {@link TokenKind} in {@code user_api_tokens}, found by the
 * SHA-256 of their token (like API keys: an equality lookup of a hash tells an attacker nothing
 * without a preimage).
 */
public final class JdbcUserTokenRepository implements UserTokenRepository {
  private static final String COLUMNS =
      "id, kind, user_id, name, challenge_id, created_at, expires_at, revoked_at";

  private final JdbcClient jdbc;

  public JdbcUserTokenRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void insert(UserToken token, byte[] tokenHash) {
    jdbc.sql(
            "INSERT INTO user_api_tokens (id, kind, user_id, name, challenge_id, token_hash,"
                + " created_at, expires_at, revoked_at) VALUES (:id, :kind, :userId, :name,"
                + " :challengeId, :hash, :createdAt, :expiresAt, :revokedAt)")
        .param("id", token.id())
        .param("kind", token.kind().name())
        .param("userId", token.userId().value())
        .param("name", token.name())
        .param("challengeId", token.challengeId())
        .param("hash", tokenHash)
        .param("createdAt", time(token.createdAt()))
        .param("expiresAt", time(token.expiresAt()))
        .param("revokedAt", time(token.revokedAt()))
        .update();
  }

  @Override
  public Optional<UserToken> findByHash(byte[] tokenHash) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM user_api_tokens WHERE token_hash = :hash")
        .param("hash", tokenHash)
        .query(JdbcUserTokenRepository::token)
        .optional();
  }

  @Override
  public List<UserToken> listLive(TokenKind kind, Instant now) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM user_api_tokens WHERE kind = :kind AND revoked_at IS NULL"
                + " AND expires_at > :now ORDER BY created_at, id")
        .param("kind", kind.name())
        .param("now", time(now))
        .query(JdbcUserTokenRepository::token)
        .list();
  }

  @Override
  public int revokeAllForUser(UserId user, Instant at) {
    return jdbc.sql(
            "UPDATE user_api_tokens SET revoked_at = :at"
                + " WHERE user_id = :userId AND revoked_at IS NULL AND expires_at > :at")
        .param("at", time(at))
        .param("userId", user.value())
        .update();
  }

  @Override
  public boolean revoke(UUID id, Instant at) {
    return jdbc.sql(
                "UPDATE user_api_tokens SET revoked_at = :at WHERE id = :id AND revoked_at IS NULL")
            .param("at", time(at))
            .param("id", id)
            .update()
        == 1;
  }

  @Override
  public int deleteExpired(Instant before) {
    return jdbc.sql("DELETE FROM user_api_tokens WHERE expires_at < :before")
        .param("before", time(before))
        .update();
  }

  private static UserToken token(ResultSet rs, int row) throws SQLException {
    return new UserToken(
        uuid(rs, "id"),
        TokenKind.valueOf(rs.getString("kind")),
        new UserId(uuid(rs, "user_id")),
        rs.getString("name"),
        uuid(rs, "challenge_id"),
        instant(rs, "created_at"),
        instant(rs, "expires_at"),
        instant(rs, "revoked_at"));
  }
}
