package io.latchkey.app;

import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The compact JSON of the push protocol and of {@code --json} output. */
final class Json {
  static final JsonMapper MAPPER = JsonMapper.builder().build();

  private Json() {}

  /** The document in {@code bytes}, or empty when they are not JSON. */
  static Optional<JsonNode> read(byte[] bytes) {
    try {
      return Optional.ofNullable(MAPPER.readTree(bytes)).filter(n -> !n.isMissingNode());
    } catch (JacksonException e) {
      return Optional.empty();
    }
  }

  static byte[] bytes(Object value) {
    return MAPPER.writeValueAsBytes(value);
  }

  static String text(Object value) {
    return MAPPER.writeValueAsString(value);
  }

  /** The string member {@code field} of {@code node}, if there is one. */
  static Optional<String> string(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value != null && value.isString() ? Optional.of(value.stringValue()) : Optional.empty();
  }
}
