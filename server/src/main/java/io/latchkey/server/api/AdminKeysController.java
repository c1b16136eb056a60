package io.latchkey.server.api;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.server.keys.KeyRotationJob;
import io.latchkey.store.DataKeys;
import io.latchkey.store.JdbcKeyRotations;
import io.latchkey.store.JdbcKeyRotations.Rotation;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The data keys that seal secrets at rest, and their rotation while the server runs (issue 14).
 * Starting a rotation is a sensitive change (a factor proven within the step-up window, as every
 * admin POST); the key material never leaves the server, only key IDs.
 */
@RestController
@RequestMapping(path = "/api/v1/admin/keys", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "admin: keys")
public class AdminKeysController {
  private final DataKeys keys;
  private final JdbcKeyRotations rotations;
  private final KeyRotationJob job;

  public AdminKeysController(DataKeys keys, JdbcKeyRotations rotations, KeyRotationJob job) {
    this.keys = keys;
    this.rotations = rotations;
    this.job = job;
  }

  @Operation(
      summary = "The data keys and the newest rotation",
      description =
          "sealingKeyId: the key that seals new values on every node; keys: every data key in the"
              + " database; notSealedWithCurrent: sealed values another key sealed (0 after a"
              + " finished rotation); rotation: the newest rotation or null.")
  @GetMapping
  public Map<String, Object> keys() {
    String current = keys.currentKeyId().orElse(null);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("sealingKeyId", current);
    out.put("keys", keys.keyIds());
    out.put("notSealedWithCurrent", current == null ? 0 : rotations.countNotSealedWith(current));
    out.put("rotation", rotations.recent(1).stream().findFirst().map(this::view).orElse(null));
    return out;
  }

  @Operation(
      summary = "Start a rotation of the data key",
      description =
          "A new data key seals new values on every node at once; the server re-seals every"
              + " sealed secret in the background, in batches, and retires the old key when no"
              + " row uses it. 202 with the rotation; 409 conflict while another runs.")
  @PostMapping("/rotations")
  @ResponseStatus(HttpStatus.ACCEPTED)
  public Map<String, Object> rotate(HttpServletRequest request) {
    return view(job.start(AdminContext.of(request)));
  }

  @Operation(summary = "The rotations, newest first")
  @GetMapping("/rotations")
  public Map<String, Object> list() {
    return Map.of("rotations", rotations.recent(50).stream().map(this::view).toList());
  }

  @Operation(
      summary = "One rotation",
      description =
          "state running or finished; batches and resealed so far; remaining values to re-seal;"
              + " retiredKeyIds; lastError if the job stopped (it resumes by itself).")
  @GetMapping("/rotations/{id}")
  public Map<String, Object> get(@PathVariable("id") String id) {
    UUID parsed;
    try {
      parsed = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new LatchkeyException(ErrorCode.NOT_FOUND, "no rotation " + clip(id));
    }
    return rotations
        .find(parsed)
        .map(this::view)
        .orElseThrow(() -> new LatchkeyException(ErrorCode.NOT_FOUND, "no rotation " + parsed));
  }

  private Map<String, Object> view(Rotation rotation) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", rotation.id().toString());
    out.put("state", rotation.running() ? "running" : "finished");
    out.put("newKeyId", rotation.newKeyId());
    out.put("oldKeyIds", rotation.oldKeyIds());
    out.put("startedAt", rotation.startedAt().toString());
    out.put("startedBy", rotation.startedBy());
    out.put("correlationId", rotation.correlationId().value());
    out.put("batches", rotation.batches());
    out.put("resealed", rotation.resealed());
    out.put(
        "remaining", rotation.running() ? rotations.countNotSealedWith(rotation.newKeyId()) : 0);
    out.put("retiredKeyIds", rotation.retiredKeyIds());
    out.put("updatedAt", rotation.updatedAt().toString());
    out.put("finishedAt", rotation.finishedAt() == null ? null : rotation.finishedAt().toString());
    out.put("lastError", rotation.lastError());
    return out;
  }

  private static String clip(String text) {
    String cut = text.length() > 40 ? text.substring(0, 40) + "..." : text;
    return cut.replaceAll("[^A-Za-z0-9-]", "?");
  }
}
