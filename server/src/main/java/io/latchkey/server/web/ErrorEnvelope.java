package io.latchkey.server.web;

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
   */
  public record Body(String code, String message, String correlationId, String timestamp) {}
}
