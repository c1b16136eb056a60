package io.latchkey.server.api;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Administrators read the audit log. */
@RestController
@Tag(name = "admin: audit")
public class AdminAuditController {
  private final AuditExports exports;

  public AdminAuditController(AuditExports exports) {
    this.exports = exports;
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
    AuditExports.Filters filters =
        new AuditExports.Filters(correlationId, username, type, success, from, to, limit);
    return Map.of("events", exports.find(filters, false).stream().map(AuditExports::view).toList());
  }

  @Operation(
      summary = "Export the audit log as CSV or JSON Lines",
      description =
          "The same filters as the search; format=csv (RFC 4180, a header row; a cell that a"
              + " spreadsheet would read as a formula starts with an apostrophe) or format=jsonl"
              + " (one JSON object per line, the search's fields). Oldest first.")
  @GetMapping(path = "/api/v1/admin/audit/export")
  public ResponseEntity<String> export(
      @RequestParam(name = "format") String format,
      @RequestParam(name = "correlationId", required = false) String correlationId,
      @RequestParam(name = "username", required = false) String username,
      @RequestParam(name = "type", required = false) String type,
      @RequestParam(name = "success", required = false) Boolean success,
      @RequestParam(name = "from", required = false) String from,
      @RequestParam(name = "to", required = false) String to,
      @RequestParam(name = "limit", defaultValue = "1000") int limit) {
    AuditExports.Filters filters =
        new AuditExports.Filters(correlationId, username, type, success, from, to, limit);
    return exports.export(format, exports.find(filters, false));
  }
}
