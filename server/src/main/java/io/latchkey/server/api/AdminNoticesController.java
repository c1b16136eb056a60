package io.latchkey.server.api;

import io.latchkey.core.notice.Notice;
import io.latchkey.core.notice.NoticeAddresses;
import io.latchkey.core.notice.Notices;
import io.latchkey.core.user.Accounts;
import io.latchkey.core.user.EmailAddress;
import io.latchkey.core.user.User;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** Administrators set where a user's security notices go, and see what was sent. */
@RestController
@RequestMapping(path = "/api/v1/admin/users", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "admin: notices")
public class AdminNoticesController {
  private final Accounts accounts;
  private final NoticeAddresses addresses;
  private final Notices notices;
  private final AdminUsersController users;

  public AdminNoticesController(
      Accounts accounts, NoticeAddresses addresses, Notices notices, AdminUsersController users) {
    this.accounts = accounts;
    this.addresses = addresses;
    this.notices = notices;
    this.users = users;
  }

  @Operation(
      summary = "Set, change or remove a user's email address",
      description =
          "Body {\"email\": \"name@example.com\"} or {\"email\": null} to remove it. The old"
              + " address (or the new one, if there was none) is sent a notice of the change.")
  @PutMapping(path = "/{username}/email", consumes = MediaType.APPLICATION_JSON_VALUE)
  public Map<String, Object> setEmail(
      @PathVariable("username") String username,
      @RequestBody JsonNode body,
      HttpServletRequest request) {
    JsonFields.object(body);
    if (!body.has("email")) {
      throw new io.latchkey.core.error.LatchkeyException(
          io.latchkey.core.error.ErrorCode.BAD_REQUEST, "'email' is required (null removes it)");
    }
    String email = JsonFields.optionalText(body, "email", EmailAddress.MAX_LENGTH);
    User user = accounts.require(username);
    addresses.change(user, email, AdminContext.of(request));
    return users.get(username);
  }

  @Operation(
      summary = "A user's security notices, newest first, with their delivery state",
      description =
          "status: pending, sending, sent, failed (after the last retry) or not_sent (no address,"
              + " or mail off); lastError says why.")
  @GetMapping("/{username}/notices")
  public Map<String, Object> list(
      @PathVariable("username") String username,
      @RequestParam(name = "limit", defaultValue = "50") int limit) {
    User user = accounts.require(username);
    List<Map<String, Object>> out =
        notices.recent(user.id(), limit).stream().map(AdminNoticesController::view).toList();
    return Map.of("notices", out);
  }

  static Map<String, Object> view(Notice notice) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", notice.id().toString());
    out.put("kind", notice.kind().wireName());
    out.put("at", notice.at().toString());
    out.put("ip", notice.ip());
    out.put("userAgent", notice.userAgent());
    out.put("correlationId", notice.correlationId().value());
    out.put("facts", notice.facts());
    out.put("recipient", notice.recipient() == null ? null : notice.recipient().value());
    out.put("status", notice.status().name().toLowerCase(Locale.ROOT));
    out.put("attempts", notice.attempts());
    out.put(
        "nextAttemptAt", notice.nextAttemptAt() == null ? null : notice.nextAttemptAt().toString());
    out.put("sentAt", notice.sentAt() == null ? null : notice.sentAt().toString());
    out.put("lastError", notice.lastError());
    return out;
  }
}
