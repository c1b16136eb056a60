package io.latchkey.server.web;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The one error shape of PRODUCT.md, in the API and on every page: {@code {"error": {"code",
 * "message", "correlationId", "timestamp"}}}.
 */
public record ErrorEnvelope(Body error) {

  /**
   * @param code the stable snake_case word
   * @param message one human sentence, in the reader's language
   * @param correlationId the request's ID, as in the {@code X-Correlation-Id} header
   * @param timestamp ISO-8601 UTC, e.g. {@code 2026-11-25T10:15:30Z}
   * @param detail the precise reason, only for an administrator's API calls (absent otherwise:
   *     before authentication errors stay uniform, SECURITY-TESTS A5)
   */
  public record Body(
      String code,
      String message,
      String correlationId,
      String timestamp,
      @JsonInclude(JsonInclude.Include.NON_NULL) String detail) {
    public Body(String code, String message, String correlationId, String timestamp) {
      this(code, message, correlationId, timestamp, null);
    }

    public Body withDetail(String value) {
      return new Body(code, message, correlationId, timestamp, value);
    }
  }
}
