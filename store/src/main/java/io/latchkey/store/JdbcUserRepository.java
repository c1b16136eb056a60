package io.latchkey.store;

import static io.latchkey.store.SqlValues.clip;
import static io.latchkey.store.SqlValues.instant;
import static io.latchkey.store.SqlValues.text;
import static io.latchkey.store.SqlValues.time;
import static io.latchkey.store.SqlValues.uuid;

import io.latchkey.core.user.EmailAddress;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserId;
import io.latchkey.core.user.UserRepository;
import io.latchkey.core.user.UserSearch;
import io.latchkey.core.user.UserStatus;
import io.latchkey.core.user.Username;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Users in the {@code users} table. Every change to the failure counter and the status is one
 * conditional {@code UPDATE} judged by its row count, never a read followed by a write, so the
 * answers stay right with any number of requests and nodes racing (SECURITY-TESTS B2).
 */
public final class JdbcUserRepository implements UserRepository {
  private static final String COLUMNS =
      "id, username, display_name, status, is_admin, failed_attempts, blocked_reason, blocked_at,"
          + " created_at, email";
  private static final int MAX_REASON = 1000;

  private final JdbcClient jdbc;

  public JdbcUserRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public Optional<User> findById(UserId id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM users WHERE id = :id")
        .param("id", id.value())
        .query(JdbcUserRepository::user)
        .optional();
  }

  @Override
  public Optional<User> findByUsername(Username username) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM users WHERE username = :username")
        .param("username", username.value())
        .query(JdbcUserRepository::user)
        .optional();
  }

  /**
   * Inserts the user; the unique constraint on the canonical username decides between racing
   * inserts of one name. On PostgreSQL a refused insert aborts an enclosing transaction, so call
   * this outside one (as {@code Accounts} does).
   */
  @Override
  public boolean insert(User user, String passwordHash) {
    try {
      jdbc.sql(
              "INSERT INTO users (id, username, display_name, status, is_admin, failed_attempts,"
                  + " blocked_reason, blocked_at, password_hash, created_at, email) VALUES (:id,"
                  + " :username, :displayName, :status, :admin, :failedAttempts, :blockedReason,"
                  + " :blockedAt, :passwordHash, :createdAt, :email)")
          .param("id", user.id().value())
          .param("username", user.username().value())
          .param("displayName", user.displayName())
          .param("status", user.status().name())
          .param("admin", user.admin())
          .param("failedAttempts", user.failedAttempts())
          .param("blockedReason", text(clip(user.blockedReason(), MAX_REASON)))
          .param("blockedAt", time(user.blockedAt()))
          .param("passwordHash", text(passwordHash))
          .param("createdAt", time(user.createdAt()))
          .param("email", email(user.email()))
          .update();
      return true;
    } catch (DuplicateKeyException taken) {
      return false;
    }
  }

  @Override
  public long count() {
    return jdbc.sql("SELECT COUNT(*) FROM users").query(Long.class).single();
  }

  @Override
  public List<User> list(int offset, int limit) {
    return jdbc.sql(
            "SELECT " + COLUMNS + " FROM users ORDER BY username LIMIT :limit OFFSET :offset")
        .param("limit", limit)
        .param("offset", offset)
        .query(JdbcUserRepository::user)
        .list();
  }

  /**
   * One query: the username (canonical) or the display name (lower-cased) contains the text, with
   * {@code %}, {@code _} and the escape character itself taken literally; names that start with it
   * first.
   */
  @Override
  public List<User> search(UserSearch search) {
    Map<String, Object> params = new LinkedHashMap<>();
    String where = where(search, params);
    params.put("limit", search.limit());
    params.put("offset", search.offset());
    String order = "username";
    if (search.text() != null) {
      params.put("prefix", likeEscaped(search.usernamePart()) + "%");
      order = "CASE WHEN username LIKE :prefix ESCAPE '!' THEN 0 ELSE 1 END, username";
    }
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM users"
                + where
                + " ORDER BY "
                + order
                + " LIMIT :limit OFFSET :offset")
        .params(params)
        .query(JdbcUserRepository::user)
        .list();
  }

  @Override
  public long count(UserSearch search) {
    Map<String, Object> params = new LinkedHashMap<>();
    String where = where(search, params);
    return jdbc.sql("SELECT COUNT(*) FROM users" + where).params(params).query(Long.class).single();
  }

  private static String where(UserSearch search, Map<String, Object> params) {
    List<String> conditions = new ArrayList<>();
    if (search.status() != null) {
      conditions.add("status = :status");
      params.put("status", search.status().name());
    }
    if (search.text() != null) {
      conditions.add(
          "(username LIKE :username ESCAPE '!' OR LOWER(display_name) LIKE :displayName"
              + " ESCAPE '!')");
      params.put("username", "%" + likeEscaped(search.usernamePart()) + "%");
      params.put("displayName", "%" + likeEscaped(search.displayNamePart()) + "%");
    }
    return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
  }

  /** The text as a LIKE pattern that matches only itself (escape character {@code !}). */
  private static String likeEscaped(String text) {
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
  }

  @Override
  public Optional<String> passwordHash(UserId id) {
    // list(), not optional(): a user without a password yields one row holding NULL.
    List<String> hashes =
        jdbc.sql("SELECT password_hash FROM users WHERE id = :id")
            .param("id", id.value())
            .query((rs, row) -> rs.getString(1))
            .list();
    return hashes.isEmpty() ? Optional.empty() : Optional.ofNullable(hashes.get(0));
  }

  @Override
  public void setPasswordHash(UserId id, String passwordHash) {
    int rows =
        jdbc.sql("UPDATE users SET password_hash = :hash WHERE id = :id")
            .param("hash", text(passwordHash))
            .param("id", id.value())
            .update();
    if (rows != 1) {
      throw new IllegalStateException("no user " + id);
    }
  }

  @Override
  public boolean reserveAttemptBelowLimit(UserId id, int limit) {
    return jdbc.sql(
                "UPDATE users SET failed_attempts = failed_attempts + 1"
                    + " WHERE id = :id AND status = 'ACTIVE' AND failed_attempts < :limit")
            .param("id", id.value())
            .param("limit", limit)
            .update()
        == 1;
  }

  @Override
  public void resetFailures(UserId id) {
    // The guard spares a write (and a row lock) on the common path of a user with no failures.
    jdbc.sql(
            "UPDATE users SET failed_attempts = 0, failures_since = NULL"
                + " WHERE id = :id AND failed_attempts <> 0")
        .param("id", id.value())
        .update();
  }

  @Override
  public void noteFailureStart(UserId id, Instant at) {
    jdbc.sql(
            "UPDATE users SET failures_since = :at"
                + " WHERE id = :id AND failures_since IS NULL AND failed_attempts > 0")
        .param("at", time(at))
        .param("id", id.value())
        .update();
  }

  @Override
  public Optional<Instant> failuresSince(UserId id) {
    // list(), not optional(): a user without failures yields one row holding NULL.
    List<Instant> since =
        jdbc.sql("SELECT failures_since FROM users WHERE id = :id")
            .param("id", id.value())
            .query((rs, row) -> instant(rs, "failures_since"))
            .list();
    return since.isEmpty() ? Optional.empty() : Optional.ofNullable(since.get(0));
  }

  @Override
  public boolean blockIfFailuresReached(UserId id, int limit, String reason, Instant at) {
    return jdbc.sql(
                "UPDATE users SET status = 'BLOCKED', blocked_reason = :reason, blocked_at = :at"
                    + " WHERE id = :id AND status = 'ACTIVE' AND failed_attempts >= :limit")
            .param("reason", text(clip(reason, MAX_REASON)))
            .param("at", time(at))
            .param("id", id.value())
            .param("limit", limit)
            .update()
        == 1;
  }

  @Override
  public boolean block(UserId id, String reason, Instant at) {
    return jdbc.sql(
                "UPDATE users SET status = 'BLOCKED', blocked_reason = :reason, blocked_at = :at"
                    + " WHERE id = :id AND status = 'ACTIVE'")
            .param("reason", text(clip(reason, MAX_REASON)))
            .param("at", time(at))
            .param("id", id.value())
            .update()
        == 1;
  }

  @Override
  public boolean unblock(UserId id) {
    return jdbc.sql(
                "UPDATE users SET status = 'ACTIVE', blocked_reason = NULL, blocked_at = NULL,"
                    + " failed_attempts = 0, failures_since = NULL"
                    + " WHERE id = :id AND status = 'BLOCKED'")
            .param("id", id.value())
            .update()
        == 1;
  }

  @Override
  public boolean disable(UserId id, String reason, Instant at) {
    return jdbc.sql(
                "UPDATE users SET status = 'DISABLED', blocked_reason = :reason, blocked_at = :at"
                    + " WHERE id = :id AND status IN ('ACTIVE', 'BLOCKED')")
            .param("reason", text(clip(reason, MAX_REASON)))
            .param("at", time(at))
            .param("id", id.value())
            .update()
        == 1;
  }

  @Override
  public boolean enable(UserId id) {
    return jdbc.sql(
                "UPDATE users SET status = 'ACTIVE', blocked_reason = NULL, blocked_at = NULL,"
                    + " failed_attempts = 0, failures_since = NULL"
                    + " WHERE id = :id AND status = 'DISABLED'")
            .param("id", id.value())
            .update()
        == 1;
  }

  @Override
  public boolean setPassword(UserId id, String passwordHash, boolean changeRequired) {
    return jdbc.sql(
                "UPDATE users SET password_hash = :hash, password_change_required = :required"
                    + " WHERE id = :id")
            .param("hash", text(passwordHash))
            .param("required", changeRequired)
            .param("id", id.value())
            .update()
        == 1;
  }

  @Override
  public boolean requirePasswordChange(UserId id, String passwordHash) {
    return jdbc.sql(
                "UPDATE users SET password_change_required = TRUE"
                    + " WHERE id = :id AND password_hash = :hash")
            .param("hash", text(passwordHash))
            .param("id", id.value())
            .update()
        == 1;
  }

  @Override
  public boolean passwordChangeRequired(UserId id) {
    return jdbc.sql("SELECT password_change_required FROM users WHERE id = :id")
        .param("id", id.value())
        .query(Boolean.class)
        .optional()
        .orElse(false);
  }

  @Override
  public void setRegistrationLinkRequired(UserId id, boolean required) {
    jdbc.sql("UPDATE users SET registration_link_required = :required WHERE id = :id")
        .param("required", required)
        .param("id", id.value())
        .update();
  }

  @Override
  public boolean registrationLinkRequired(UserId id) {
    return jdbc.sql("SELECT registration_link_required FROM users WHERE id = :id")
        .param("id", id.value())
        .query(Boolean.class)
        .optional()
        .orElse(false);
  }

  @Override
  public boolean setEmail(UserId id, EmailAddress email) {
    return jdbc.sql("UPDATE users SET email = :email WHERE id = :id")
            .param("email", email(email))
            .param("id", id.value())
            .update()
        == 1;
  }

  private static Object email(EmailAddress email) {
    return text(email == null ? null : email.value());
  }

  private static User user(ResultSet rs, int row) throws SQLException {
    String email = rs.getString("email");
    return new User(
        new UserId(uuid(rs, "id")),
        new Username(rs.getString("username")),
        rs.getString("display_name"),
        UserStatus.valueOf(rs.getString("status")),
        rs.getBoolean("is_admin"),
        rs.getInt("failed_attempts"),
        rs.getString("blocked_reason"),
        instant(rs, "blocked_at"),
        instant(rs, "created_at"),
        email == null ? null : new EmailAddress(email));
  }
}
