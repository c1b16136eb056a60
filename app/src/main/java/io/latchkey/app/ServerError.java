package io.latchkey.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * A server's refusal, read from the error envelope of PRODUCT.md ({@code {"error": {"code",
 * "message", "correlationId", "timestamp"}}}) and shown as one block: the server's sentence, then
 * the code, correlation ID and time the user gives an administrator, who looks the ID up.
 *
 * @param status the HTTP status
 * @param code the stable snake_case code, or null when the answer had no envelope
 * @param message the server's sentence for the user, or null
 * @param correlationId from the envelope, else the {@code X-Correlation-Id} header, or null
 * @param timestamp when the server says it happened, or null
 */
record ServerError(
    int status, String code, String message, String correlationId, String timestamp) {

  static ServerError of(PushClient.Reply reply) {
    JsonNode error = Json.read(reply.body()).map(n -> n.get("error")).orElse(null);
    Optional<String> correlation = Json.string(error, "correlationId");
    return new ServerError(
        reply.status(),
        Json.string(error, "code").map(Messages::foreign).orElse(null),
        Json.string(error, "message").map(Messages::foreign).orElse(null),
        correlation
            .or(() -> Optional.ofNullable(reply.correlationId()))
            .map(Messages::foreign)
            .orElse(null),
        Json.string(error, "timestamp").map(Messages::foreign).orElse(null));
  }

  /** The device itself was refused (unknown, revoked, or its signature or clock is wrong). */
  boolean refusesTheDevice() {
    return status == 401 || status == 403;
  }

  /** "code_word" or "HTTP 502". */
  String shortReason() {
    return code != null && !code.isEmpty() ? code : "HTTP " + status;
  }

  /**
   * Two lines: {@code lead: message} and {@code code: ... correlation ID: ... at ...}; parts the
   * server did not send are left out.
   */
  String block(String lead) {
    String sentence =
        message == null || message.isEmpty()
            ? "the server answered HTTP " + status + " without an explanation."
            : Messages.sentence(message);
    List<String> facts = new ArrayList<>();
    facts.add(code != null && !code.isEmpty() ? "code: " + code : "HTTP status: " + status);
    if (correlationId != null && !correlationId.isEmpty()) {
      facts.add("correlation ID: " + correlationId);
    }
    if (timestamp != null && !timestamp.isEmpty()) {
      facts.add("at " + timestamp);
    }
    return lead + ": " + sentence + "\n" + String.join("  ", facts);
  }

  AppException toException(String lead) {
    return new AppException(block(lead));
  }
}
