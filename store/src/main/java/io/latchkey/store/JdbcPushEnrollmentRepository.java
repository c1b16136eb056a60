package io.latchkey.store;

import static io.latchkey.store.SqlValues.bytes;
import static io.latchkey.store.SqlValues.clip;
import static io.latchkey.store.SqlValues.correlationId;
import static io.latchkey.store.SqlValues.instant;
import static io.latchkey.store.SqlValues.text;
import static io.latchkey.store.SqlValues.time;
import static io.latchkey.store.SqlValues.uuid;

import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.push.PushEnrollment;
import io.latchkey.core.push.PushEnrollmentRepository;
import io.latchkey.core.push.PushEnrollmentState;
import io.latchkey.core.user.UserId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Push registration attempts in {@code push_enrollments}. While an attempt is pending its {@code
 * pending_key} column holds the user's ID under a UNIQUE constraint, so at most one push
 * registration per user is pending, whichever node inserts it. The activation code's hash exists
 * only while the attempt awaits activation: activating or finishing erases it in the same
 * conditional update, and a CHECK constraint refuses any other row that still holds one, so a used
 * or dead code is never found again.
 */
public final class JdbcPushEnrollmentRepository implements PushEnrollmentRepository {
  private static final String COLUMNS =
      "id, flow_id, user_id, state, attempt, code_hash, created_at, deadline, correlation_id,"
          + " browser_ip, user_agent, device_id, device_ip, test_challenge_id, failure_code,"
          + " failure_reasons, failure_correlation_id, finished_at";
  private static final String PENDING = "state IN ('AWAITING_ACTIVATION', 'AWAITING_APPROVAL')";
  private static final String CODE_HASH_CONSTRAINT = "push_enrollments_code_hash_unique";
  private static final int MAX_IP = 100;
  private static final int MAX_USER_AGENT = 1000;
  private static final int MAX_FAILURE_CODE = 64;
  private static final int MAX_FAILURE_REASONS = 1000;

  private final JdbcClient jdbc;

  public JdbcPushEnrollmentRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Inserts the attempt, or returns false when the user already has a pending one. On PostgreSQL a
   * refused insert aborts an enclosing transaction, so call this outside one.
   *
   * @throws IllegalArgumentException if the attempt is not pending, or holds a code hash exactly
   *     when it must not (only {@code AWAITING_ACTIVATION} holds one)
   * @throws DuplicateKeyException if another attempt holds the same code hash (a reused code)
   */
  @Override
  public boolean insertPending(PushEnrollment enrollment) {
    PushEnrollmentState state = enrollment.state();
    if (!state.pending()) {
      throw new IllegalArgumentException("a pending push registration is awaiting, not " + state);
    }
    if ((state == PushEnrollmentState.AWAITING_ACTIVATION) != (enrollment.codeHash() != null)) {
      throw new IllegalArgumentException(
          "an activation code hash exists exactly while awaiting activation");
    }
    try {
      jdbc.sql(
              "INSERT INTO push_enrollments (id, flow_id, user_id, state, attempt, code_hash,"
                  + " created_at, deadline, finished_at, correlation_id, browser_ip, user_agent,"
                  + " device_id, device_ip, test_challenge_id, failure_code, failure_reasons,"
                  + " failure_correlation_id, pending_key) VALUES (:id, :flowId, :userId, :state,"
                  + " :attempt, :codeHash, :createdAt, :deadline, NULL, :correlationId,"
                  + " :browserIp, :userAgent, :deviceId, :deviceIp, :testChallengeId, NULL, NULL,"
                  + " NULL, :pendingKey)")
          .param("id", enrollment.id())
          .param("flowId", enrollment.flowId())
          .param("userId", enrollment.userId().value())
          .param("state", state.name())
          .param("attempt", enrollment.attempt())
          .param("codeHash", bytes(enrollment.codeHash()))
          .param("createdAt", time(enrollment.createdAt()))
          .param("deadline", time(enrollment.deadline()))
          .param("correlationId", correlationId(enrollment.correlationId()))
          .param("browserIp", clip(nullToEmpty(enrollment.browserIp()), MAX_IP))
          .param("userAgent", clip(nullToEmpty(enrollment.userAgent()), MAX_USER_AGENT))
          .param("deviceId", uuid(enrollment.deviceId()))
          .param("deviceIp", text(clip(enrollment.deviceIp(), MAX_IP)))
          .param("testChallengeId", uuid(enrollment.testChallengeId()))
          .param("pendingKey", enrollment.userId().value())
          .update();
      return true;
    } catch (DuplicateKeyException e) {
      if (String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains(CODE_HASH_CONSTRAINT)) {
        throw e;
      }
      return false;
    }
  }

  @Override
  public Optional<PushEnrollment> findById(UUID id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM push_enrollments WHERE id = :id")
        .param("id", id)
        .query(JdbcPushEnrollmentRepository::enrollment)
        .optional();
  }

  /** Newest by creation time; {@code seq} (insertion order) breaks ties within one instant. */
  @Override
  public Optional<PushEnrollment> findLatest(UserId userId) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM push_enrollments WHERE user_id = :userId"
                + " ORDER BY created_at DESC, seq DESC LIMIT 1")
        .param("userId", userId.value())
        .query(JdbcPushEnrollmentRepository::enrollment)
        .optional();
  }

  /**
   * An equality lookup of a SHA-256: its timing tells nothing without a preimage. Whether the
   * deadline has passed is the caller's decision ({@link PushEnrollment#expiredAt}).
   */
  @Override
  public Optional<PushEnrollment> findAwaitingActivation(byte[] codeHash) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM push_enrollments WHERE code_hash = :codeHash"
                + " AND state = 'AWAITING_ACTIVATION'")
        .param("codeHash", codeHash)
        .query(JdbcPushEnrollmentRepository::enrollment)
        .optional();
  }

  @Override
  public Optional<PushEnrollment> findByTestChallenge(UUID challengeId) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM push_enrollments WHERE test_challenge_id = :id")
        .param("id", challengeId)
        .query(JdbcPushEnrollmentRepository::enrollment)
        .optional();
  }

  /**
   * One conditional update: of racing activations with one code (two devices scanning one QR code,
   * on two nodes) exactly one succeeds.
   */
  @Override
  public boolean activated(
      UUID id, UUID deviceId, String deviceIp, UUID testChallengeId, Instant approvalDeadline) {
    if (deviceId == null || testChallengeId == null) {
      throw new IllegalArgumentException("an activated registration has a device and a test");
    }
    return jdbc.sql(
                "UPDATE push_enrollments SET state = 'AWAITING_APPROVAL', code_hash = NULL,"
                    + " device_id = :deviceId, device_ip = :deviceIp,"
                    + " test_challenge_id = :testChallengeId, deadline = :deadline"
                    + " WHERE id = :id AND state = 'AWAITING_ACTIVATION'")
            .param("deviceId", deviceId)
            .param("deviceIp", clip(nullToEmpty(deviceIp), MAX_IP))
            .param("testChallengeId", testChallengeId)
            .param("deadline", time(approvalDeadline))
            .param("id", id)
            .update()
        == 1;
  }

  @Override
  public boolean finish(
      UUID id,
      PushEnrollmentState to,
      Instant at,
      String failureCode,
      String failureReasons,
      CorrelationId failureCorrelationId) {
    if (to.pending()) {
      throw new IllegalArgumentException("finish moves a registration to a final state, not " + to);
    }
    return jdbc.sql(
                "UPDATE push_enrollments SET state = :to, finished_at = :at, pending_key = NULL,"
                    + " code_hash = NULL, failure_code = :failureCode,"
                    + " failure_reasons = :failureReasons, failure_correlation_id = :failureCorrelationId WHERE id = :id AND "
                    + PENDING)
            .param("to", to.name())
            .param("at", time(at))
            .param("failureCode", text(clip(failureCode, MAX_FAILURE_CODE)))
            .param("failureReasons", text(clip(failureReasons, MAX_FAILURE_REASONS)))
            .param("failureCorrelationId", correlationId(failureCorrelationId))
            .param("id", id)
            .update()
        == 1;
  }

  /** Overdue means {@code deadline <= now}, as {@link PushEnrollment#expiredAt} decides. */
  @Override
  public List<PushEnrollment> findOverdue(Instant now, int limit) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM push_enrollments WHERE "
                + PENDING
                + " AND deadline <= :now ORDER BY deadline, seq LIMIT :limit")
        .param("now", time(now))
        .param("limit", limit)
        .query(JdbcPushEnrollmentRepository::enrollment)
        .list();
  }

  private static PushEnrollment enrollment(ResultSet rs, int row) throws SQLException {
    return new PushEnrollment(
        uuid(rs, "id"),
        uuid(rs, "flow_id"),
        new UserId(uuid(rs, "user_id")),
        PushEnrollmentState.valueOf(rs.getString("state")),
        rs.getInt("attempt"),
        rs.getBytes("code_hash"),
        instant(rs, "created_at"),
        instant(rs, "deadline"),
        correlationId(rs, "correlation_id"),
        rs.getString("browser_ip"),
        rs.getString("user_agent"),
        uuid(rs, "device_id"),
        rs.getString("device_ip"),
        uuid(rs, "test_challenge_id"),
        rs.getString("failure_code"),
        rs.getString("failure_reasons"),
        correlationId(rs, "failure_correlation_id"),
        instant(rs, "finished_at"));
  }

  private static String nullToEmpty(String text) {
    return text == null ? "" : text;
  }
}
