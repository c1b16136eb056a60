package io.latchkey.store;

import static io.latchkey.store.SqlValues.clip;
import static io.latchkey.store.SqlValues.instant;
import static io.latchkey.store.SqlValues.time;
import static io.latchkey.store.SqlValues.uuid;

import io.latchkey.core.method.Method;
import io.latchkey.core.method.MethodId;
import io.latchkey.core.method.MethodKind;
import io.latchkey.core.method.MethodRepository;
import io.latchkey.core.user.UserId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The registered methods of every kind, in the {@code methods} table. Each kind's own data (the
 * TOTP secret, ...) hangs off a method row with {@code ON DELETE CASCADE}, so removing a method
 * removes its secret in the same statement.
 */
public final class JdbcMethodRepository implements MethodRepository {
  private static final String COLUMNS =
      "m.id, m.user_id, m.kind, m.label, m.created_at, m.registered_ip, m.registered_user_agent,"
          + " m.last_used_at";
  private static final int MAX_LABEL = 200;
  private static final int MAX_IP = 100;
  private static final int MAX_USER_AGENT = 1000;

  private final JdbcClient jdbc;

  public JdbcMethodRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public List<Method> listByUser(UserId userId) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM methods m WHERE m.user_id = :userId ORDER BY m.created_at, m.id")
        .param("userId", userId.value())
        .query(JdbcMethodRepository::method)
        .list();
  }

  @Override
  public void insert(Method method) {
    insert(jdbc, method);
  }

  @Override
  public boolean delete(UserId userId, MethodId methodId) {
    return jdbc.sql("DELETE FROM methods WHERE id = :id AND user_id = :userId")
            .param("id", methodId.value())
            .param("userId", userId.value())
            .update()
        == 1;
  }

  @Override
  public int deleteAllForUser(UserId userId) {
    return jdbc.sql("DELETE FROM methods WHERE user_id = :userId")
        .param("userId", userId.value())
        .update();
  }

  /**
   * Inserts the shared part of a method; the repository of its kind adds its own row in the same
   * transaction.
   */
  static void insert(JdbcClient jdbc, Method method) {
    jdbc.sql(
            "INSERT INTO methods (id, user_id, kind, label, created_at, registered_ip,"
                + " registered_user_agent, last_used_at) VALUES (:id, :userId, :kind, :label,"
                + " :createdAt, :ip, :userAgent, :lastUsedAt)")
        .param("id", method.id().value())
        .param("userId", method.userId().value())
        .param("kind", method.kind().name())
        .param("label", clip(method.label(), MAX_LABEL))
        .param("createdAt", time(method.createdAt()))
        .param("ip", clip(nullToEmpty(method.registeredIp()), MAX_IP))
        .param("userAgent", clip(nullToEmpty(method.registeredUserAgent()), MAX_USER_AGENT))
        .param("lastUsedAt", time(method.lastUsedAt()))
        .update();
  }

  private static String nullToEmpty(String text) {
    return text == null ? "" : text;
  }

  private static Method method(ResultSet rs, int row) throws SQLException {
    return new Method(
        new MethodId(uuid(rs, "id")),
        new UserId(uuid(rs, "user_id")),
        MethodKind.valueOf(rs.getString("kind")),
        rs.getString("label"),
        instant(rs, "created_at"),
        rs.getString("registered_ip"),
        rs.getString("registered_user_agent"),
        instant(rs, "last_used_at"));
  }
}
