package io.latchkey.server.pages.admin;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.diagnosis.Diagnosis;
import io.latchkey.core.diagnosis.Diagnostician;
import io.latchkey.core.diagnosis.Finding;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The look-up of a correlation ID a user gave: the verdict, each finding with its cause, remedy and
 * evidence, the flows (registrations) the events belong to, and the whole timeline, as the REST API
 * gives them. A malformed or unknown ID gets a plain refusal on the same page, never a guess.
 */
@Controller
public class ConsoleDiagnoseController implements AdminPage {
  private final ActingAdmin admin;
  private final Diagnostician diagnostician;
  private final ConsoleErrors errors;

  public ConsoleDiagnoseController(
      ActingAdmin admin, Diagnostician diagnostician, ConsoleErrors errors) {
    this.admin = admin;
    this.diagnostician = diagnostician;
    this.errors = errors;
  }

  @GetMapping("/admin/diagnose")
  public String diagnose(
      @RequestParam(name = "id", required = false) String id,
      HttpServletRequest request,
      HttpServletResponse response,
      java.util.Locale locale,
      Model model) {
    admin.require();
    if (id == null || id.isBlank()) {
      return "admin/diagnose";
    }
    model.addAttribute("id", id.length() > 100 ? id.substring(0, 100) : id);
    try {
      CorrelationId correlationId =
          CorrelationId.parse(id)
              .orElseThrow(
                  () ->
                      new LatchkeyException(
                          ErrorCode.BAD_REQUEST,
                          "a correlation ID looks like 7Q2MK-9TDW4-XH3BZ-R5N8C (four groups of"
                              + " five letters and digits)"));
      Diagnosis diagnosis = diagnostician.diagnose(correlationId, admin.context(request));
      if (diagnosis.timeline().isEmpty()) {
        throw new LatchkeyException(ErrorCode.NOT_FOUND, "no event has that correlation ID");
      }
      model.addAttribute("id", correlationId.value());
      model.addAttribute("explained", diagnosis.explained());
      model.addAttribute(
          "findings", diagnosis.findings().stream().map(f -> FindingView.of(f, locale)).toList());
      model.addAttribute("flows", flows(diagnosis.timeline()));
      model.addAttribute(
          "timeline", diagnosis.timeline().stream().map(ConsoleViews.EventRow::of).toList());
    } catch (LatchkeyException refused) {
      response.setStatus(refused.code().httpStatus());
      model.addAttribute("error", errors.envelope(refused, request));
    }
    return "admin/diagnose";
  }

  record FindingView(
      String code, String cause, String remedy, List<ConsoleViews.EventRow> evidence) {
    static FindingView of(Finding finding, java.util.Locale locale) {
      return new FindingView(
          finding.code(),
          finding.cause(locale),
          finding.remedy(locale),
          finding.evidence().stream().map(ConsoleViews.EventRow::of).toList());
    }
  }

  /**
   * The registration or sign-in a flow ID stands for, named by its first event's kind ({@code
   * registration}, {@code push_registration}, ...), with when it began and how many events it has.
   */
  record FlowView(String id, String kind, String started, int events) {}

  static List<FlowView> flows(List<AuditEvent> timeline) {
    Map<UUID, List<AuditEvent>> byFlow = new LinkedHashMap<>();
    for (AuditEvent event : timeline) {
      if (event.flowId() != null) {
        byFlow.computeIfAbsent(event.flowId(), f -> new java.util.ArrayList<>()).add(event);
      }
    }
    return byFlow.entrySet().stream()
        .map(
            e -> {
              AuditEvent first = e.getValue().getFirst();
              String type = first.type().wireName();
              return new FlowView(
                  e.getKey().toString(),
                  type.substring(0, type.indexOf('.') < 0 ? type.length() : type.indexOf('.')),
                  ConsoleViews.at(first.at()),
                  e.getValue().size());
            })
        .toList();
  }
}
