package io.latchkey.server.api;

import io.latchkey.core.apikey.ApiKey;
import io.latchkey.core.apikey.ApiKeys;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** Administrators issue and revoke the API keys of relying applications. */
@RestController
@RequestMapping(path = "/api/v1/admin/api-keys", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "admin: API keys")
public class AdminApiKeysController {
  private final ApiKeys apiKeys;

  public AdminApiKeysController(ApiKeys apiKeys) {
    this.apiKeys = apiKeys;
  }

  @Operation(
      summary = "Create an API key",
      description =
          "Body {\"name\": \"...\"}. The token is in this response only; it is stored hashed.")
  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @ResponseStatus(HttpStatus.CREATED)
  public Map<String, Object> create(@RequestBody JsonNode body, HttpServletRequest request) {
    ApiKeys.Issued issued =
        apiKeys.create(JsonFields.text(body, "name", 100), AdminContext.of(request));
    Map<String, Object> out = view(issued.key());
    out.put("token", issued.token());
    return out;
  }

  @Operation(summary = "List API keys (never their tokens)")
  @GetMapping
  public Map<String, Object> list() {
    return Map.of("apiKeys", apiKeys.list().stream().map(AdminApiKeysController::view).toList());
  }

  @Operation(summary = "Revoke an API key")
  @DeleteMapping("/{id}")
  public Map<String, Object> revoke(@PathVariable("id") String id, HttpServletRequest request) {
    UUID keyId;
    try {
      keyId = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new LatchkeyException(ErrorCode.NOT_FOUND, "not an API key ID");
    }
    apiKeys.revoke(keyId, AdminContext.of(request));
    return Map.of("revoked", keyId.toString());
  }

  private static Map<String, Object> view(ApiKey key) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", key.id().toString());
    out.put("name", key.name());
    out.put("prefix", key.prefix());
    out.put("createdAt", key.createdAt().toString());
    out.put("createdBy", key.createdBy());
    out.put("revokedAt", key.revokedAt() == null ? null : key.revokedAt().toString());
    return out;
  }
}
