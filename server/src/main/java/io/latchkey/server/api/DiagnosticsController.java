package io.latchkey.server.api;

import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.diagnosis.Diagnosis;
import io.latchkey.core.diagnosis.Diagnostician;
import io.latchkey.core.diagnosis.Finding;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Diagnosis by correlation ID: the timeline and what went wrong, for administrators. */
@RestController
@Tag(name = "admin: diagnostics")
public class DiagnosticsController {
  private final Diagnostician diagnostician;

  public DiagnosticsController(Diagnostician diagnostician) {
    this.diagnostician = diagnostician;
  }

  @Operation(
      summary = "Diagnose a correlation ID",
      description =
          "The events of that request and of the registration or sign-in it belongs to, and a"
              + " verdict: findings (cause, remedy, evidence), most specific first, or"
              + " 'unexplained' with the events. Each look-up is audited (diagnosis.viewed)."
              + " Summary, causes and remedies are in Japanese for Accept-Language: ja, else in"
              + " English (language says which); quoted audit details stay as recorded.")
  @GetMapping(
      path = "/api/v1/diagnostics/{correlationId}",
      produces = MediaType.APPLICATION_JSON_VALUE)
  public Map<String, Object> diagnose(
      @PathVariable("correlationId") String correlationId,
      jakarta.servlet.http.HttpServletRequest request,
      java.util.Locale locale) {
    CorrelationId id =
        CorrelationId.parse(correlationId)
            .orElseThrow(
                () ->
                    new LatchkeyException(
                        ErrorCode.BAD_REQUEST,
                        "a correlation ID looks like 7Q2MK-9TDW4-XH3BZ-R5N8C"));
    Diagnosis diagnosis = diagnostician.diagnose(id, AdminContext.of(request));
    if (diagnosis.timeline().isEmpty()) {
      throw new LatchkeyException(ErrorCode.NOT_FOUND, "no event has that correlation ID");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("correlationId", id.value());
    out.put("verdict", diagnosis.explained() ? "explained" : "unexplained");
    // Japanese if the caller asks for it, else English.
    java.util.Locale in =
        locale.getLanguage().equals("ja") ? java.util.Locale.JAPANESE : java.util.Locale.ENGLISH;
    out.put("language", in.getLanguage());
    out.put("summary", diagnosis.summary(in));
    out.put("findings", diagnosis.findings().stream().map(f -> view(f, in)).toList());
    out.put("timeline", diagnosis.timeline().stream().map(AuditExports::view).toList());
    return out;
  }

  private static Map<String, Object> view(Finding finding, java.util.Locale in) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("code", finding.code());
    out.put("cause", finding.cause(in));
    out.put("remedy", finding.remedy(in));
    out.put("evidence", finding.evidence().stream().map(AuditExports::view).toList());
    return out;
  }
}
