package io.latchkey.server.api;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.AuditQuery;
import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.user.UserId;
import io.latchkey.core.user.UserRepository;
import io.latchkey.core.user.Username;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Searching and exporting the audit log from the filters a person or script gives: one reading of
 * the filters and one export format for the REST API and the admin console.
 */
@Component
public class AuditExports {
  /** The export's columns, in order: the fields of {@link #view}. */
  static final List<String> COLUMNS =
      List.of(
          "at",
          "type",
          "success",
          "correlationId",
          "flowId",
          "userId",
          "username",
          "actor",
          "ip",
          "userAgent",
          "reason",
          "detail");

  private final AuditLog audit;
  private final UserRepository users;
  private final JsonMapper json;

  public AuditExports(AuditLog audit, UserRepository users, JsonMapper json) {
    this.audit = audit;
    this.users = users;
    this.json = json;
  }

  /** The filters as typed; null fields do not filter. Times are ISO-8601 instants. */
  public record Filters(
      String correlationId,
      String username,
      String type,
      Boolean success,
      String from,
      String to,
      int limit) {}

  /**
   * The matching events, oldest first, or newest first.
   *
   * @throws LatchkeyException {@code bad_request} for a malformed filter, {@code not_found} for an
   *     unknown user
   */
  public List<AuditEvent> find(Filters filters, boolean newestFirst) {
    CorrelationId id =
        filters.correlationId() == null
            ? null
            : CorrelationId.parse(filters.correlationId())
                .orElseThrow(() -> bad("not a correlation ID"));
    UserId userId = null;
    if (filters.username() != null) {
      userId =
          users
              .findByUsername(Username.of(filters.username()))
              .map(u -> u.id())
              .orElseThrow(() -> new LatchkeyException(ErrorCode.NOT_FOUND, "no such user"));
    }
    AuditEventType eventType =
        filters.type() == null
            ? null
            : AuditEventType.fromWireName(filters.type())
                .orElseThrow(() -> bad("unknown event type"));
    AuditQuery query =
        new AuditQuery(
            id,
            userId,
            eventType,
            filters.success(),
            instant(filters.from()),
            instant(filters.to()),
            filters.limit(),
            newestFirst);
    return audit.search(query);
  }

  /**
   * The events as a download: {@code csv} (RFC 4180 with a header row) or {@code jsonl} (one JSON
   * object per line), the fields of {@link #view}.
   */
  public ResponseEntity<String> export(String format, List<AuditEvent> events) {
    List<Map<String, Object>> rows = events.stream().map(AuditExports::view).toList();
    StringBuilder out = new StringBuilder();
    String contentType;
    String extension;
    switch (format) {
      case "csv" -> {
        contentType = "text/csv;charset=UTF-8";
        extension = "csv";
        out.append(String.join(",", COLUMNS)).append("\r\n");
        for (Map<String, Object> row : rows) {
          List<String> cells = new ArrayList<>();
          for (String column : COLUMNS) {
            cells.add(csvCell(row.get(column)));
          }
          out.append(String.join(",", cells)).append("\r\n");
        }
      }
      case "jsonl" -> {
        contentType = "application/jsonl;charset=UTF-8";
        extension = "jsonl";
        for (Map<String, Object> row : rows) {
          out.append(json.writeValueAsString(row)).append('\n');
        }
      }
      default -> throw bad("format is csv or jsonl");
    }
    return ResponseEntity.ok()
        .header("Content-Type", contentType)
        .header("Content-Disposition", "attachment; filename=\"latchkey-audit." + extension + "\"")
        .header("Cache-Control", "no-store")
        .body(out.toString());
  }

  /**
   * One RFC 4180 cell: quoted when it holds a comma, a quote or a line break, quotes doubled. A
   * text that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading
   * apostrophe (OWASP CSV injection), so opening the export can never run anything.
   */
  static String csvCell(Object value) {
    String text = value == null ? "" : value.toString();
    if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
      text = "'" + text;
    }
    if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
      return "\"" + text.replace("\"", "\"\"") + "\"";
    }
    return text;
  }

  /** One event as the API, the exports and the diagnosis show it. */
  public static Map<String, Object> view(AuditEvent e) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("at", e.at().toString());
    out.put("type", e.type().wireName());
    out.put("success", e.success());
    out.put("correlationId", e.correlationId() == null ? null : e.correlationId().value());
    out.put("flowId", e.flowId() == null ? null : e.flowId().toString());
    out.put("userId", e.userId() == null ? null : e.userId().toString());
    out.put("username", e.username());
    out.put("actor", e.actor());
    out.put("ip", e.ip());
    out.put("userAgent", e.userAgent());
    out.put("reason", e.reason());
    out.put("detail", e.detail());
    return out;
  }

  private static Instant instant(String text) {
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw bad("times are ISO-8601 UTC, e.g. 2026-11-25T10:00:00Z");
    }
  }

  private static LatchkeyException bad(String why) {
    return new LatchkeyException(ErrorCode.BAD_REQUEST, why);
  }
}
