package io.latchkey.store;

import static io.latchkey.store.SqlValues.clip;
import static io.latchkey.store.SqlValues.correlationId;
import static io.latchkey.store.SqlValues.instant;
import static io.latchkey.store.SqlValues.time;
import static io.latchkey.store.SqlValues.uuid;

import io.latchkey.core.push.Challenge;
import io.latchkey.core.push.ChallengeRepository;
import io.latchkey.core.push.ChallengeState;
import io.latchkey.core.tx.Transactions;
import io.latchkey.core.user.UserId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Push challenges in {@code push_challenges}. A challenge leaves {@code PENDING} in one conditional
 * {@code UPDATE ... WHERE state = 'PENDING' AND ...} judged by its row count: the database
 * re-checks the condition on the latest committed row after waiting for a concurrent writer
 * (PostgreSQL READ COMMITTED, H2's row locks), so of any number of racing answers, expiries and
 * replays on any number of nodes exactly one changes the row (SECURITY-TESTS F3).
 */
public final class JdbcChallengeRepository implements ChallengeRepository {
  private static final String COLUMNS =
      "c.id, c.user_id, c.username, c.purpose, c.device_id, c.application, c.requester_ip,"
          + " c.number, c.created_at, c.expires_at, c.state, c.answered_by, c.answered_at,"
          + " c.correlation_id";
  private static final int MAX_USERNAME = 256;
  private static final int MAX_APPLICATION = 200;
  private static final int MAX_IP = 100;

  private final JdbcClient jdbc;
  private final Transactions transactions;

  /**
   * @param transactions makes the limit check and the insert one unit under a lock on the user's
   *     row; it joins the caller's transaction when there is one. Its transaction manager must be
   *     over the same data source as {@code jdbc}.
   */
  public JdbcChallengeRepository(JdbcClient jdbc, Transactions transactions) {
    this.jdbc = jdbc;
    this.transactions = transactions;
  }

  /**
   * {@code SELECT ... FOR UPDATE} on the user's row serialises every limited insert for one user
   * across nodes; the counts that follow are fresh statements, so under READ COMMITTED (both
   * databases' default) they see every challenge the previous lock holder committed. Open means
   * pending and unexpired at the new challenge's {@code createdAt}; the window counts every
   * challenge created at or after {@code windowStart}, whatever its state.
   *
   * @throws IllegalStateException if the user does not exist
   */
  @Override
  public boolean insertWithinLimits(Challenge challenge, Limits limits) {
    requireNew(challenge);
    UUID userId = challenge.userId().value();
    Boolean inserted =
        transactions.inTransaction(
            () -> {
              List<UUID> locked =
                  jdbc.sql("SELECT id FROM users WHERE id = :userId FOR UPDATE")
                      .param("userId", userId)
                      .query((rs, row) -> uuid(rs, "id"))
                      .list();
              if (locked.isEmpty()) {
                throw new IllegalStateException("no user " + challenge.userId());
              }
              Counts counts =
                  jdbc.sql(
                          "SELECT COALESCE(SUM(CASE WHEN state = 'PENDING' AND expires_at > :now"
                              + " THEN 1 ELSE 0 END), 0) AS open_count,"
                              + " COALESCE(SUM(CASE WHEN created_at >= :windowStart"
                              + " THEN 1 ELSE 0 END), 0) AS window_count"
                              + " FROM push_challenges WHERE user_id = :userId")
                      .param("now", time(challenge.createdAt()))
                      .param("windowStart", time(limits.windowStart()))
                      .param("userId", userId)
                      .query(
                          (rs, row) ->
                              new Counts(rs.getLong("open_count"), rs.getLong("window_count")))
                      .single();
              if (counts.open() >= limits.maxOpen() || counts.inWindow() >= limits.maxInWindow()) {
                return false;
              }
              insertRow(challenge);
              return true;
            });
    return Boolean.TRUE.equals(inserted);
  }

  private record Counts(long open, long inWindow) {}

  @Override
  public void insert(Challenge challenge) {
    requireNew(challenge);
    insertRow(challenge);
  }

  @Override
  public Optional<Challenge> findById(UUID id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM push_challenges c WHERE c.id = :id")
        .param("id", id)
        .query(JdbcChallengeRepository::challenge)
        .optional();
  }

  /**
   * What {@code ChallengeService.deliverableTo} allows, decided by the database: the device must
   * belong to the user and not be revoked; it gets its own registration tests, and its user's
   * sign-ins only while ACTIVE (a pending device never sees a sign-in). Oldest first.
   */
  @Override
  public List<Challenge> listPendingForDevice(UserId userId, UUID deviceId, Instant now) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM push_challenges c JOIN push_devices d ON d.id = :deviceId"
                + " AND d.user_id = c.user_id WHERE c.user_id = :userId AND c.state = 'PENDING'"
                + " AND c.expires_at > :now AND ((c.device_id IS NULL AND d.state = 'ACTIVE')"
                + " OR (c.device_id = d.id AND d.state <> 'REVOKED'))"
                + " ORDER BY c.created_at, c.seq")
        .param("userId", userId.value())
        .param("now", time(now))
        .param("deviceId", deviceId)
        .query(JdbcChallengeRepository::challenge)
        .list();
  }

  /**
   * {@code PENDING -> to}, if unexpired at {@code at} and, for a challenge bound to one device (a
   * registration test), answered by that device. Ownership of a sign-in is the caller's check.
   *
   * @throws IllegalArgumentException if {@code to} is not an answer (PENDING, EXPIRED)
   */
  @Override
  public boolean answer(UUID id, ChallengeState to, UUID deviceId, Instant at) {
    if (to == ChallengeState.PENDING || to == ChallengeState.EXPIRED) {
      throw new IllegalArgumentException("an answer approves, denies or reports, not " + to);
    }
    if (deviceId == null) {
      throw new IllegalArgumentException("an answer names its device");
    }
    return jdbc.sql(
                "UPDATE push_challenges SET state = :to, answered_by = :deviceId,"
                    + " answered_at = :at WHERE id = :id AND state = 'PENDING'"
                    + " AND expires_at > :at AND (device_id IS NULL OR device_id = :deviceId)")
            .param("to", to.name())
            .param("deviceId", deviceId)
            .param("at", time(at))
            .param("id", id)
            .update()
        == 1;
  }

  /** Expired means {@code expires_at <= at}, as {@link Challenge#expiredAt} decides. */
  @Override
  public boolean expire(UUID id, Instant at) {
    return jdbc.sql(
                "UPDATE push_challenges SET state = 'EXPIRED'"
                    + " WHERE id = :id AND state = 'PENDING' AND expires_at <= :at")
            .param("id", id)
            .param("at", time(at))
            .update()
        == 1;
  }

  @Override
  public List<Challenge> findOverdue(Instant now, int limit) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM push_challenges c WHERE c.state = 'PENDING' AND c.expires_at <= :now"
                + " ORDER BY c.expires_at, c.seq LIMIT :limit")
        .param("now", time(now))
        .param("limit", limit)
        .query(JdbcChallengeRepository::challenge)
        .list();
  }

  @Override
  public int countDenialsSince(UserId userId, Instant since) {
    return jdbc.sql(
            "SELECT COUNT(*) FROM push_challenges WHERE user_id = :userId"
                + " AND state IN ('DENIED', 'REPORTED', 'NUMBER_MISMATCH')"
                + " AND answered_at >= :since")
        .param("userId", userId.value())
        .param("since", time(since))
        .query(Long.class)
        .single()
        .intValue();
  }

  @Override
  public Optional<Instant> lastApprovalAt(UserId userId) {
    // One row, holding NULL when the user never approved.
    List<Instant> last =
        jdbc.sql(
                "SELECT MAX(answered_at) AS last_approval FROM push_challenges"
                    + " WHERE user_id = :userId AND state = 'APPROVED'")
            .param("userId", userId.value())
            .query((rs, row) -> instant(rs, "last_approval"))
            .list();
    return last.isEmpty() ? Optional.empty() : Optional.ofNullable(last.get(0));
  }

  private void insertRow(Challenge challenge) {
    jdbc.sql(
            "INSERT INTO push_challenges (id, user_id, username, purpose, device_id,"
                + " application, requester_ip, number, created_at, expires_at, state,"
                + " answered_by, answered_at, correlation_id) VALUES (:id, :userId, :username,"
                + " :purpose, :deviceId, :application, :requesterIp, :number, :createdAt,"
                + " :expiresAt, 'PENDING', NULL, NULL, :correlationId)")
        .param("id", challenge.id())
        .param("userId", challenge.userId().value())
        .param("username", clip(nullToEmpty(challenge.username()), MAX_USERNAME))
        .param("purpose", challenge.purpose().name())
        .param("deviceId", uuid(challenge.deviceId()))
        .param("application", clip(nullToEmpty(challenge.application()), MAX_APPLICATION))
        .param("requesterIp", clip(nullToEmpty(challenge.requesterIp()), MAX_IP))
        .param("number", challenge.number())
        .param("createdAt", time(challenge.createdAt()))
        .param("expiresAt", time(challenge.expiresAt()))
        .param("correlationId", correlationId(challenge.correlationId()))
        .update();
  }

  private static void requireNew(Challenge challenge) {
    if (challenge.state() != ChallengeState.PENDING
        || challenge.answeredBy() != null
        || challenge.answeredAt() != null) {
      throw new IllegalArgumentException("a new challenge is PENDING and unanswered");
    }
  }

  private static Challenge challenge(ResultSet rs, int row) throws SQLException {
    return new Challenge(
        uuid(rs, "id"),
        new UserId(uuid(rs, "user_id")),
        rs.getString("username"),
        Challenge.Purpose.valueOf(rs.getString("purpose")),
        uuid(rs, "device_id"),
        rs.getString("application"),
        rs.getString("requester_ip"),
        rs.getString("number"),
        instant(rs, "created_at"),
        instant(rs, "expires_at"),
        ChallengeState.valueOf(rs.getString("state")),
        uuid(rs, "answered_by"),
        instant(rs, "answered_at"),
        correlationId(rs, "correlation_id"));
  }

  private static String nullToEmpty(String text) {
    return text == null ? "" : text;
  }
}
