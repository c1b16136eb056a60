package io.latchkey.server.api;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.push.Challenge;
import io.latchkey.core.usertoken.AdminTokens;
import io.latchkey.core.usertoken.TokenKind;
import io.latchkey.core.usertoken.UserToken;
import io.latchkey.core.usertoken.UserTokens;
import io.latchkey.server.security.ApiUser;
import io.latchkey.server.web.Correlation;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Admin login (issue 12): the password and a second factor (a code, or a push approved on the
 * phone) give an admin token for the admin API and the metrics; with it, an administrator makes
 * read-only metrics tokens for a Prometheus scraper.
 */
@RestController
@Tag(name = "admin: sessions")
public class AdminSessionsController {
  private final AdminTokens admins;
  private final UserTokens tokens;

  public AdminSessionsController(AdminTokens admins, UserTokens tokens) {
    this.admins = admins;
    this.tokens = tokens;
  }

  /** An admin token, shown once. */
  public record AdminSession(
      String token,
      String expiresAt,
      String factorProvenAt,
      String username,
      String correlationId) {
    @Override
    public String toString() {
      return "AdminSession[" + username + ", until " + expiresAt + "]";
    }
  }

  /** A push login waiting for the phone: type {@code number} in the app, then poll. */
  public record PushLogin(
      String status,
      String challengeId,
      String number,
      String expiresAt,
      String pollSecret,
      String correlationId) {
    @Override
    public String toString() {
      return "PushLogin[" + challengeId + ", " + status + "]";
    }
  }

  /** A metrics token as listed (never the token itself). */
  public record MetricsToken(String id, String name, String createdAt, String token) {
    @Override
    public String toString() {
      return "MetricsToken[" + id + ", " + name + "]";
    }
  }

  /** The live metrics tokens. */
  public record MetricsTokens(List<MetricsToken> tokens) {}

  @Operation(
      summary = "Admin login: the password and a second factor give an admin token",
      description =
          "Body {\"username\", \"password\", \"code\"} (a TOTP or backup code): 201"
              + " {\"token\", \"expiresAt\", ...}; send it as 'Authorization: Bearer <token>' to"
              + " /api/v1/admin/**, /api/v1/diagnostics/** and /actuator/**. Or {\"username\","
              + " \"password\", \"push\": true}: 202 {\"challengeId\", \"number\", \"pollSecret\"}"
              + " (type the number in the app), then POST /api/v1/admin/sessions/push/{challengeId}"
              + " until 201. Someone who is not an administrator gets unauthorized, like a wrong"
              + " password; wrong codes count toward the lockout like every other path. HTTP Basic"
              + " is not accepted anywhere. An administrator whose password was set by another"
              + " (or is the first start's) gets password_change_required, before the code is"
              + " checked, until the body also carries \"newPassword\": it is set once the code is"
              + " proven, and every earlier session and token of the administrator ends (a push"
              + " login cannot carry it: use a code, or the browser).")
  @PostMapping(
      path = "/api/v1/admin/sessions",
      consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<Object> signIn(@RequestBody JsonNode body, HttpServletRequest request) {
    String username = JsonFields.text(body, "username", 200);
    String password = JsonFields.text(body, "password", 1000);
    var context = Correlation.context(request, username);
    if (JsonFields.optionalBoolean(body, "push")) {
      AdminTokens.PushStarted started = admins.startPush(username, password, context);
      Challenge challenge = started.challenge();
      return noStore(HttpStatus.ACCEPTED)
          .body(
              new PushLogin(
                  "pending",
                  challenge.id().toString(),
                  challenge.number(),
                  challenge.expiresAt().toString(),
                  started.pollSecret(),
                  Correlation.of(request).value()));
    }
    String code = JsonFields.text(body, "code", 64);
    String newPassword = JsonFields.optionalText(body, "newPassword", 1000);
    return noStore(HttpStatus.CREATED)
        .body(session(admins.signIn(username, password, code, newPassword, context), request));
  }

  @Operation(
      summary = "Collect the admin token of a push login",
      description =
          "Body {\"pollSecret\"} from the 202 of POST /api/v1/admin/sessions. 202 while the"
              + " phone has not answered; 201 with the admin token once it approved (once only);"
              + " challenge_denied, number_mismatch or challenge_expired otherwise.")
  @PostMapping(
      path = "/api/v1/admin/sessions/push/{challengeId}",
      consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<Object> collectPush(
      @PathVariable("challengeId") String challengeId,
      @RequestBody JsonNode body,
      HttpServletRequest request) {
    String secret = JsonFields.text(body, "pollSecret", 200);
    Optional<UserTokens.Issued> issued =
        admins.collectPush(uuid(challengeId), secret, Correlation.context(request, "admin-login"));
    if (issued.isEmpty()) {
      return noStore(HttpStatus.ACCEPTED)
          .body(
              new PushLogin(
                  "pending", challengeId, null, null, null, Correlation.of(request).value()));
    }
    return noStore(HttpStatus.CREATED).body(session(issued.get(), request));
  }

  @Operation(summary = "Admin logout: the admin token stops working at once")
  @DeleteMapping(path = "/api/v1/admin/sessions/current")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  public void signOut(@AuthenticationPrincipal ApiUser admin, HttpServletRequest request) {
    tokens.revoke(admin.session(), Correlation.context(request, admin.actor()));
  }

  @Operation(
      summary = "Create a read-only metrics token for /actuator/** (Prometheus)",
      description =
          "Body {\"name\"}. 201 with the token, shown once: it opens /actuator/** and nothing"
              + " else, until revoked. It belongs to the administrator who made it.")
  @PostMapping(
      path = "/api/v1/admin/metrics-tokens",
      consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<MetricsToken> createMetricsToken(
      @AuthenticationPrincipal ApiUser admin,
      @RequestBody JsonNode body,
      HttpServletRequest request) {
    UserTokens.Issued issued =
        admins.createMetricsToken(
            admin.session().user(), JsonFields.text(body, "name", 100), AdminContext.of(request));
    return noStore(HttpStatus.CREATED).body(view(issued.session(), issued.token()));
  }

  @Operation(summary = "The metrics tokens that work (never the tokens themselves)")
  @GetMapping(path = "/api/v1/admin/metrics-tokens", produces = MediaType.APPLICATION_JSON_VALUE)
  public MetricsTokens metricsTokens() {
    return new MetricsTokens(
        tokens.listLive(TokenKind.METRICS).stream().map(t -> view(t, null)).toList());
  }

  @Operation(summary = "Revoke a metrics token")
  @DeleteMapping(path = "/api/v1/admin/metrics-tokens/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  public void revokeMetricsToken(@PathVariable("id") String id, HttpServletRequest request) {
    admins.revokeMetricsToken(uuid(id), AdminContext.of(request));
  }

  private static AdminSession session(UserTokens.Issued issued, HttpServletRequest request) {
    return new AdminSession(
        issued.token(),
        issued.session().expiresAt().toString(),
        issued.session().createdAt().toString(),
        issued.user().username().value(),
        Correlation.of(request).value());
  }

  private static MetricsToken view(UserToken token, String secret) {
    return new MetricsToken(
        token.id().toString(), token.name(), token.createdAt().toString(), secret);
  }

  private static ResponseEntity.BodyBuilder noStore(HttpStatus status) {
    return ResponseEntity.status(status).header("Cache-Control", "no-store");
  }

  private static UUID uuid(String text) {
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw new LatchkeyException(ErrorCode.NOT_FOUND, "no such ID");
    }
  }
}
