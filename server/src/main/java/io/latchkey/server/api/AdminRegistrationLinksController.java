package io.latchkey.server.api;

import io.latchkey.core.recovery.RegistrationLinks;
import io.latchkey.core.user.Accounts;
import io.latchkey.server.web.PublicUrl;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** Administrators issue one-time registration links. */
@RestController
@Tag(name = "admin: users")
public class AdminRegistrationLinksController {
  private final Accounts accounts;
  private final RegistrationLinks links;
  private final PublicUrl publicUrl;

  public AdminRegistrationLinksController(
      Accounts accounts, RegistrationLinks links, PublicUrl publicUrl) {
    this.accounts = accounts;
    this.links = links;
    this.publicUrl = publicUrl;
  }

  @Operation(
      summary = "Issue a one-time registration link",
      description =
          "Body {\"expiresInMinutes\": 1440} (optional; 1 to 10080, default 1440 = 24 hours)."
              + " Whoever opens the link before it expires registers an authenticator for the"
              + " user without a password, once; the user's earlier unused links stop working."
              + " The URL is shown once: only a hash of it is stored.")
  @PostMapping(
      path = "/api/v1/admin/users/{username}/registration-link",
      consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  @ResponseStatus(HttpStatus.CREATED)
  public Map<String, Object> issue(
      @PathVariable("username") String username,
      @RequestBody JsonNode body,
      HttpServletRequest request) {
    long minutes =
        JsonFields.optionalLong(
            body,
            "expiresInMinutes",
            1,
            RegistrationLinks.MAX_LIFETIME.toMinutes(),
            RegistrationLinks.DEFAULT_LIFETIME.toMinutes());
    RegistrationLinks.Issued issued =
        links.issue(
            accounts.require(username), Duration.ofMinutes(minutes), AdminContext.of(request));
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("username", accounts.require(username).username().value());
    result.put("url", publicUrl.of(request) + "/enroll/" + issued.token());
    result.put("expiresAt", issued.link().expiresAt().toString());
    return result;
  }
}
