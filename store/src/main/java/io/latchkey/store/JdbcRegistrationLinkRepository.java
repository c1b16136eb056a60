package io.latchkey.store;

import static io.latchkey.store.SqlValues.clip;
import static io.latchkey.store.SqlValues.instant;
import static io.latchkey.store.SqlValues.time;
import static io.latchkey.store.SqlValues.uuid;

import io.latchkey.core.recovery.RegistrationLink;
import io.latchkey.core.recovery.RegistrationLinkRepository;
import io.latchkey.core.user.UserId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Registration links in the {@code registration_links} table, found by their token's hash. */
public final class JdbcRegistrationLinkRepository implements RegistrationLinkRepository {
  private static final String COLUMNS =
      "id, user_id, created_at, expires_at, created_by, used_at, revoked_at";

  private final JdbcClient jdbc;

  public JdbcRegistrationLinkRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void insert(RegistrationLink link, byte[] tokenHash) {
    jdbc.sql(
            "INSERT INTO registration_links (id, user_id, token_hash, created_at, expires_at,"
                + " created_by, used_at, revoked_at) VALUES (:id, :userId, :hash, :createdAt,"
                + " :expiresAt, :createdBy, :usedAt, :revokedAt)")
        .param("id", link.id())
        .param("userId", link.userId().value())
        .param("hash", tokenHash)
        .param("createdAt", time(link.createdAt()))
        .param("expiresAt", time(link.expiresAt()))
        .param("createdBy", clip(link.createdBy(), 200))
        .param("usedAt", time(link.usedAt()))
        .param("revokedAt", time(link.revokedAt()))
        .update();
  }

  @Override
  public Optional<RegistrationLink> findByTokenHash(byte[] tokenHash) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM registration_links WHERE token_hash = :hash")
        .param("hash", tokenHash)
        .query(JdbcRegistrationLinkRepository::link)
        .optional();
  }

  @Override
  public boolean markUsedIfUsable(UUID id, Instant now) {
    return jdbc.sql(
                "UPDATE registration_links SET used_at = :now WHERE id = :id AND used_at IS NULL"
                    + " AND revoked_at IS NULL AND expires_at > :now")
            .param("now", time(now))
            .param("id", id)
            .update()
        == 1;
  }

  @Override
  public int revokeUnused(UserId userId, Instant at) {
    return jdbc.sql(
            "UPDATE registration_links SET revoked_at = :at WHERE user_id = :userId"
                + " AND used_at IS NULL AND revoked_at IS NULL")
        .param("at", time(at))
        .param("userId", userId.value())
        .update();
  }

  private static RegistrationLink link(ResultSet rs, int row) throws SQLException {
    return new RegistrationLink(
        uuid(rs, "id"),
        new UserId(uuid(rs, "user_id")),
        instant(rs, "created_at"),
        instant(rs, "expires_at"),
        rs.getString("created_by"),
        instant(rs, "used_at"),
        instant(rs, "revoked_at"));
  }
}
