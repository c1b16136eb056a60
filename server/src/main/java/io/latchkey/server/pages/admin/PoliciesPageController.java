package io.latchkey.server.pages.admin;

import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.policy.Policies;
import io.latchkey.core.policy.PolicyKey;
import io.latchkey.core.policy.PolicyVersion;
import io.latchkey.core.user.User;
import io.latchkey.server.pages.CurrentUser;
import io.latchkey.server.web.Correlation;
import io.latchkey.server.web.ErrorResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The console's policies page: every setting with its range, a form to change them with a reason,
 * and the history of versions (who, when, why, what changed). Administrators only. The form is
 * conditional on the version it shows, so two administrators editing at once cannot overwrite each
 * other unseen: the second is told to reload.
 */
@Controller
@RequestMapping("/admin/policies")
public class PoliciesPageController {
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
  private static final int HISTORY = 50;

  private final CurrentUser currentUser;
  private final Policies policies;
  private final ErrorResponses errors;

  public PoliciesPageController(CurrentUser currentUser, Policies policies, ErrorResponses errors) {
    this.currentUser = currentUser;
    this.policies = policies;
    this.errors = errors;
  }

  /** A setting as the form shows it. */
  public record Setting(String key, String value, String range, String type) {}

  /** One change in the history. */
  public record Change(String key, String from, String to) {}

  /** One version in the history. */
  public record Version(
      long version,
      String when,
      String by,
      String reason,
      String correlationId,
      List<Change> changes) {}

  @GetMapping
  public String page(@RequestParam(name = "saved", required = false) String saved, Model model) {
    User admin = requireAdmin();
    if (saved != null && saved.matches("[0-9]{1,18}")) {
      model.addAttribute("saved", Long.parseLong(saved));
    }
    return render(admin, model, null);
  }

  @PostMapping
  public String change(
      @RequestParam Map<String, String> form,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model) {
    User admin = requireAdmin();
    Map<String, String> changes = new LinkedHashMap<>();
    for (PolicyKey key : PolicyKey.values()) {
      String value = form.get(key.key());
      if (value != null) {
        changes.put(key.key(), value);
      }
    }
    String actor = admin.username().value();
    RequestContext context = Correlation.context(request, actor);
    try {
      Long ifVersion = parseVersion(form.get("ifVersion"));
      PolicyVersion made = policies.update(changes, actor, form.get("reason"), ifVersion, context);
      return "redirect:/admin/policies?saved=" + made.version();
    } catch (LatchkeyException e) {
      if (e.code() != ErrorCode.BAD_REQUEST && e.code() != ErrorCode.CONFLICT) {
        throw e;
      }
      response.setStatus(e.code().httpStatus());
      model.addAttribute("error", errors.envelope(e.code(), request).error());
      model.addAttribute("errorDetail", e.detail());
      model.addAttribute("typedReason", form.get("reason"));
      return render(admin, model, e.code() == ErrorCode.BAD_REQUEST ? changes : null);
    }
  }

  private String render(User admin, Model model, Map<String, String> typed) {
    PolicyVersion current = policies.latest();
    model.addAttribute("signedInAs", admin.username().value());
    model.addAttribute("current", version(current));
    model.addAttribute(
        "settings",
        current.policy().settings().entrySet().stream()
            .map(
                e ->
                    new Setting(
                        e.getKey().key(),
                        typed != null && typed.containsKey(e.getKey().key())
                            ? typed.get(e.getKey().key())
                            : e.getValue(),
                        e.getKey().range(),
                        e.getKey().type().name().toLowerCase(java.util.Locale.ROOT)))
            .toList());
    model.addAttribute(
        "history",
        policies.history(HISTORY).stream().map(PoliciesPageController::version).toList());
    return "admin/policies";
  }

  private User requireAdmin() {
    User user = currentUser.require();
    if (!user.admin()) {
      throw new LatchkeyException(ErrorCode.FORBIDDEN, "the policies page is for administrators");
    }
    return user;
  }

  private static Long parseVersion(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    if (!text.strip().matches("[0-9]{1,18}")) {
      throw new LatchkeyException(ErrorCode.BAD_REQUEST, "'ifVersion' must be a whole number");
    }
    return Long.parseLong(text.strip());
  }

  private static Version version(PolicyVersion v) {
    return new Version(
        v.version(),
        when(v.changedAt()),
        v.changedBy(),
        v.reason(),
        v.correlationId() == null ? null : v.correlationId().value(),
        v.changes().stream().map(c -> new Change(c.key(), c.from(), c.to())).toList());
  }

  private static String when(Instant at) {
    return at == null ? null : WHEN.format(at);
  }
}
