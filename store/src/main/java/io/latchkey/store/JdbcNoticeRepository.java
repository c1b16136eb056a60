package io.latchkey.store;

import static io.latchkey.store.SqlValues.clip;
import static io.latchkey.store.SqlValues.correlationId;
import static io.latchkey.store.SqlValues.instant;
import static io.latchkey.store.SqlValues.text;
import static io.latchkey.store.SqlValues.time;
import static io.latchkey.store.SqlValues.uuid;

import io.latchkey.core.notice.Notice;
import io.latchkey.core.notice.NoticeKind;
import io.latchkey.core.notice.NoticeRepository;
import io.latchkey.core.notice.NoticeStatus;
import io.latchkey.core.user.EmailAddress;
import io.latchkey.core.user.UserId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Notices in the {@code notices} table (V6). Claims and state changes are conditional updates
 * judged by their row count: on PostgreSQL under READ COMMITTED a second updater of the same row
 * waits and re-checks the WHERE clause, and H2 does the same, so exactly one sender wins a notice
 * with no explicit lock and no database-specific syntax.
 */
public final class JdbcNoticeRepository implements NoticeRepository {
  private static final String COLUMNS =
      "id, user_id, kind, occurred_at, ip, user_agent, correlation_id, facts, recipient, status,"
          + " attempts, next_attempt_at, sent_at, last_error";
  private static final String DUE =
      "((status = 'PENDING' AND next_attempt_at <= :now)"
          + " OR (status = 'SENDING' AND claimed_until <= :now))";
  private static final int MAX_ERROR = 1000;

  private final JdbcClient jdbc;

  public JdbcNoticeRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void insert(Notice notice) {
    jdbc.sql(
            "INSERT INTO notices (id, user_id, kind, occurred_at, ip, user_agent, correlation_id,"
                + " facts, recipient, status, attempts, next_attempt_at, sent_at, last_error)"
                + " VALUES (:id, :userId, :kind, :at, :ip, :userAgent, :correlationId, :facts,"
                + " :recipient, :status, :attempts, :next, :sentAt, :lastError)")
        .param("id", notice.id())
        .param("userId", notice.userId().value())
        .param("kind", notice.kind().name())
        .param("at", time(notice.at()))
        .param("ip", clip(notice.ip(), 100))
        .param("userAgent", clip(notice.userAgent(), 1000))
        .param("correlationId", correlationId(notice.correlationId()))
        .param("facts", encode(notice.facts()))
        .param("recipient", text(notice.recipient() == null ? null : notice.recipient().value()))
        .param("status", notice.status().name())
        .param("attempts", notice.attempts())
        .param("next", time(notice.nextAttemptAt()))
        .param("sentAt", time(notice.sentAt()))
        .param("lastError", text(clip(notice.lastError(), MAX_ERROR)))
        .update();
  }

  @Override
  public Optional<Notice> findById(UUID id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM notices WHERE id = :id")
        .param("id", id)
        .query(JdbcNoticeRepository::notice)
        .optional();
  }

  @Override
  public List<Notice> recent(UserId userId, int limit) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM notices WHERE user_id = :userId"
                + " ORDER BY occurred_at DESC, seq DESC LIMIT :limit")
        .param("userId", userId.value())
        .param("limit", limit)
        .query(JdbcNoticeRepository::notice)
        .list();
  }

  @Override
  public List<UUID> due(Instant now, int limit) {
    return jdbc.sql("SELECT id FROM notices WHERE " + DUE + " ORDER BY seq LIMIT :limit")
        .param("now", time(now))
        .param("limit", limit)
        .query((rs, row) -> uuid(rs, "id"))
        .list();
  }

  @Override
  public Optional<Notice> claim(UUID id, String token, Instant now, Instant until) {
    int rows =
        jdbc.sql(
                "UPDATE notices SET status = 'SENDING', claim_token = :token,"
                    + " claimed_until = :until, attempts = attempts + 1"
                    + " WHERE id = :id AND "
                    + DUE)
            .param("token", token)
            .param("until", time(until))
            .param("id", id)
            .param("now", time(now))
            .update();
    return rows == 1 ? findById(id) : Optional.empty();
  }

  @Override
  public boolean markSent(UUID id, String token, Instant at) {
    return jdbc.sql(
                "UPDATE notices SET status = 'SENT', sent_at = :at, claim_token = NULL,"
                    + " claimed_until = NULL, next_attempt_at = NULL, last_error = NULL"
                    + " WHERE id = :id AND status = 'SENDING' AND claim_token = :token")
            .param("at", time(at))
            .param("id", id)
            .param("token", token)
            .update()
        == 1;
  }

  @Override
  public boolean reschedule(UUID id, String token, Instant next, String error) {
    return jdbc.sql(
                "UPDATE notices SET status = 'PENDING', next_attempt_at = :next,"
                    + " last_error = :error, claim_token = NULL, claimed_until = NULL"
                    + " WHERE id = :id AND status = 'SENDING' AND claim_token = :token")
            .param("next", time(next))
            .param("error", text(clip(error, MAX_ERROR)))
            .param("id", id)
            .param("token", token)
            .update()
        == 1;
  }

  @Override
  public boolean markFailed(UUID id, String token, String error) {
    return jdbc.sql(
                "UPDATE notices SET status = 'FAILED', next_attempt_at = NULL,"
                    + " last_error = :error, claim_token = NULL, claimed_until = NULL"
                    + " WHERE id = :id AND status = 'SENDING' AND claim_token = :token")
            .param("error", text(clip(error, MAX_ERROR)))
            .param("id", id)
            .param("token", token)
            .update()
        == 1;
  }

  /** name=value pairs joined by '&'; '%', '&' and '=' in either escaped. */
  static String encode(Map<String, String> facts) {
    StringJoiner out = new StringJoiner("&");
    facts.forEach((name, value) -> out.add(escape(name) + "=" + escape(value)));
    return out.toString();
  }

  static Map<String, String> decode(String text) {
    Map<String, String> facts = new LinkedHashMap<>();
    if (text == null || text.isEmpty()) {
      return facts;
    }
    for (String pair : text.split("&", -1)) {
      int eq = pair.indexOf('=');
      if (eq < 0) {
        throw new IllegalStateException("malformed notice facts");
      }
      facts.put(unescape(pair.substring(0, eq)), unescape(pair.substring(eq + 1)));
    }
    return facts;
  }

  private static String escape(String value) {
    return value.replace("%", "%25").replace("&", "%26").replace("=", "%3D");
  }

  private static String unescape(String value) {
    return value.replace("%3D", "=").replace("%26", "&").replace("%25", "%");
  }

  private static Notice notice(ResultSet rs, int row) throws SQLException {
    String recipient = rs.getString("recipient");
    return new Notice(
        uuid(rs, "id"),
        new UserId(uuid(rs, "user_id")),
        NoticeKind.valueOf(rs.getString("kind")),
        instant(rs, "occurred_at"),
        rs.getString("ip"),
        rs.getString("user_agent"),
        correlationId(rs, "correlation_id"),
        decode(rs.getString("facts")),
        recipient == null ? null : new EmailAddress(recipient),
        NoticeStatus.valueOf(rs.getString("status")),
        rs.getInt("attempts"),
        instant(rs, "next_attempt_at"),
        instant(rs, "sent_at"),
        rs.getString("last_error"));
  }
}
