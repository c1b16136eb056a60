package io.latchkey.server.push;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.push.DeviceRebinding;
import io.latchkey.core.push.KeyAlgorithm;
import io.latchkey.core.push.Posture;
import io.latchkey.server.api.JsonFields;
import io.latchkey.server.security.ApiUser;
import io.latchkey.server.web.Correlation;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.MessageSource;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.RequestContextUtils;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Re-binding a push device to a new phone after a restore (docs/PUSH-PROTOCOL.md §5): needs both a
 * user API token (the user just proved a factor) and the request signed with the new device key
 * (proof of possession), as at activation.
 */
@RestController
@Tag(name = "user")
public class UserDevicesController {
  private final DeviceRebinding rebinding;
  private final DeviceHub hub;
  private final MessageSource messages;
  private final JsonMapper json;

  public UserDevicesController(
      DeviceRebinding rebinding, DeviceHub hub, MessageSource messages, JsonMapper json) {
    this.rebinding = rebinding;
    this.hub = hub;
    this.messages = messages;
    this.json = json;
  }

  @Operation(
      summary = "Re-bind a push device to a new key (a restored backup on a new phone)",
      description =
          "Needs a user API token, and the request signed with the NEW key (Latchkey-Timestamp,"
              + " Latchkey-Signature, no Latchkey-Device-Id). Body {\"keyAlgorithm\","
              + " \"publicKey\", \"posture\"}. 200 {\"deviceId\", \"name\", \"keyAlgorithm\","
              + " \"warnings\"}; the old key stops working at once. Errors: not_found, conflict"
              + " (the device is not active), unauthorized (bad proof or clock),"
              + " device_not_compliant, bad_request.")
  @PostMapping(
      path = "/api/v1/user/devices/{deviceId}/rebind",
      consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  public Map<String, Object> rebind(
      @PathVariable("deviceId") String deviceId,
      @RequestBody(required = false) byte[] body,
      @AuthenticationPrincipal ApiUser user,
      HttpServletRequest request) {
    UUID id;
    try {
      id = UUID.fromString(deviceId);
    } catch (IllegalArgumentException e) {
      throw new LatchkeyException(ErrorCode.NOT_FOUND, "malformed device ID");
    }
    byte[] bytes = body == null ? new byte[0] : body;
    JsonNode tree = parse(bytes);
    KeyAlgorithm algorithm =
        KeyAlgorithm.fromWireName(JsonFields.text(tree, "keyAlgorithm", 16))
            .orElseThrow(() -> bad("'keyAlgorithm' must be ed25519 or ec_p256"));
    byte[] publicKey;
    try {
      publicKey = Base64.getDecoder().decode(JsonFields.text(tree, "publicKey", 1024).strip());
    } catch (IllegalArgumentException e) {
      throw bad("'publicKey' must be standard Base64");
    }
    Posture posture = DeviceController.posture(tree.get("posture"));
    DeviceRebinding.Rebound rebound =
        rebinding.rebind(
            user.session().user(),
            new DeviceRebinding.Request(
                id, algorithm, publicKey, posture, DeviceController.signed(request, bytes)),
            Correlation.context(request, user.actor()));
    hub.endStreamsWithOldKey(rebound.device());
    Locale locale = RequestContextUtils.getLocale(request);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("deviceId", rebound.device().id().toString());
    result.put("name", rebound.device().name());
    result.put("keyAlgorithm", rebound.device().algorithm().wireName());
    result.put(
        "warnings",
        rebound.warnings().stream()
            .map(key -> messages.getMessage(key, null, key, locale))
            .toList());
    result.put("correlationId", Correlation.of(request).value());
    return result;
  }

  private JsonNode parse(byte[] body) {
    try {
      JsonNode tree = json.readTree(body);
      if (tree == null || !tree.isObject()) {
        throw bad("the request body must be a JSON object");
      }
      return tree;
    } catch (JacksonException e) {
      throw bad("the request body is not valid JSON");
    }
  }

  private static LatchkeyException bad(String why) {
    return new LatchkeyException(ErrorCode.BAD_REQUEST, why);
  }
}
