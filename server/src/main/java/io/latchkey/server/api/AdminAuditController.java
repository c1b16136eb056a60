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

  public AdminAuditController(AuditLog audit, UserRepository users) {
    this.audit = audit;
    this.users = users;
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
    return Map.of("events", audit.search(query).stream().map(AdminAuditController::view).toList());
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
