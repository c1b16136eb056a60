package io.latchkey.server.api;

import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.policy.Policies;
import io.latchkey.core.policy.PolicyChange;
import io.latchkey.core.policy.PolicyKey;
import io.latchkey.core.policy.PolicyVersion;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Administrators read and change the policy. A change is a new version (who, when, why, what
 * changed), in force on every node without a restart; {@code ifVersion} makes it conditional on the
 * version the administrator saw.
 */
@RestController
@RequestMapping(path = "/api/v1/admin/policy", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "admin: policy")
public class AdminPolicyController {
  private static final Set<String> BODY_FIELDS = Set.of("reason", "ifVersion", "settings");

  private final Policies policies;

  public AdminPolicyController(Policies policies) {
    this.policies = policies;
  }

  @Operation(
      summary = "The current policy",
      description =
          "version (0: the configuration), changedAt, changedBy, reason, correlationId, and"
              + " settings: every policy key with its value (numbers as JSON numbers, durations"
              + " and actions as strings like \"5m\" and \"warn\", methods.allowed as an array).")
  @GetMapping
  public Map<String, Object> current() {
    return view(policies.latest(), false);
  }

  @Operation(
      summary = "Change some settings",
      description =
          "Body {\"reason\": \"...\" (required), \"ifVersion\": N (optional: 409 conflict unless"
              + " the current version is N), \"settings\": {\"lockout.threshold\": 5, ...}}."
              + " Unknown keys, wrong types and values out of range are 400 bad_request naming the"
              + " key and its range. A change to the values already in force makes no version.")
  @PatchMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  public Map<String, Object> patch(@RequestBody JsonNode body, HttpServletRequest request) {
    return update(body, false, request);
  }

  @Operation(
      summary = "Replace the whole policy",
      description =
          "Body as for PATCH, but settings must hold every key (as GET returns them) and"
              + " ifVersion is required.")
  @PutMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  public Map<String, Object> put(@RequestBody JsonNode body, HttpServletRequest request) {
    return update(body, true, request);
  }

  @Operation(
      summary = "Every version, newest first",
      description =
          "versions: each with version, changedAt, changedBy, reason, correlationId, changes"
              + " ([{key, from, to}]) and settings; version 0 is the configuration.")
  @GetMapping("/history")
  public Map<String, Object> history(
      @RequestParam(name = "limit", defaultValue = "100") String limit) {
    int count = parseLimit(limit);
    List<Map<String, Object>> versions = new ArrayList<>();
    for (PolicyVersion version : policies.history(count)) {
      versions.add(view(version, true));
    }
    return Map.of("versions", versions);
  }

  private Map<String, Object> update(JsonNode body, boolean whole, HttpServletRequest request) {
    JsonFields.object(body);
    for (String field : body.propertyNames()) {
      if (!BODY_FIELDS.contains(field)) {
        throw bad(
            "'"
                + clip(field)
                + "' is not a field of this request; the fields are reason, ifVersion, settings");
      }
    }
    String reason = JsonFields.text(body, "reason", 500);
    Long ifVersion = ifVersion(body.get("ifVersion"), whole);
    JsonNode settings = body.get("settings");
    if (settings == null || !settings.isObject()) {
      throw bad("'settings' is required: a JSON object of policy keys and values");
    }
    Map<String, String> changes = changes(settings);
    if (whole) {
      List<String> missing =
          Arrays.stream(PolicyKey.values())
              .map(PolicyKey::key)
              .filter(k -> !changes.containsKey(k))
              .toList();
      if (!missing.isEmpty()) {
        throw bad("PUT replaces the whole policy; 'settings' lacks " + String.join(", ", missing));
      }
    }
    RequestContext context = AdminContext.of(request);
    return view(policies.update(changes, context.actor(), reason, ifVersion, context), false);
  }

  private static Long ifVersion(JsonNode value, boolean required) {
    if (value == null || value.isNull()) {
      if (required) {
        throw bad("'ifVersion' is required: the version this replaces (GET returns it)");
      }
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
      throw bad("'ifVersion' must be a whole number, 0 or more");
    }
    return value.longValue();
  }

  /** Each key's JSON value as the text {@link PolicyKey#parse} reads, with its type checked. */
  static Map<String, String> changes(JsonNode settings) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : settings.properties()) {
      PolicyKey key = PolicyKey.require(entry.getKey());
      JsonNode value = entry.getValue();
      String text =
          switch (key.type()) {
            case INTEGER -> {
              if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                throw bad("'" + key.key() + "' must be a JSON number: " + key.range());
              }
              yield Long.toString(value.longValue());
            }
            case DURATION, ACTION -> {
              if (!value.isString()) {
                throw bad("'" + key.key() + "' must be a JSON string: " + key.range());
              }
              yield value.asString();
            }
            case BOOLEAN -> {
              if (!value.isBoolean()) {
                throw bad("'" + key.key() + "' must be a JSON boolean: " + key.range());
              }
              yield Boolean.toString(value.booleanValue());
            }
            case METHODS -> {
              if (!value.isArray()) {
                throw bad("'" + key.key() + "' must be a JSON array of strings: " + key.range());
              }
              List<String> kinds = new ArrayList<>();
              for (JsonNode kind : value.values()) {
                if (!kind.isString() || kind.asString().contains(",")) {
                  throw bad("'" + key.key() + "' must be a JSON array of strings: " + key.range());
                }
                kinds.add(kind.asString());
              }
              yield String.join(",", kinds);
            }
          };
      out.put(key.key(), text);
    }
    return out;
  }

  /** A setting's canonical text as its JSON value. */
  static Object json(PolicyKey key, String text) {
    return switch (key.type()) {
      case INTEGER -> Long.parseLong(text);
      case DURATION, ACTION -> text;
      case METHODS -> List.of(text.split(","));
      case BOOLEAN -> Boolean.parseBoolean(text);
    };
  }

  static Map<String, Object> view(PolicyVersion version, boolean withChanges) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("version", version.version());
    out.put("changedAt", version.changedAt() == null ? null : version.changedAt().toString());
    out.put("changedBy", version.changedBy());
    out.put("reason", version.reason());
    out.put(
        "correlationId", version.correlationId() == null ? null : version.correlationId().value());
    if (withChanges) {
      List<Map<String, Object>> changes = new ArrayList<>();
      for (PolicyChange change : version.changes()) {
        PolicyKey key = PolicyKey.of(change.key()).orElse(null);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("key", change.key());
        row.put("from", key == null ? change.from() : json(key, change.from()));
        row.put("to", key == null ? change.to() : json(key, change.to()));
        changes.add(row);
      }
      out.put("changes", changes);
    }
    Map<String, Object> settings = new LinkedHashMap<>();
    version.policy().settings().forEach((key, text) -> settings.put(key.key(), json(key, text)));
    out.put("settings", settings);
    return out;
  }

  private static int parseLimit(String limit) {
    if (!limit.matches("[0-9]{1,4}")) {
      throw bad("'limit' must be a whole number from 1 to 1000");
    }
    int value = Integer.parseInt(limit);
    if (value < 1 || value > 1000) {
      throw bad("'limit' must be a whole number from 1 to 1000");
    }
    return value;
  }

  private static String clip(String text) {
    return PolicyKey.shown(text);
  }

  private static LatchkeyException bad(String why) {
    return new LatchkeyException(ErrorCode.BAD_REQUEST, why);
  }
}
