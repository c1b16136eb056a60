package io.latchkey.app;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A sign-in request as the server delivers it (docs/PUSH-PROTOCOL.md §3): on the stream and in the
 * list of pending ones. It never holds the number: the user reads that on the sign-in screen.
 *
 * @param id the challenge ID
 * @param userId whose sign-in it is; bound into the answer's signature
 * @param username the user's name
 * @param application who is asking (the relying application's name); may be empty
 * @param ip where the sign-in comes from, as the application saw it; may be empty
 * @param createdAt when the server created it, or null when it did not say
 * @param expiresAt when it expires; bound into the answer's signature, exactly as delivered
 * @param purpose {@code sign_in} or {@code registration_test}
 */
record Challenge(
    UUID id,
    UUID userId,
    String username,
    String application,
    String ip,
    Instant createdAt,
    Instant expiresAt,
    String purpose) {

  static final String REGISTRATION_TEST = "registration_test";

  /**
   * Reads one challenge object.
   *
   * @throws IllegalArgumentException when an ID or the expiry is missing or malformed
   */
  static Challenge from(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("not an object");
    }
    try {
      return new Challenge(
          UUID.fromString(required(node, "challengeId")),
          UUID.fromString(required(node, "userId")),
          text(node, "username"),
          text(node, "application"),
          text(node, "ip"),
          Json.string(node, "createdAt").map(Instant::parse).orElse(null),
          Instant.parse(required(node, "expiresAt")),
          Json.string(node, "purpose").orElse("sign_in"));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a challenge", e);
    }
  }

  boolean isRegistrationTest() {
    return REGISTRATION_TEST.equals(purpose);
  }

  /** The protocol's fields, in its order, for {@code listen --json}. */
  Map<String, Object> fields() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("challengeId", id.toString());
    fields.put("userId", userId.toString());
    fields.put("username", username);
    fields.put("application", application);
    fields.put("ip", ip);
    fields.put("createdAt", createdAt == null ? null : createdAt.toString());
    fields.put("expiresAt", expiresAt.toString());
    fields.put("purpose", purpose);
    return fields;
  }

  /** "Payroll" or "an application", for sentences. */
  String requester() {
    return application.isEmpty() ? "an application" : application;
  }

  private static String required(JsonNode node, String field) {
    Optional<String> value = Json.string(node, field);
    return value.orElseThrow(() -> new IllegalArgumentException(field + " is missing"));
  }

  private static String text(JsonNode node, String field) {
    return Json.string(node, field).map(Messages::foreign).orElse("");
  }
}
