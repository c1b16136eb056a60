package io.latchkey.server.api;

import io.latchkey.core.usertoken.UserTokens;
import io.latchkey.server.security.ApiUser;
import io.latchkey.server.web.Correlation;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Sign-in to the user API with the password and a second factor (the app's {@code backup} and
 * {@code restore}); the token it returns authenticates {@code /api/v1/user/**}.
 */
@RestController
@Tag(name = "user")
public class UserSessionsController {
  private final UserTokens tokens;

  public UserSessionsController(UserTokens tokens) {
    this.tokens = tokens;
  }

  @Operation(
      summary = "Sign in with the password and a second factor (a TOTP or backup code)",
      description =
          "Body {\"username\", \"password\", \"code\"}. 201 {\"token\", \"expiresAt\", \"userId\","
              + " \"username\"}: send the token as 'Authorization: Bearer <token>' to"
              + " /api/v1/user/**. Before the password is proven every failure is unauthorized"
              + " (or rate_limited while the name waits); after it: invalid_code, code_reused,"
              + " user_blocked, user_disabled, not_enrolled, bad_request. Wrong codes count toward"
              + " the lockout like every other path; a code is accepted once. A user whose password"
              + " an administrator set gets password_change_required (before the code is checked)"
              + " until the body also carries \"newPassword\", which is set once the code is proven"
              + " (password_too_short, password_too_common, ... if it breaks a rule).")
  @PostMapping(
      path = "/api/v1/user/sessions",
      consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  @ResponseStatus(HttpStatus.CREATED)
  public Map<String, Object> signIn(
      @RequestBody JsonNode body, HttpServletRequest request, HttpServletResponse response) {
    String username = JsonFields.text(body, "username", 200);
    String password = JsonFields.text(body, "password", 1000);
    String code = JsonFields.text(body, "code", 64);
    String newPassword = JsonFields.optionalText(body, "newPassword", 1000);
    UserTokens.Issued issued =
        tokens.signIn(
            username, password, code, newPassword, Correlation.context(request, username));
    response.setHeader("Cache-Control", "no-store");
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("token", issued.token());
    result.put("expiresAt", issued.session().expiresAt().toString());
    result.put("userId", issued.user().id().toString());
    result.put("username", issued.user().username().value());
    result.put("correlationId", Correlation.of(request).value());
    return result;
  }

  @Operation(summary = "Sign out: the token stops working at once")
  @DeleteMapping(path = "/api/v1/user/sessions/current")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  public void signOut(@AuthenticationPrincipal ApiUser user, HttpServletRequest request) {
    tokens.revoke(user.session(), Correlation.context(request, user.actor()));
  }
}
