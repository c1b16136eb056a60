package io.latchkey.server.web;

import io.latchkey.core.error.ErrorCode;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import org.springframework.context.MessageSource;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.support.RequestContextUtils;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds and writes the error envelope: the code decides the status and the message key; the
 * sentence comes from the message bundle in the reader's language. Used by the exception handlers,
 * the security handlers and the filters that answer before any controller runs.
 */
@Component
public class ErrorResponses {
  private final MessageSource messages;
  private final MeterRegistry meters;
  private final Clock clock;
  private final JsonMapper json = JsonMapper.builder().build();

  public ErrorResponses(MessageSource messages, Clock clock, MeterRegistry meters) {
    this.messages = messages;
    this.clock = clock;
    this.meters = meters;
  }

  /** The envelope for {@code code}; each one is counted as {@code latchkey_errors_total{code}}. */
  public ErrorEnvelope envelope(ErrorCode code, HttpServletRequest request) {
    return envelope(code, java.util.List.of(), request);
  }

  /**
   * The envelope for {@code code} whose message continues with the sentences of {@code
   * explanations} (message keys: which rule refused, what to do).
   */
  public ErrorEnvelope envelope(
      ErrorCode code, java.util.List<String> explanations, HttpServletRequest request) {
    meters.counter("latchkey.errors", "code", code.code()).increment();
    Locale locale = locale(request);
    StringBuilder message =
        new StringBuilder(
            messages.getMessage(
                code.messageKey(),
                null,
                messages.getMessage("error.default", null, "Something went wrong.", locale),
                locale));
    for (String key : explanations) {
      String sentence = messages.getMessage(key, null, "", locale);
      if (!sentence.isEmpty()) {
        message.append(locale.getLanguage().equals("ja") ? "" : " ").append(sentence);
      }
    }
    String id = Correlation.find(request).map(Object::toString).orElse("");
    String at = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    return new ErrorEnvelope(new ErrorEnvelope.Body(code.code(), message.toString(), id, at));
  }

  /**
   * The envelope of a failure that happened in another request (a device refused at activation):
   * its code, sentences, correlation ID and time, so the page shows what the app showed.
   */
  public ErrorEnvelope envelopeOf(
      ErrorCode code,
      java.util.List<String> explanations,
      io.latchkey.core.audit.CorrelationId correlationId,
      Instant at,
      HttpServletRequest request) {
    ErrorEnvelope.Body now = envelope(code, explanations, request).error();
    return new ErrorEnvelope(
        new ErrorEnvelope.Body(
            now.code(),
            now.message(),
            correlationId == null ? now.correlationId() : correlationId.value(),
            at == null ? now.timestamp() : at.truncatedTo(ChronoUnit.SECONDS).toString()));
  }

  /** The message {@code key} in the request's language (for a page that words an error itself). */
  public String message(String key, HttpServletRequest request) {
    return messages.getMessage(key, null, key, locale(request));
  }

  /** Writes the envelope as JSON, for requests that never reach a controller. */
  public void writeJson(ErrorCode code, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    writeJson(code, java.util.List.of(), request, response);
  }

  /** Writes the envelope whose message continues with the sentences of {@code explanations}. */
  public void writeJson(
      ErrorCode code,
      java.util.List<String> explanations,
      HttpServletRequest request,
      HttpServletResponse response)
      throws IOException {
    if (response.isCommitted()) {
      return;
    }
    response.resetBuffer();
    response.setStatus(code.httpStatus());
    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response.setHeader("Cache-Control", "no-store");
    response.getOutputStream().write(json.writeValueAsBytes(envelope(code, explanations, request)));
    response.flushBuffer();
  }

  public static boolean isApi(HttpServletRequest request) {
    // Both may be null for a request Tomcat refused before mapping it to the application.
    String uri = request.getRequestURI();
    String context = request.getContextPath();
    return uri != null && uri.startsWith((context == null ? "" : context) + "/api/");
  }

  private static Locale locale(HttpServletRequest request) {
    try {
      return RequestContextUtils.getLocale(request);
    } catch (IllegalStateException e) {
      return request.getLocale();
    }
  }
}
