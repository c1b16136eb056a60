package io.latchkey.core.diagnosis;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.CorrelationId;
import java.util.List;

/**
 * What a correlation ID's events say: the timeline (the request's events and every event of the
 * registration or sign-in they belong to) and the findings, most specific first. No finding means
 * no rule explains the events: the verdict says so and shows them, never a guess.
 */
public record Diagnosis(
    CorrelationId correlationId, List<AuditEvent> timeline, List<Finding> findings) {
  public Diagnosis {
    timeline = List.copyOf(timeline);
    findings = List.copyOf(findings);
  }

  public boolean explained() {
    return !findings.isEmpty();
  }

  /** The verdict in a sentence: the first finding's cause, or that no rule explains the events. */
  public String summary(java.util.Locale locale) {
    return explained() ? findings.getFirst().cause(locale) : Text.of("unexplained").render(locale);
  }
}
