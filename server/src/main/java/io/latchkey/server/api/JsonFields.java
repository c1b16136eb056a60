package io.latchkey.server.api;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import tools.jackson.databind.JsonNode;

/**
 * Strict reading of JSON request bodies: the body is an object, and each field is exactly the JSON
 * type asked for. A number where a string belongs is refused, never coerced: {@code 123456} and
 * {@code "0123456"} are different things to a code check (SECURITY-TESTS A1).
 */
public final class JsonFields {
  private JsonFields() {}

  public static JsonNode object(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw bad("the request body must be a JSON object");
    }
    return body;
  }

  public static String text(JsonNode body, String field, int maxLength) {
    JsonNode value = object(body).get(field);
    if (value == null || value.isNull()) {
      throw bad("'" + field + "' is required");
    }
    if (!value.isString()) {
      throw bad("'" + field + "' must be a JSON string");
    }
    String text = value.asString();
    if (text.length() > maxLength) {
      throw bad("'" + field + "' has at most " + maxLength + " characters");
    }
    if (!wellFormed(text)) {
      // A JSON escape such as \ud800 alone is no character: nothing stores, compares or hashes it
      // (the Argon2 hasher threw on it, a 500 at every password field).
      throw bad("'" + field + "' is not valid Unicode text (an unpaired surrogate)");
    }
    return text;
  }

  /** Whether every UTF-16 surrogate of {@code text} is one half of a pair. */
  static boolean wellFormed(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  public static String optionalText(JsonNode body, String field, int maxLength) {
    JsonNode value = object(body).get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    return text(body, field, maxLength);
  }

  public static boolean optionalBoolean(JsonNode body, String field) {
    JsonNode value = object(body).get(field);
    if (value == null || value.isNull()) {
      return false;
    }
    if (!value.isBoolean()) {
      throw bad("'" + field + "' must be true or false");
    }
    return value.booleanValue();
  }

  /** A boolean that may be absent or null (an unknown value): true, false or null. */
  public static Boolean nullableBoolean(JsonNode body, String field) {
    JsonNode value = object(body).get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isBoolean()) {
      throw bad("'" + field + "' must be true, false or null");
    }
    return value.booleanValue();
  }

  /** A whole number from {@code min} to {@code max}, or {@code fallback} when absent or null. */
  public static long optionalLong(JsonNode body, String field, long min, long max, long fallback) {
    JsonNode value = object(body).get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw bad("'" + field + "' must be a whole number");
    }
    long number = value.longValue();
    if (number < min || number > max) {
      throw bad("'" + field + "' must be from " + min + " to " + max);
    }
    return number;
  }

  private static LatchkeyException bad(String why) {
    return new LatchkeyException(ErrorCode.BAD_REQUEST, why);
  }
}
