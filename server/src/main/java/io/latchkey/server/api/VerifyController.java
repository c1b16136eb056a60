package io.latchkey.server.api;

import io.latchkey.core.backupcode.BackupCodes;
import io.latchkey.core.method.MethodKind;
import io.latchkey.core.verification.VerificationService;
import io.latchkey.core.verification.VerificationService.Verified;
import io.latchkey.server.security.ApiClient;
import io.latchkey.server.web.Correlation;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** Relying applications check a user's code. */
@RestController
@Tag(name = "verification")
public class VerifyController {
  private final VerificationService verification;
  private final BackupCodes backupCodes;

  public VerifyController(VerificationService verification, BackupCodes backupCodes) {
    this.verification = verification;
    this.backupCodes = backupCodes;
  }

  @Operation(
      summary = "Verify a user's one-time code",
      description =
          "Body {\"username\": \"...\", \"code\": \"123456\"}: a code from the user's app, or"
              + " one of their backup codes (\"K7QMD-2XWPA\"). 200 when accepted, with the kind of"
              + " method (\"totp\" or \"backup_code\") and, for a backup code, how many are left;"
              + " errors use the envelope: invalid_code, code_reused, user_blocked, user_disabled,"
              + " not_enrolled, not_found, bad_request. Each code is accepted at most once.")
  @PostMapping(
      path = "/api/v1/verify",
      consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  public Map<String, Object> verify(
      @RequestBody JsonNode body,
      @AuthenticationPrincipal ApiClient client,
      HttpServletRequest request) {
    String username = JsonFields.text(body, "username", 200);
    String code = JsonFields.text(body, "code", 64);
    Verified verified =
        verification.verify(username, code, Correlation.context(request, client.actor()));
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("result", "accepted");
    result.put("username", verified.user().username().value());
    result.put("method", verified.kind().name().toLowerCase(java.util.Locale.ROOT));
    result.put("methodId", verified.methodId().toString());
    if (verified.kind() == MethodKind.BACKUP_CODE) {
      result.put("backupCodesLeft", backupCodes.summary(verified.user().id()).remaining());
    }
    result.put("correlationId", Correlation.of(request).value());
    result.put(
        "timestamp", verified.at().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    return result;
  }
}
