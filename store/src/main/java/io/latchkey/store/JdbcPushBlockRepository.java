package io.latchkey.store;

import static io.latchkey.store.SqlValues.clip;
import static io.latchkey.store.SqlValues.correlationId;
import static io.latchkey.store.SqlValues.instant;
import static io.latchkey.store.SqlValues.time;
import static io.latchkey.store.SqlValues.uuid;

import io.latchkey.core.push.PushBlock;
import io.latchkey.core.push.PushBlockRepository;
import io.latchkey.core.user.UserId;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Pushes paused per user in {@code push_blocks}: a row exists while they are paused. The primary
 * key on the user decides between racing blocks (several denials on several nodes): exactly one
 * insert wins, and the first reason and cause stay.
 */
public final class JdbcPushBlockRepository implements PushBlockRepository {
  private static final int MAX_REASON = 1000;

  private final JdbcClient jdbc;

  public JdbcPushBlockRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Inserts the block only if there is none, so the common case of an already blocked user is a
   * plain "no" rather than a refused insert. Only two blocks racing for one user reach the primary
   * key, which on PostgreSQL aborts an enclosing transaction: call this outside one. False for a
   * user who does not exist.
   */
  @Override
  public boolean block(PushBlock block) {
    try {
      return jdbc.sql(
                  "INSERT INTO push_blocks (user_id, reason, blocked_at, cause_correlation_id)"
                      + " SELECT u.id, :reason, :blockedAt, :cause FROM users u WHERE u.id ="
                      + " :userId AND NOT EXISTS (SELECT 1 FROM push_blocks b"
                      + " WHERE b.user_id = :userId)")
              .param("reason", clip(block.reason() == null ? "" : block.reason(), MAX_REASON))
              .param("blockedAt", time(block.blockedAt()))
              .param("cause", correlationId(block.cause()))
              .param("userId", block.userId().value())
              .update()
          == 1;
    } catch (DuplicateKeyException racedBlock) {
      return false;
    }
  }

  @Override
  public Optional<PushBlock> find(UserId userId) {
    return jdbc.sql(
            "SELECT user_id, reason, blocked_at, cause_correlation_id FROM push_blocks"
                + " WHERE user_id = :userId")
        .param("userId", userId.value())
        .query(
            (rs, row) ->
                new PushBlock(
                    new UserId(uuid(rs, "user_id")),
                    rs.getString("reason"),
                    instant(rs, "blocked_at"),
                    correlationId(rs, "cause_correlation_id")))
        .optional();
  }

  @Override
  public boolean unblock(UserId userId) {
    return jdbc.sql("DELETE FROM push_blocks WHERE user_id = :userId")
            .param("userId", userId.value())
            .update()
        == 1;
  }
}
