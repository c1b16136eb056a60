package io.latchkey.server.notice;

import io.latchkey.core.notice.Notice;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.MessageSource;
import org.springframework.stereotype.Component;

/**
 * A notice in plain words, in the reader's language: for the user's page (the language of the
 * browser) and for the mail (English and Japanese in one message: Latchkey keeps no per-user
 * language, and the request that caused a notice — an admin's, an application's — says nothing of
 * the user's).
 */
@Component
public class NoticeTexts {
  /** The languages of every notice mail, in this order. */
  public static final List<Locale> MAIL_LANGUAGES = List.of(Locale.ENGLISH, Locale.JAPANESE);

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private final MessageSource messages;

  public NoticeTexts(MessageSource messages) {
    this.messages = messages;
  }

  /** One labelled fact: "From: 192.0.2.7". */
  public record Fact(String name, String label, String value) {}

  /**
   * A notice as a page shows it.
   *
   * @param status the delivery state as a sentence ("Also sent to you by email.")
   */
  public record View(
      UUID id,
      String kind,
      String at,
      String title,
      String text,
      String from,
      String correlationId,
      List<Fact> facts,
      String status,
      String repudiation) {}

  public View view(Notice notice, Locale locale) {
    return new View(
        notice.id(),
        notice.kind().wireName(),
        time(notice, locale),
        title(notice, locale),
        text(notice, locale),
        notice.ip().isEmpty() ? message("notice.noIp", locale) : notice.ip(),
        notice.correlationId().value(),
        facts(notice, locale),
        message("notice.status." + notice.status().name(), locale),
        message("notice.repudiation", locale, notice.correlationId().value()));
  }

  public String title(Notice notice, Locale locale) {
    return message("notice." + notice.kind().wireName() + ".title", locale);
  }

  public String text(Notice notice, Locale locale) {
    return message("notice." + notice.kind().wireName() + ".text", locale);
  }

  /** When, from where, with what, the kind's own facts, and the correlation ID, in that order. */
  public List<Fact> facts(Notice notice, Locale locale) {
    List<Fact> out = new ArrayList<>();
    out.add(fact("at", time(notice, locale), locale));
    out.add(
        fact("ip", notice.ip().isEmpty() ? message("notice.noIp", locale) : notice.ip(), locale));
    if (!notice.userAgent().isEmpty()) {
      out.add(fact("userAgent", notice.userAgent(), locale));
    }
    for (Map.Entry<String, String> entry : notice.facts().entrySet()) {
      String value = entry.getValue();
      if ("method".equals(entry.getKey())) {
        value = messages.getMessage("method." + value, null, value, locale);
      } else {
        // A fact that names a case ("rule": too_many_registrations) is said in words.
        value =
            messages.getMessage(
                "notice.value." + entry.getKey() + "." + value, null, value, locale);
      }
      out.add(fact(entry.getKey(), value, locale));
    }
    out.add(fact("correlationId", notice.correlationId().value(), locale));
    return out;
  }

  /** The subject: both languages, English first. */
  public String mailSubject(Notice notice) {
    List<String> parts = new ArrayList<>();
    for (Locale locale : MAIL_LANGUAGES) {
      parts.add(message("notice.mail.subject", locale, title(notice, locale)));
    }
    return String.join(" / ", parts);
  }

  /** The plain-text body: each language in turn, every fact, what to do if it was not them. */
  public String mailBody(Notice notice) {
    StringBuilder out = new StringBuilder();
    for (Locale locale : MAIL_LANGUAGES) {
      if (!out.isEmpty()) {
        out.append("\n").append("-".repeat(60)).append("\n\n");
      }
      out.append(title(notice, locale)).append("\n\n");
      out.append(text(notice, locale)).append("\n\n");
      for (Fact fact : facts(notice, locale)) {
        out.append(fact.label()).append(": ").append(fact.value()).append("\n");
      }
      out.append("\n")
          .append(message("notice.repudiation", locale, notice.correlationId().value()))
          .append("\n\n");
      out.append(message("notice.mail.footer", locale)).append("\n");
    }
    return out.toString();
  }

  private Fact fact(String name, String value, Locale locale) {
    return new Fact(name, messages.getMessage("notice.fact." + name, null, name, locale), value);
  }

  private String time(Notice notice, Locale locale) {
    return message("notice.time", locale, TIME.format(notice.at()));
  }

  private String message(String key, Locale locale, Object... args) {
    return messages.getMessage(key, args.length == 0 ? null : args, locale);
  }
}
