package io.latchkey.server.api;

import io.latchkey.core.alert.Alert;
import io.latchkey.core.alert.Alerts;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** What an administrator must look at: fraud reports, pushes paused after denials. */
@RestController
@RequestMapping(path = "/api/v1/admin/alerts", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "admin: alerts")
public class AdminAlertsController {
  private final Alerts alerts;

  public AdminAlertsController(Alerts alerts) {
    this.alerts = alerts;
  }

  @Operation(summary = "Alerts, newest first (open=true: only those not yet acknowledged)")
  @GetMapping
  public Map<String, Object> list(
      @RequestParam(name = "open", defaultValue = "false") boolean open,
      @RequestParam(name = "limit", defaultValue = "100") int limit) {
    List<Map<String, Object>> list =
        alerts.recent(open, limit).stream().map(AdminAlertsController::view).toList();
    return Map.of("alerts", list);
  }

  @Operation(
      summary = "Acknowledge an alert",
      description = "Audited (alert.acknowledged) with the acting administrator.")
  @PostMapping("/{id}/acknowledge")
  public Map<String, Object> acknowledge(
      @PathVariable("id") String id, HttpServletRequest request) {
    UUID alertId;
    try {
      alertId = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new LatchkeyException(ErrorCode.NOT_FOUND, "malformed alert ID");
    }
    alerts.acknowledge(alertId, AdminContext.of(request));
    return Map.of("id", id, "acknowledged", true);
  }

  private static Map<String, Object> view(Alert alert) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", alert.id().toString());
    out.put("raisedAt", alert.raisedAt().toString());
    out.put("kind", alert.kind());
    out.put("username", alert.username());
    out.put("detail", alert.detail());
    out.put("correlationId", alert.cause() == null ? null : alert.cause().value());
    out.put(
        "acknowledgedAt",
        alert.acknowledgedAt() == null ? null : alert.acknowledgedAt().toString());
    return out;
  }
}
