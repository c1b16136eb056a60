package io.latchkey.store;

import static io.latchkey.store.SqlValues.clip;
import static io.latchkey.store.SqlValues.correlationId;
import static io.latchkey.store.SqlValues.instant;
import static io.latchkey.store.SqlValues.time;

import io.latchkey.core.policy.PolicyChange;
import io.latchkey.core.policy.PolicyRecord;
import io.latchkey.core.policy.PolicyRepository;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Policy versions in {@code policy_versions}. The newest is one read down the primary key's index;
 * a version number is written once: a second insert of the same number (another node, the same
 * moment) is refused by the primary key, and that caller is told so.
 */
public final class JdbcPolicyRepository implements PolicyRepository {
  private static final String COLUMNS =
      "version, changed_at, changed_by, reason, correlation_id, settings, changes";

  private final JdbcClient jdbc;

  public JdbcPolicyRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public Optional<PolicyRecord> latest() {
    return jdbc.sql("SELECT " + COLUMNS + " FROM policy_versions ORDER BY version DESC LIMIT 1")
        .query(JdbcPolicyRepository::record)
        .optional();
  }

  /**
   * On PostgreSQL a refused insert aborts an enclosing transaction, so call this outside one (as
   * {@code Policies} does).
   */
  @Override
  public boolean insert(PolicyRecord version) {
    try {
      jdbc.sql(
              "INSERT INTO policy_versions ("
                  + COLUMNS
                  + ") VALUES (:version, :changedAt,"
                  + " :changedBy, :reason, :correlationId, :settings, :changes)")
          .param("version", version.version())
          .param("changedAt", time(version.changedAt()))
          .param("changedBy", clip(version.changedBy(), 200))
          .param("reason", clip(version.reason(), 500))
          .param("correlationId", correlationId(version.correlationId()))
          .param("settings", settings(version.settings()))
          .param("changes", changes(version.changes()))
          .update();
      return true;
    } catch (DuplicateKeyException taken) {
      return false;
    }
  }

  @Override
  public List<PolicyRecord> history(int limit) {
    return jdbc.sql(
            "SELECT " + COLUMNS + " FROM policy_versions ORDER BY version DESC LIMIT :limit")
        .param("limit", limit)
        .query(JdbcPolicyRepository::record)
        .list();
  }

  private static PolicyRecord record(ResultSet rs, int row) throws SQLException {
    return new PolicyRecord(
        rs.getLong("version"),
        settings(rs.getString("settings")),
        instant(rs, "changed_at"),
        rs.getString("changed_by"),
        rs.getString("reason"),
        correlationId(rs, "correlation_id"),
        changes(rs.getString("changes")));
  }

  static String settings(Map<String, String> settings) {
    StringBuilder out = new StringBuilder();
    settings.forEach((key, value) -> out.append(key).append('=').append(value).append('\n'));
    return out.toString();
  }

  static Map<String, String> settings(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      int equals = line.indexOf('=');
      if (equals > 0) {
        out.put(line.substring(0, equals), line.substring(equals + 1));
      }
    }
    return out;
  }

  static String changes(List<PolicyChange> changes) {
    StringBuilder out = new StringBuilder();
    for (PolicyChange change : changes) {
      out.append(change.key())
          .append('\t')
          .append(change.from())
          .append('\t')
          .append(change.to())
          .append('\n');
    }
    return out.toString();
  }

  static List<PolicyChange> changes(String text) {
    List<PolicyChange> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      String[] parts = line.split("\t", -1);
      if (parts.length == 3) {
        out.add(new PolicyChange(parts[0], parts[1], parts[2]));
      }
    }
    return out;
  }
}
