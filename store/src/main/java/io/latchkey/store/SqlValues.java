package io.latchkey.store;

import io.latchkey.core.audit.CorrelationId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.springframework.jdbc.core.SqlParameterValue;

/**
 * Conversions between Java values and the column types both databases share. Instants travel as
 * {@link OffsetDateTime} in UTC: JDBC 4.2 maps {@code TIMESTAMP WITH TIME ZONE} to that class, not
 * to {@link Instant}, so every driver takes it. A NULL parameter carries its SQL type, so neither
 * database has to guess it.
 */
final class SqlValues {
  private SqlValues() {}

  /** A nullable timestamp parameter. */
  static Object time(Instant instant) {
    return instant == null
        ? new SqlParameterValue(Types.TIMESTAMP_WITH_TIMEZONE, null)
        : instant.atOffset(ZoneOffset.UTC);
  }

  /**
   * A nullable UUID parameter. A present value goes untyped ({@code setObject}): typed as {@code
   * OTHER}, H2 would store a serialised Java object instead of a UUID.
   */
  static Object uuid(UUID value) {
    return value == null ? new SqlParameterValue(Types.OTHER, null) : value;
  }

  /** A nullable byte string parameter. */
  static Object bytes(byte[] value) {
    return value == null ? new SqlParameterValue(Types.VARBINARY, null) : value;
  }

  /** A nullable boolean parameter. */
  static Object bool(Boolean value) {
    return new SqlParameterValue(Types.BOOLEAN, value);
  }

  /** A nullable text parameter. */
  static Object text(String value) {
    return new SqlParameterValue(Types.VARCHAR, value);
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  /** A nullable boolean column: NULL stays null, not false. */
  static Boolean bool(ResultSet rs, String column) throws SQLException {
    return rs.getObject(column, Boolean.class);
  }

  /** A nullable correlation ID parameter. */
  static Object correlationId(CorrelationId value) {
    return text(value == null ? null : value.value());
  }

  /** A nullable correlation ID column. */
  static CorrelationId correlationId(ResultSet rs, String column) throws SQLException {
    String value = rs.getString(column);
    return value == null ? null : new CorrelationId(value);
  }

  static UUID uuid(ResultSet rs, String column) throws SQLException {
    return rs.getObject(column, UUID.class);
  }

  /**
   * At most {@code max} UTF-16 units of {@code text}, never splitting a surrogate pair; null stays
   * null. Used for request evidence (User-Agent, reasons typed by an admin) that no caller bounds:
   * a long header must not make a registration or a block fail.
   */
  static String clip(String text, int max) {
    if (text == null || text.length() <= max) {
      return text;
    }
    int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
    return text.substring(0, end);
  }
}
