package io.latchkey.store;

import static io.latchkey.store.SqlValues.clip;
import static io.latchkey.store.SqlValues.instant;
import static io.latchkey.store.SqlValues.time;
import static io.latchkey.store.SqlValues.uuid;

import io.latchkey.core.apikey.ApiKey;
import io.latchkey.core.apikey.ApiKeyRepository;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * API keys in the {@code api_keys} table, found by the SHA-256 of their token. Looking a hash up by
 * equality leaks nothing useful through timing: an attacker would need a preimage of the hash to
 * learn anything from it.
 */
public final class JdbcApiKeyRepository implements ApiKeyRepository {
  private static final String COLUMNS = "id, name, prefix, created_at, created_by, revoked_at";
  private static final int MAX_CREATED_BY = 200;

  private final JdbcClient jdbc;

  public JdbcApiKeyRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void insert(ApiKey key, byte[] tokenHash) {
    jdbc.sql(
            "INSERT INTO api_keys (id, name, prefix, token_hash, created_at, created_by,"
                + " revoked_at) VALUES (:id, :name, :prefix, :hash, :createdAt, :createdBy,"
                + " :revokedAt)")
        .param("id", key.id())
        .param("name", key.name())
        .param("prefix", key.prefix())
        .param("hash", tokenHash)
        .param("createdAt", time(key.createdAt()))
        .param("createdBy", clip(key.createdBy() == null ? "" : key.createdBy(), MAX_CREATED_BY))
        .param("revokedAt", time(key.revokedAt()))
        .update();
  }

  @Override
  public Optional<ApiKey> findActiveByHash(byte[] tokenHash) {
    return jdbc.sql(
            "SELECT " + COLUMNS + " FROM api_keys WHERE token_hash = :hash AND revoked_at IS NULL")
        .param("hash", tokenHash)
        .query(JdbcApiKeyRepository::apiKey)
        .optional();
  }

  @Override
  public List<ApiKey> list() {
    return jdbc.sql("SELECT " + COLUMNS + " FROM api_keys ORDER BY created_at, name")
        .query(JdbcApiKeyRepository::apiKey)
        .list();
  }

  @Override
  public boolean revoke(UUID id, Instant at) {
    return jdbc.sql("UPDATE api_keys SET revoked_at = :at WHERE id = :id AND revoked_at IS NULL")
            .param("at", time(at))
            .param("id", id)
            .update()
        == 1;
  }

  private static ApiKey apiKey(ResultSet rs, int row) throws SQLException {
    return new ApiKey(
        uuid(rs, "id"),
        rs.getString("name"),
        rs.getString("prefix"),
        instant(rs, "created_at"),
        rs.getString("created_by"),
        instant(rs, "revoked_at"));
  }
}
