package io.latchkey.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.error.ErrorCode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The error contract of PRODUCT.md, as assertions: the status the code stands for, the {@code
 * X-Correlation-Id} header, the envelope {@code {"error": {"code", "message", "correlationId",
 * "timestamp"}}} (JSON for the API, the error box for pages) carrying the same ID, and nothing
 * internal (stack traces, class names, SQL) in the body.
 */
public final class Envelopes {
  /** The shape of a correlation ID (Crockford Base32, four groups of five). */
  public static final Pattern CORRELATION_ID =
      Pattern.compile("[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}");

  /** Text that only an internal failure would put into a body. */
  private static final List<String> INTERNALS =
      List.of(
          "Exception",
          "exception",
          "Caused by",
          "\tat ",
          "io.latchkey.",
          "org.springframework",
          "org.apache",
          "java.lang",
          "java.io",
          "jakarta.",
          "tools.jackson",
          "com.fasterxml",
          "org.h2",
          // Not "SQL" alone: a page's random CSRF token can contain those three letters.
          "SQLException",
          "SQLSTATE",
          "SQL state",
          "org.postgresql",
          "syntax error",
          "Whitelabel",
          "Tomcat",
          "stack trace",
          "stackTrace",
          "trace\"");

  private Envelopes() {}

  /** The HTTP status of an error code word, e.g. 422 for {@code code_reused}. */
  public static int statusOf(String code) {
    return ErrorCode.valueOf(code.toUpperCase(Locale.ROOT)).httpStatus();
  }

  /** Returns the problems of an API answer, empty when it keeps the contract. */
  public static List<String> jsonProblems(Api.Response response, String expectedCode) {
    List<String> problems = new ArrayList<>();
    commonProblems(problems, response.status(), response.correlationId(), response.body());
    if (!response.contentType().startsWith("application/json")) {
      problems.add("Content-Type is '" + response.contentType() + "', not application/json");
      return problems;
    }
    JsonNode root;
    try {
      root = Api.JSON.readTree(response.body());
    } catch (RuntimeException e) {
      problems.add("the body is not JSON");
      return problems;
    }
    JsonNode error = root.path("error");
    if (!root.isObject() || root.size() != 1 || !error.isObject()) {
      problems.add("the body is not {\"error\": {...}}");
      return problems;
    }
    List<String> names = new ArrayList<>(error.propertyNames());
    // The four fields of the contract; administrators' API calls also get the precise reason.
    if (!names.equals(List.of("code", "message", "correlationId", "timestamp"))
        && !names.equals(List.of("code", "message", "correlationId", "timestamp", "detail"))) {
      problems.add("the envelope has fields " + names);
    }
    if (names.contains("detail") && !response.adminCall()) {
      problems.add("a precise reason ('detail') went to a caller who is not an administrator");
    }
    String code = error.path("code").asString("");
    if (expectedCode != null && !expectedCode.equals(code)) {
      problems.add("code '" + code + "', expected '" + expectedCode + "'");
    }
    if (!code.matches("[a-z]+(_[a-z]+)*")) {
      problems.add("code '" + code + "' is not a snake_case word");
    } else if (response.status() != statusOfOrZero(code)) {
      problems.add("status " + response.status() + " does not match code " + code);
    }
    if (error.path("message").asString("").isBlank()) {
      problems.add("no message");
    }
    if (!error.path("correlationId").asString("").equals(response.correlationId())) {
      problems.add(
          "body correlationId '"
              + error.path("correlationId").asString("")
              + "' differs from the header '"
              + response.correlationId()
              + "'");
    }
    timestampProblem(error.path("timestamp").asString("")).ifPresent(problems::add);
    return problems;
  }

  /**
   * Returns the problems of a page answer (the error box of any page), empty when it keeps the
   * contract.
   */
  public static List<String> pageProblems(
      int status, String correlationId, String contentType, String body, String expectedCode) {
    List<String> problems = new ArrayList<>();
    commonProblems(problems, status, correlationId, body);
    if (!contentType.startsWith("text/html")) {
      problems.add("Content-Type is '" + contentType + "', not text/html");
      return problems;
    }
    String code = elementText(body, "error-code");
    if (code == null) {
      problems.add("no error box (id=error-code) on the page");
      return problems;
    }
    if (expectedCode != null && !expectedCode.equals(code)) {
      problems.add("code '" + code + "', expected '" + expectedCode + "'");
    }
    if (status != statusOfOrZero(code)) {
      problems.add("status " + status + " does not match code " + code);
    }
    String shownId = elementText(body, "correlation-id");
    if (shownId == null || !shownId.equals(correlationId)) {
      problems.add(
          "page correlation ID '" + shownId + "' differs from the header '" + correlationId + "'");
    }
    String message = elementText(body, "error-message");
    if (message == null || message.isBlank()) {
      problems.add("no error message on the page");
    }
    String timestamp = elementText(body, "error-timestamp");
    timestampProblem(timestamp == null ? "" : timestamp).ifPresent(problems::add);
    return problems;
  }

  public static void assertJsonError(Api.Response response, String expectedCode) {
    assertThat(jsonProblems(response, expectedCode)).as(response.toString()).isEmpty();
  }

  public static void assertPageError(WizardClient.Page page, String expectedCode) {
    assertThat(
            pageProblems(
                page.status(), page.correlationId(), page.contentType(), page.body(), expectedCode))
        .as(page.status() + " " + page.body())
        .isEmpty();
  }

  private static void commonProblems(
      List<String> problems, int status, String correlationId, String body) {
    if (status < 400 || status > 499) {
      problems.add("status " + status + " is not a 4xx");
    }
    if (correlationId == null || !CORRELATION_ID.matcher(correlationId).matches()) {
      problems.add("X-Correlation-Id header is '" + correlationId + "'");
    }
    for (String internal : INTERNALS) {
      if (body.contains(internal)) {
        problems.add("the body reveals '" + internal.strip() + "'");
      }
    }
  }

  private static java.util.Optional<String> timestampProblem(String timestamp) {
    try {
      Instant.parse(timestamp);
      return timestamp.endsWith("Z")
          ? java.util.Optional.empty()
          : java.util.Optional.of("timestamp '" + timestamp + "' is not UTC");
    } catch (RuntimeException e) {
      return java.util.Optional.of("timestamp '" + timestamp + "' is not ISO-8601");
    }
  }

  private static int statusOfOrZero(String code) {
    try {
      return statusOf(code);
    } catch (IllegalArgumentException e) {
      return 0;
    }
  }

  private static String elementText(String html, String id) {
    Matcher m =
        Pattern.compile("<[^>]*\\bid=\"" + Pattern.quote(id) + "\"[^>]*>([^<]*)<").matcher(html);
    return m.find() ? m.group(1).strip() : null;
  }
}
