package io.latchkey.server.security;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.usertoken.TokenKind;
import io.latchkey.server.config.LatchkeyProperties;
import io.latchkey.server.web.Correlation;
import io.latchkey.server.web.ErrorResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.stereotype.Component;

/**
 * Who may call the admin API and the metrics (issue 12), decided here and nowhere else: an admin
 * token from {@code latchkey admin login} (the password and a second factor), never HTTP Basic or
 * any other credential; and for a sensitive change (the paths {@link SecurityConfiguration} lists,
 * and creating an administrator), a token whose factor was proven within the step-up window.
 *
 * <p>Every refusal of an admin API call is {@code 401 unauthorized} in the envelope with a sentence
 * saying how to sign in, and an {@code access.refused} audit record (reason {@code
 * admin_login_required} or {@code step_up_required}) under the response's correlation ID, so the
 * diagnosis names the cause.
 */
@Component
public class AdminApiAccess implements AuthenticationEntryPoint, AccessDeniedHandler {
  static final String LOGIN_REQUIRED = "admin_login_required";
  static final String STEP_UP_REQUIRED = "step_up_required";

  private static final String LOGIN_SENTENCE = "admin.login.required";
  private static final String STEP_UP_SENTENCE = "admin.login.stepUp";

  private final ErrorResponses errors;
  private final AuditLog audit;
  private final Clock clock;
  private final Duration stepUpWindow;
  private final ApiAccessDenied otherwise;

  public AdminApiAccess(
      ErrorResponses errors, AuditLog audit, Clock clock, LatchkeyProperties properties) {
    this.errors = errors;
    this.audit = audit;
    this.clock = clock;
    this.stepUpWindow = properties.stepUpWindow();
    this.otherwise = new ApiAccessDenied(errors, audit, clock);
  }

  /** The admin API's paths: {@code /api/v1/admin/**} and {@code /api/v1/diagnostics/**}. */
  static boolean isAdminPath(HttpServletRequest request) {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    return path.startsWith("/api/v1/admin/")
        || path.equals("/api/v1/admin")
        || path.startsWith("/api/v1/diagnostics/");
  }

  private static boolean isOperations(HttpServletRequest request) {
    return request
        .getRequestURI()
        .substring(request.getContextPath().length())
        .startsWith("/actuator/");
  }

  /** The rule of a sensitive admin call: an admin token whose factor is within the window. */
  public AuthorizationManager<RequestAuthorizationContext> freshFactor() {
    return (Supplier<? extends Authentication> authentication, RequestAuthorizationContext c) ->
        new AuthorizationDecision(fresh(authentication.get()));
  }

  /**
   * The same rule where the request's body decides (creating an administrator).
   *
   * @throws LatchkeyException {@code unauthorized}, with the step-up sentence, audited
   */
  public void requireFreshFactor(HttpServletRequest request) {
    if (!fresh(SecurityContextHolder.getContext().getAuthentication())) {
      refuse(request, STEP_UP_REQUIRED);
      throw new LatchkeyException(
          ErrorCode.UNAUTHORIZED, "the admin login is too old", List.of(STEP_UP_SENTENCE));
    }
  }

  private boolean fresh(Authentication authentication) {
    return authentication != null
        && authentication.getPrincipal() instanceof ApiUser who
        && who.kind() == TokenKind.ADMIN
        && !who.factorProvenAt().plus(stepUpWindow).isBefore(clock.instant());
  }

  /** No credential the chain accepts (HTTP Basic included): how to sign in. */
  @Override
  public void commence(
      HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
      throws IOException {
    response.setHeader("WWW-Authenticate", "Bearer");
    if (isAdminPath(request)) {
      refuse(request, LOGIN_REQUIRED);
    }
    // Elsewhere in the API (an application's or a user's path) the admin login is no answer.
    errors.writeJson(
        ErrorCode.UNAUTHORIZED,
        isAdminPath(request) || isOperations(request) ? List.of(LOGIN_SENTENCE) : List.of(),
        request,
        response);
  }

  /**
   * A credential that does not open this path: on the admin API, an admin token with a factor too
   * old (step-up) or any other token or key (sign in); elsewhere the usual 403.
   */
  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
      throws IOException {
    if (!isAdminPath(request)) {
      otherwise.handle(request, response, denied);
      return;
    }
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    boolean admin =
        authentication != null
            && authentication.getPrincipal() instanceof ApiUser who
            && who.kind() == TokenKind.ADMIN;
    refuse(request, admin ? STEP_UP_REQUIRED : LOGIN_REQUIRED);
    response.setHeader("WWW-Authenticate", "Bearer");
    errors.writeJson(
        ErrorCode.UNAUTHORIZED,
        List.of(admin ? STEP_UP_SENTENCE : LOGIN_SENTENCE),
        request,
        response);
  }

  private void refuse(HttpServletRequest request, String reason) {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    Object principal = authentication == null ? null : authentication.getPrincipal();
    String actor =
        switch (principal) {
          case ApiUser who -> who.actor();
          case ApiClient app -> app.actor();
          case null, default -> "anonymous";
        };
    AuditEvent.Builder event =
        AuditEvent.of(
            AuditEventType.ACCESS_REFUSED, Correlation.context(request, actor), clock.instant());
    if (principal instanceof ApiUser who) {
      event.user(who.userId(), who.username());
    }
    String basic =
        startsWithIgnoringCase(request.getHeader("Authorization"), "Basic ")
            ? " (HTTP Basic is not accepted)"
            : "";
    audit.record(
        event
            .failure(reason)
            .detail(
                request.getMethod()
                    + " "
                    + request.getRequestURI()
                    + ": "
                    + (reason.equals(STEP_UP_REQUIRED)
                        ? "the admin login's second factor is older than the step-up window"
                        : "no admin login" + basic))
            .build());
  }

  private static boolean startsWithIgnoringCase(String header, String prefix) {
    return header != null && header.regionMatches(true, 0, prefix, 0, prefix.length());
  }
}
