package io.latchkey.store;

import static io.latchkey.store.SqlValues.clip;
import static io.latchkey.store.SqlValues.instant;
import static io.latchkey.store.SqlValues.text;
import static io.latchkey.store.SqlValues.time;
import static io.latchkey.store.SqlValues.uuid;

import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.crypto.Sealed;
import io.latchkey.core.crypto.SecretSealer;
import io.latchkey.core.enrollment.Enrollment;
import io.latchkey.core.enrollment.EnrollmentRepository;
import io.latchkey.core.enrollment.EnrollmentState;
import io.latchkey.core.method.MethodKind;
import io.latchkey.core.otp.HashAlgorithm;
import io.latchkey.core.otp.OtpParameters;
import io.latchkey.core.otp.OtpType;
import io.latchkey.core.otp.Secret;
import io.latchkey.core.user.UserId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Registration attempts in {@code enrollments}. While an attempt is {@code STARTED} its {@code
 * pending_key} column holds {@code userId:kind} under a UNIQUE constraint, so at most one attempt
 * per user and kind is pending, whichever node inserts it. Leaving {@code STARTED} clears the key
 * and wipes the sealed secret in the same conditional update; a CHECK constraint refuses any final
 * row that still holds a secret.
 */
public final class JdbcEnrollmentRepository implements EnrollmentRepository {
  private static final String COLUMNS =
      "id, flow_id, user_id, kind, state, attempt, secret_sealed, key_id, algorithm, digits,"
          + " period_seconds, created_at, deadline, correlation_id, ip, user_agent";
  private static final int MAX_IP = 100;
  private static final int MAX_USER_AGENT = 1000;

  private final JdbcClient jdbc;
  private final SecretSealer cipher;

  public JdbcEnrollmentRepository(JdbcClient jdbc, SecretSealer cipher) {
    this.jdbc = jdbc;
    this.cipher = cipher;
  }

  /**
   * Inserts the attempt, or returns false when the pending key is taken. On PostgreSQL a refused
   * insert aborts an enclosing transaction, so call this outside one (as {@code EnrollmentService}
   * does).
   */
  @Override
  public boolean insertPending(Enrollment enrollment) {
    if (enrollment.state() != EnrollmentState.STARTED || enrollment.secret() == null) {
      throw new IllegalArgumentException("a pending registration is STARTED and has a secret");
    }
    OtpParameters parameters = enrollment.parameters();
    if (parameters.type() != OtpType.TOTP) {
      // No column holds a HOTP counter: storing one here would silently drop it.
      throw new IllegalArgumentException("only TOTP registrations are stored here");
    }
    try {
      insert(enrollment, parameters, seal(enrollment.secret(), enrollment.id()));
      return true;
    } catch (DuplicateKeyException alreadyPending) {
      return false;
    } catch (DataIntegrityViolationException keyRetired) {
      // The sealing key was switched and retired between the seal and the insert (a rotation on
      // another node; the key's foreign key refused the row): seal again with the current key.
      try {
        insert(enrollment, parameters, seal(enrollment.secret(), enrollment.id()));
        return true;
      } catch (DuplicateKeyException alreadyPending) {
        return false;
      }
    }
  }

  private void insert(Enrollment enrollment, OtpParameters parameters, Sealed sealed) {
    jdbc.sql(
            "INSERT INTO enrollments (id, flow_id, user_id, kind, state, attempt,"
                + " secret_sealed, key_id, algorithm, digits, period_seconds, created_at,"
                + " deadline, finished_at, correlation_id, ip, user_agent, pending_key) VALUES"
                + " (:id, :flowId, :userId, :kind, 'STARTED', :attempt, :sealed, :keyId,"
                + " :algorithm, :digits, :period, :createdAt, :deadline, NULL,"
                + " :correlationId, :ip, :userAgent, :pendingKey)")
        .param("id", enrollment.id())
        .param("flowId", enrollment.flowId())
        .param("userId", enrollment.userId().value())
        .param("kind", enrollment.kind().name())
        .param("attempt", enrollment.attempt())
        .param("sealed", sealed.blob())
        .param("keyId", sealed.keyId())
        .param("algorithm", parameters.algorithm().name())
        .param("digits", parameters.digits())
        .param("period", parameters.periodSeconds())
        .param("createdAt", time(enrollment.createdAt()))
        .param("deadline", time(enrollment.deadline()))
        .param(
            "correlationId",
            text(enrollment.correlationId() == null ? null : enrollment.correlationId().value()))
        .param("ip", clip(nullToEmpty(enrollment.ip()), MAX_IP))
        .param("userAgent", clip(nullToEmpty(enrollment.userAgent()), MAX_USER_AGENT))
        .param("pendingKey", pendingKey(enrollment.userId(), enrollment.kind()))
        .update();
  }

  @Override
  public Optional<Enrollment> findById(UUID id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM enrollments WHERE id = :id")
        .param("id", id)
        .query(this::enrollment)
        .optional();
  }

  @Override
  public Optional<Enrollment> findPending(UserId userId, MethodKind kind) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM enrollments WHERE pending_key = :pendingKey")
        .param("pendingKey", pendingKey(userId, kind))
        .query(this::enrollment)
        .optional();
  }

  /** Newest by creation time; {@code seq} (insertion order) breaks ties within one instant. */
  @Override
  public Optional<Enrollment> findLatest(UserId userId, MethodKind kind) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM enrollments WHERE user_id = :userId AND kind = :kind"
                + " ORDER BY created_at DESC, seq DESC LIMIT 1")
        .param("userId", userId.value())
        .param("kind", kind.name())
        .query(this::enrollment)
        .optional();
  }

  @Override
  public boolean finish(UUID id, EnrollmentState to, Instant at) {
    if (to.pending()) {
      throw new IllegalArgumentException("finish moves a registration to a final state, not " + to);
    }
    return jdbc.sql(
                "UPDATE enrollments SET state = :to, finished_at = :at, pending_key = NULL,"
                    + " secret_sealed = NULL, key_id = NULL WHERE id = :id AND state = 'STARTED'")
            .param("to", to.name())
            .param("at", time(at))
            .param("id", id)
            .update()
        == 1;
  }

  /** Overdue means {@code deadline <= now}, as {@link Enrollment#expiredAt} decides. */
  @Override
  public List<Enrollment> findOverdue(Instant now, int limit) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM enrollments WHERE state = 'STARTED' AND deadline <= :now"
                + " ORDER BY deadline, seq LIMIT :limit")
        .param("now", time(now))
        .param("limit", limit)
        .query(this::enrollment)
        .list();
  }

  private Sealed seal(Secret secret, UUID enrollmentId) {
    byte[] plain = secret.bytes();
    try {
      return cipher.seal(plain, associatedData(enrollmentId));
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  private Enrollment enrollment(ResultSet rs, int row) throws SQLException {
    UUID id = uuid(rs, "id");
    String correlationId = rs.getString("correlation_id");
    return new Enrollment(
        id,
        uuid(rs, "flow_id"),
        new UserId(uuid(rs, "user_id")),
        MethodKind.valueOf(rs.getString("kind")),
        EnrollmentState.valueOf(rs.getString("state")),
        rs.getInt("attempt"),
        secret(rs, id),
        OtpParameters.totp(
            HashAlgorithm.valueOf(rs.getString("algorithm")),
            rs.getInt("digits"),
            rs.getInt("period_seconds")),
        instant(rs, "created_at"),
        instant(rs, "deadline"),
        correlationId == null ? null : new CorrelationId(correlationId),
        rs.getString("ip"),
        rs.getString("user_agent"));
  }

  private Secret secret(ResultSet rs, UUID id) throws SQLException {
    byte[] blob = rs.getBytes("secret_sealed");
    if (blob == null) {
      return null;
    }
    byte[] plain = cipher.open(new Sealed(rs.getString("key_id"), blob), associatedData(id));
    try {
      return new Secret(plain);
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  /** Binds a sealed secret to its row; the prefix keeps it apart from other tables' secrets. */
  static String associatedData(UUID enrollmentId) {
    return "enrollment:" + enrollmentId;
  }

  private static String pendingKey(UserId userId, MethodKind kind) {
    return userId.value() + ":" + kind.name();
  }

  private static String nullToEmpty(String text) {
    return text == null ? "" : text;
  }
}
