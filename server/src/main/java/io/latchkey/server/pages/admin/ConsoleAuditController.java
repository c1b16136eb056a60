package io.latchkey.server.pages.admin;

import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditQuery;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.server.api.AuditExports;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The audit log: search by user, event type, outcome, time range and correlation ID, newest first,
 * and the same search as a CSV or JSON Lines download (the REST API's export, through the browser
 * session).
 */
@Controller
public class ConsoleAuditController implements AdminPage {
  static final int SHOWN = 200;

  /** What a datetime-local field sends: a UTC time without a zone, to the minute or second. */
  private static final Pattern LOCAL_TIME =
      Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d(:\\d\\d)?");

  private final ActingAdmin admin;
  private final AuditExports exports;
  private final ConsoleErrors errors;

  public ConsoleAuditController(ActingAdmin admin, AuditExports exports, ConsoleErrors errors) {
    this.admin = admin;
    this.exports = exports;
    this.errors = errors;
  }

  @GetMapping("/admin/audit")
  public String search(
      @RequestParam(name = "username", required = false) String username,
      @RequestParam(name = "type", required = false) String type,
      @RequestParam(name = "outcome", required = false) String outcome,
      @RequestParam(name = "from", required = false) String from,
      @RequestParam(name = "to", required = false) String to,
      @RequestParam(name = "correlationId", required = false) String correlationId,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model) {
    admin.require();
    model.addAttribute(
        "form",
        new Form(
            blankToNull(username),
            blankToNull(type),
            blankToNull(outcome),
            blankToNull(from),
            blankToNull(to),
            blankToNull(correlationId)));
    model.addAttribute(
        "types", Arrays.stream(AuditEventType.values()).map(AuditEventType::wireName).toList());
    try {
      AuditExports.Filters filters =
          filters(username, type, outcome, from, to, correlationId, SHOWN);
      model.addAttribute(
          "events", exports.find(filters, true).stream().map(ConsoleViews.EventRow::of).toList());
      model.addAttribute("shown", SHOWN);
      model.addAttribute("csv", exportLink("csv", filters));
      model.addAttribute("jsonl", exportLink("jsonl", filters));
    } catch (LatchkeyException refused) {
      response.setStatus(refused.code().httpStatus());
      model.addAttribute("error", errors.envelope(refused, request));
    }
    return "admin/audit";
  }

  /** The download: the same filters, oldest first, up to the export's limit. */
  @GetMapping("/admin/audit/export")
  public ResponseEntity<String> export(
      @RequestParam(name = "format") String format,
      @RequestParam(name = "username", required = false) String username,
      @RequestParam(name = "type", required = false) String type,
      @RequestParam(name = "outcome", required = false) String outcome,
      @RequestParam(name = "from", required = false) String from,
      @RequestParam(name = "to", required = false) String to,
      @RequestParam(name = "correlationId", required = false) String correlationId) {
    admin.require();
    AuditExports.Filters filters =
        filters(username, type, outcome, from, to, correlationId, AuditQuery.MAX_LIMIT);
    return exports.export(format, exports.find(filters, false));
  }

  /** The form's fields as typed, to fill it in again. */
  record Form(
      String username, String type, String outcome, String from, String to, String correlationId) {}

  private static AuditExports.Filters filters(
      String username,
      String type,
      String outcome,
      String from,
      String to,
      String correlationId,
      int limit) {
    Boolean success =
        switch (outcome == null ? "" : outcome) {
          case "" -> null;
          case "success" -> true;
          case "failure" -> false;
          default ->
              throw new LatchkeyException(ErrorCode.BAD_REQUEST, "outcome is success or failure");
        };
    return new AuditExports.Filters(
        blankToNull(correlationId),
        blankToNull(username),
        blankToNull(type),
        success,
        utc(from),
        utc(to),
        limit);
  }

  /** A datetime-local value read as UTC; anything else is passed on as typed (ISO-8601). */
  private static String utc(String time) {
    String value = blankToNull(time);
    if (value != null && LOCAL_TIME.matcher(value).matches()) {
      return value + (value.length() == 16 ? ":00Z" : "Z");
    }
    return value;
  }

  private static String exportLink(String format, AuditExports.Filters filters) {
    StringBuilder link = new StringBuilder("/admin/audit/export?format=").append(format);
    add(link, "username", filters.username());
    add(link, "type", filters.type());
    add(
        link,
        "outcome",
        filters.success() == null ? null : filters.success() ? "success" : "failure");
    add(link, "from", filters.from());
    add(link, "to", filters.to());
    add(link, "correlationId", filters.correlationId());
    return link.toString();
  }

  private static void add(StringBuilder link, String name, String value) {
    if (value != null) {
      link.append('&')
          .append(name)
          .append('=')
          .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text.strip();
  }
}
