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
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Administrators read the audit log. */
@RestController
@Tag(name = "admin: audit")
public class AdminAuditController {
  private final AuditLog audit;
  private final UserRepository users;

  private final tools.jackson.databind.json.JsonMapper json;

  public AdminAuditController(
      AuditLog audit, UserRepository users, tools.jackson.databind.json.JsonMapper json) {
    this.audit = audit;
    this.users = users;
    this.json = json;
  }

  @Operation(
      summary = "Search the audit log",
      description =
          "Filters: correlationId (the whole registration it belongs to), username, type"
              + " (e.g. registration.timed_out), success, from, to (ISO-8601), limit (max 1000)."
              + " Oldest first.")
  @GetMapping(path = "/api/v1/admin/audit", produces = MediaType.APPLICATION_JSON_VALUE)
  public Map<String, Object> search(
      @RequestParam(name = "correlationId", required = false) String correlationId,
      @RequestParam(name = "username", required = false) String username,
      @RequestParam(name = "type", required = false) String type,
      @RequestParam(name = "success", required = false) Boolean success,
      @RequestParam(name = "from", required = false) String from,
      @RequestParam(name = "to", required = false) String to,
      @RequestParam(name = "limit", defaultValue = "1000") int limit) {
    return Map.of(
        "events",
        find(correlationId, username, type, success, from, to, limit).stream()
            .map(AdminAuditController::view)
            .toList());
  }

  @Operation(
      summary = "Export the audit log as CSV or JSON Lines",
      description =
          "The same filters as the search; format=csv (RFC 4180, a header row; a cell that a"
              + " spreadsheet would read as a formula starts with an apostrophe) or format=jsonl"
              + " (one JSON object per line, the search's fields). Oldest first.")
  @GetMapping(path = "/api/v1/admin/audit/export")
  public org.springframework.http.ResponseEntity<String> export(
      @RequestParam(name = "format") String format,
      @RequestParam(name = "correlationId", required = false) String correlationId,
      @RequestParam(name = "username", required = false) String username,
      @RequestParam(name = "type", required = false) String type,
      @RequestParam(name = "success", required = false) Boolean success,
      @RequestParam(name = "from", required = false) String from,
      @RequestParam(name = "to", required = false) String to,
      @RequestParam(name = "limit", defaultValue = "1000") int limit) {
    List<Map<String, Object>> rows =
        find(correlationId, username, type, success, from, to, limit).stream()
            .map(AdminAuditController::view)
            .toList();
    StringBuilder out = new StringBuilder();
    String contentType;
    String extension;
    switch (format) {
      case "csv" -> {
        contentType = "text/csv;charset=UTF-8";
        extension = "csv";
        out.append(String.join(",", COLUMNS)).append("\r\n");
        for (Map<String, Object> row : rows) {
          List<String> cells = new java.util.ArrayList<>();
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
    return org.springframework.http.ResponseEntity.ok()
        .header("Content-Type", contentType)
        .header("Content-Disposition", "attachment; filename=\"latchkey-audit." + extension + "\"")
        .header("Cache-Control", "no-store")
        .body(out.toString());
  }

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

  private List<AuditEvent> find(
      String correlationId,
      String username,
      String type,
      Boolean success,
      String from,
      String to,
      int limit) {
    CorrelationId id =
        correlationId == null
            ? null
            : CorrelationId.parse(correlationId).orElseThrow(() -> bad("not a correlation ID"));
    UserId userId = null;
    if (username != null) {
      userId =
          users
              .findByUsername(Username.of(username))
              .map(u -> u.id())
              .orElseThrow(() -> new LatchkeyException(ErrorCode.NOT_FOUND, "no such user"));
    }
    AuditEventType eventType =
        type == null
            ? null
            : AuditEventType.fromWireName(type).orElseThrow(() -> bad("unknown event type"));
    AuditQuery query =
        new AuditQuery(id, userId, eventType, success, instant(from), instant(to), limit);
    return audit.search(query);
  }

  static Map<String, Object> view(AuditEvent e) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("at", e.at().toString());
    out.put("type", e.type().wireName());
    out.put("success", e.success());
    out.put("correlationId", e.correlationId().value());
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
