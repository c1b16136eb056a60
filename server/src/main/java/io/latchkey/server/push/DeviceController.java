package io.latchkey.server.push;

import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.push.Challenge;
import io.latchkey.core.push.ChallengeService;
import io.latchkey.core.push.Decision;
import io.latchkey.core.push.DeviceAuthenticator;
import io.latchkey.core.push.DeviceSignatures;
import io.latchkey.core.push.KeyAlgorithm;
import io.latchkey.core.push.Posture;
import io.latchkey.core.push.PushDevice;
import io.latchkey.core.push.PushEnrollmentService;
import io.latchkey.core.push.SignedRequest;
import io.latchkey.server.api.JsonFields;
import io.latchkey.server.web.Correlation;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.MessageSource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.support.RequestContextUtils;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What push devices call (docs/PUSH-PROTOCOL.md §3). Devices authenticate by signatures made with
 * their device key, never by a password or API key: activation proves possession of the new key,
 * later requests are signed with it, and answers carry their own signature bound to one challenge.
 */
@RestController
@Tag(name = "devices")
public class DeviceController {
  private static final int MAX_NAME = 100;

  private final PushEnrollmentService registrations;
  private final ChallengeService challenges;
  private final DeviceAuthenticator authenticator;
  private final DeviceHub hub;
  private final MessageSource messages;
  private final io.latchkey.server.config.LatchkeyProperties properties;
  private final JsonMapper json;

  public DeviceController(
      PushEnrollmentService registrations,
      ChallengeService challenges,
      DeviceAuthenticator authenticator,
      DeviceHub hub,
      MessageSource messages,
      io.latchkey.server.config.LatchkeyProperties properties,
      JsonMapper json) {
    this.registrations = registrations;
    this.challenges = challenges;
    this.authenticator = authenticator;
    this.hub = hub;
    this.messages = messages;
    this.properties = properties;
    // Spring's mapper: the same strictness as every other endpoint (a repeated key is refused).
    this.json = json;
  }

  @Operation(
      summary = "Activate a push device with the one-time code of its QR code",
      description =
          "Signed with the new device key (Latchkey-Timestamp, Latchkey-Signature). Errors:"
              + " invalid_code, enrollment_timed_out, device_not_compliant, network_mismatch,"
              + " unauthorized, bad_request.")
  @PostMapping(
      path = "/api/v1/device/activate",
      consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  @ResponseStatus(HttpStatus.CREATED)
  public Map<String, Object> activate(
      @RequestBody(required = false) byte[] body, HttpServletRequest request) {
    byte[] bytes = body == null ? new byte[0] : body;
    JsonNode tree = parse(bytes);
    String code = JsonFields.text(tree, "code", 64);
    String name = JsonFields.text(tree, "name", MAX_NAME).strip();
    if (name.isEmpty() || name.codePoints().anyMatch(Character::isISOControl)) {
      throw bad("'name' must be a non-empty line of text");
    }
    KeyAlgorithm algorithm =
        KeyAlgorithm.fromWireName(JsonFields.text(tree, "keyAlgorithm", 16))
            .orElseThrow(() -> bad("'keyAlgorithm' must be ed25519 or ec_p256"));
    byte[] publicKey = base64(JsonFields.text(tree, "publicKey", 1024), "publicKey");
    Posture posture = posture(tree.get("posture"));
    SignedRequest proof = signed(request, bytes);
    RequestContext context = Correlation.context(request, "device");
    PushEnrollmentService.Activation activation =
        registrations.activate(
            new PushEnrollmentService.ActivationRequest(code, name, algorithm, publicKey, posture),
            proof,
            context);
    Locale locale = RequestContextUtils.getLocale(request);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("deviceId", activation.device().id().toString());
    result.put("userId", activation.user().id().toString());
    result.put("username", activation.user().username().value());
    result.put("issuer", properties.issuer());
    result.put(
        "server",
        org.springframework.web.servlet.support.ServletUriComponentsBuilder.fromContextPath(request)
            .build()
            .toUriString());
    result.put("name", activation.device().name());
    result.put(
        "warnings",
        activation.warnings().stream()
            .map(key -> messages.getMessage(key, null, key, locale))
            .toList());
    result.put("correlationId", context.correlationId().value());
    return result;
  }

  @Operation(
      summary = "The device's push connection (server-sent events)",
      description =
          "Signed. Sends 'ready', then every pending challenge, then each new one; the number is"
              + " never included.")
  @GetMapping(path = "/api/v1/device/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  public SseEmitter stream(HttpServletRequest request) {
    RequestContext context = Correlation.context(request, "device");
    PushDevice device = authenticate(request, new byte[0], context);
    return hub.open(device, context);
  }

  @Operation(summary = "The challenges this device may answer now (signed)")
  @GetMapping(path = "/api/v1/device/challenges", produces = MediaType.APPLICATION_JSON_VALUE)
  public Map<String, Object> pending(HttpServletRequest request) {
    RequestContext context = Correlation.context(request, "device");
    PushDevice device = authenticate(request, new byte[0], context);
    List<Map<String, Object>> list =
        challenges.pendingFor(device).stream().map(DeviceController::view).toList();
    return Map.of("challenges", list);
  }

  @Operation(
      summary = "Answer a challenge: approve with the typed number, deny, or report",
      description =
          "Body {deviceId, decision, number, signature}; the signature covers the challenge, the"
              + " user, the expiry, the decision and the number. Errors: number_mismatch,"
              + " challenge_expired, conflict, unauthorized, forbidden, not_found, push_blocked,"
              + " user_blocked.")
  @PostMapping(
      path = "/api/v1/device/challenges/{challengeId}/answer",
      consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  public Map<String, Object> answer(
      @PathVariable("challengeId") String challengeId,
      @RequestBody JsonNode body,
      HttpServletRequest request) {
    UUID id = uuid(challengeId, "challenge ID");
    UUID deviceId;
    try {
      deviceId = UUID.fromString(JsonFields.text(body, "deviceId", 64));
    } catch (IllegalArgumentException e) {
      throw bad("'deviceId' must be a device ID");
    }
    Decision decision =
        Decision.fromWireName(JsonFields.text(body, "decision", 16))
            .orElseThrow(() -> bad("'decision' must be approve, deny or report"));
    String number = JsonFields.optionalText(body, "number", 16);
    byte[] signature = base64(JsonFields.text(body, "signature", 1024), "signature");
    RequestContext context = Correlation.context(request, "device:" + deviceId);
    ChallengeService.Answered answered =
        challenges.answer(deviceId, id, decision, number, signature, context);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("challengeId", id.toString());
    result.put("status", answered.state().wireName());
    result.put("correlationId", context.correlationId().value());
    return result;
  }

  static Map<String, Object> view(Challenge challenge) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("challengeId", challenge.id().toString());
    data.put("userId", challenge.userId().toString());
    data.put("username", challenge.username());
    data.put("application", challenge.application());
    data.put("ip", challenge.requesterIp());
    data.put("createdAt", challenge.createdAt().toString());
    data.put("expiresAt", challenge.expiresAt().toString());
    data.put("purpose", challenge.purpose().wireName());
    return data;
  }

  private PushDevice authenticate(HttpServletRequest request, byte[] body, RequestContext context) {
    String header = request.getHeader(DeviceSignatures.DEVICE_HEADER);
    if (header == null) {
      throw new LatchkeyException(ErrorCode.UNAUTHORIZED, "no device ID header");
    }
    UUID deviceId;
    try {
      deviceId = UUID.fromString(header);
    } catch (IllegalArgumentException e) {
      throw new LatchkeyException(ErrorCode.UNAUTHORIZED, "malformed device ID header");
    }
    return authenticator.authenticate(deviceId, signed(request, body), context);
  }

  static SignedRequest signed(HttpServletRequest request, byte[] body) {
    String timestamp = request.getHeader(DeviceSignatures.TIMESTAMP_HEADER);
    String signature = request.getHeader(DeviceSignatures.SIGNATURE_HEADER);
    if (timestamp == null || signature == null) {
      throw new LatchkeyException(ErrorCode.UNAUTHORIZED, "the request is not signed");
    }
    long seconds;
    byte[] signatureBytes;
    try {
      seconds = Long.parseLong(timestamp.strip());
      signatureBytes = Base64.getDecoder().decode(signature.strip());
    } catch (IllegalArgumentException e) {
      throw new LatchkeyException(ErrorCode.UNAUTHORIZED, "malformed signature headers");
    }
    String query = request.getQueryString();
    String target = request.getRequestURI() + (query == null ? "" : "?" + query);
    return new SignedRequest(request.getMethod(), target, seconds, body, signatureBytes);
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

  static Posture posture(JsonNode node) {
    if (node == null || node.isNull()) {
      return new Posture(null, null, null, "", null, false);
    }
    if (!node.isObject()) {
      throw bad("'posture' must be a JSON object");
    }
    Instant clock = null;
    String deviceClock = JsonFields.optionalText(node, "deviceClock", 64);
    if (deviceClock != null) {
      try {
        clock = Instant.parse(deviceClock);
      } catch (DateTimeParseException e) {
        throw bad("'posture.deviceClock' must be an ISO-8601 instant");
      }
    }
    String version = JsonFields.optionalText(node, "appVersion", 64);
    return new Posture(
        JsonFields.nullableBoolean(node, "storageEncrypted"),
        JsonFields.nullableBoolean(node, "rooted"),
        JsonFields.nullableBoolean(node, "notificationsEnabled"),
        version == null ? "" : version,
        clock,
        Boolean.TRUE.equals(JsonFields.nullableBoolean(node, "overridden")));
  }

  private static byte[] base64(String text, String field) {
    try {
      return Base64.getDecoder().decode(text.strip());
    } catch (IllegalArgumentException e) {
      throw bad("'" + field + "' must be standard Base64");
    }
  }

  private static UUID uuid(String text, String what) {
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw new LatchkeyException(ErrorCode.NOT_FOUND, "malformed " + what);
    }
  }

  private static LatchkeyException bad(String why) {
    return new LatchkeyException(ErrorCode.BAD_REQUEST, why);
  }
}
