package io.latchkey.core.diagnosis;

import io.latchkey.core.audit.AuditEvent;
import java.util.List;
import java.util.Locale;

/**
 * One explanation of what went wrong, for the administrator: the cause in plain words, what to do
 * about it, and the audit events that show it. Cause and remedy are said in the reader's language
 * (English and Japanese); what they quote of the audit records stays as recorded.
 *
 * @param code a stable word, e.g. {@code network_mismatch}
 * @param causeText the cause, sentence by sentence
 * @param remedyText the remedy, sentence by sentence
 */
public record Finding(
    String code, List<Text> causeText, List<Text> remedyText, List<AuditEvent> evidence) {
  public Finding {
    causeText = List.copyOf(causeText);
    remedyText = List.copyOf(remedyText);
    evidence = List.copyOf(evidence);
  }

  Finding(String code, Text cause, Text remedy, List<AuditEvent> evidence) {
    this(code, List.of(cause), List.of(remedy), evidence);
  }

  /** The cause in English (the API's and the command line's language). */
  public String cause() {
    return cause(Locale.ENGLISH);
  }

  public String cause(Locale locale) {
    return Text.render(causeText, locale);
  }

  /** The remedy in English. */
  public String remedy() {
    return remedy(Locale.ENGLISH);
  }

  public String remedy(Locale locale) {
    return Text.render(remedyText, locale);
  }
}
