package io.latchkey.server.pages.admin;

import io.latchkey.core.alert.Alerts;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.UUID;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The console's start: the correlation-ID look-up, open alerts, and the way to everything else. */
@Controller
public class ConsoleHomeController implements AdminPage {
  static final int ALERTS_SHOWN = 50;

  private final ActingAdmin admin;
  private final Alerts alerts;

  public ConsoleHomeController(ActingAdmin admin, Alerts alerts) {
    this.admin = admin;
    this.alerts = alerts;
  }

  @GetMapping("/admin")
  public String home(Model model) {
    admin.require();
    model.addAttribute(
        "alerts",
        alerts.recent(true, ALERTS_SHOWN).stream().map(ConsoleViews.AlertRow::of).toList());
    return "admin/home";
  }

  /** Acknowledging an alert takes it off the dashboard; the audit log keeps who did it. */
  @PostMapping("/admin/alerts/{id}/acknowledge")
  public String acknowledge(
      @PathVariable("id") String id, HttpServletRequest request, RedirectAttributes flash) {
    UUID alertId;
    try {
      alertId = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new LatchkeyException(ErrorCode.NOT_FOUND, "malformed alert ID");
    }
    alerts.acknowledge(alertId, admin.context(request));
    flash.addFlashAttribute("notice", "admin.home.acknowledged");
    return "redirect:/admin";
  }
}
