package io.latchkey.server.web;

import io.latchkey.core.error.ErrorCode;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.ModelAndView;

/**
 * Every failure ends here, mapped once (STYLE 6): API requests get the JSON envelope, pages get the
 * error page showing the same envelope. A 500 is logged with its correlation ID and never shows a
 * stack trace or internal detail.
 */
public final class ErrorHandling {
  private static final Logger log = LoggerFactory.getLogger(ErrorHandling.class);

  private ErrorHandling() {}

  static Object respond(
      ErrorCode code,
      HttpServletRequest request,
      HttpServletResponse response,
      ErrorResponses errors) {
    return respond(code, java.util.List.of(), request, response, errors);
  }

  static Object respond(
      ErrorCode code,
      java.util.List<String> explanations,
      HttpServletRequest request,
      HttpServletResponse response,
      ErrorResponses errors) {
    ErrorEnvelope envelope = errors.envelope(code, explanations, request);
    response.setHeader("Cache-Control", "no-store");
    retryAfter(code, null, response);
    if (ErrorResponses.isApi(request) || wantsJson(request)) {
      return ResponseEntity.status(code.httpStatus())
          .contentType(MediaType.APPLICATION_JSON)
          .body(envelope);
    }
    ModelAndView page = new ModelAndView("error");
    page.setStatus(org.springframework.http.HttpStatusCode.valueOf(code.httpStatus()));
    page.addObject("error", envelope.error());
    return page;
  }

  /** Without a wait of its own, a {@code rate_limited} answer says to come back in a minute. */
  static final long DEFAULT_RETRY_AFTER_SECONDS = 60;

  /**
   * Every {@code rate_limited} answer says when to come back (issue 14): the refusal's own wait
   * when it has one ({@link io.latchkey.core.error.RetryLater}), else a minute; a {@code
   * service_unavailable} only when its refusal says.
   */
  public static void retryAfter(ErrorCode code, Throwable error, HttpServletResponse response) {
    if (error instanceof io.latchkey.core.error.RetryLater later) {
      response.setHeader("Retry-After", Long.toString(later.retryAfterSeconds()));
    } else if (code == ErrorCode.RATE_LIMITED && !response.containsHeader("Retry-After")) {
      response.setHeader("Retry-After", Long.toString(DEFAULT_RETRY_AFTER_SECONDS));
    }
  }

  private static boolean wantsJson(HttpServletRequest request) {
    String accept = request.getHeader("Accept");
    return accept != null && accept.startsWith(MediaType.APPLICATION_JSON_VALUE);
  }

  /** Exceptions thrown by controllers. */
  @ControllerAdvice
  public static class Advice {
    private final ErrorResponses errors;
    private final io.latchkey.core.audit.AuditLog audit;
    private final java.time.Clock clock;
    private final StorageRecovery storage;

    public Advice(
        ErrorResponses errors,
        io.latchkey.core.audit.AuditLog audit,
        java.time.Clock clock,
        StorageRecovery storage) {
      this.errors = errors;
      this.audit = audit;
      this.clock = clock;
      this.storage = storage;
    }

    @ExceptionHandler(Throwable.class)
    public Object handle(
        Throwable error, HttpServletRequest request, HttpServletResponse response) {
      if (clientWentAway(error)) {
        // A device closed its push stream, or a client gave up: there is nobody to answer.
        log.debug("client went away: {}", error.toString());
        return null;
      }
      ErrorCode code = ErrorCodes.of(error);
      if (code == ErrorCode.INTERNAL_ERROR) {
        log.error("unexpected failure", error);
      } else if (code == ErrorCode.SERVICE_UNAVAILABLE) {
        log.warn("database unavailable: {}", error.toString());
        storage.onFailure(error);
      } else {
        log.debug("request refused: {} ({})", code.code(), error.getMessage());
      }
      auditRefusedSignedInUser(code, error, request);
      retryAfter(code, error, response);
      if (error instanceof io.latchkey.core.error.LatchkeyException e
          && ErrorResponses.isApi(request)
          && callerIsAdmin()) {
        ErrorEnvelope envelope = errors.envelope(code, e.explanations(), request);
        response.setHeader("Cache-Control", "no-store");
        return ResponseEntity.status(code.httpStatus())
            .contentType(MediaType.APPLICATION_JSON)
            .body(new ErrorEnvelope(envelope.error().withDetail(e.detail())));
      }
      java.util.List<String> explanations =
          error instanceof io.latchkey.core.error.LatchkeyException e
              ? e.explanations()
              : java.util.List.of();
      return respond(code, explanations, request, response, errors);
    }

    /**
     * A signed-in user turned away because they are blocked or disabled: the page shows a
     * correlation ID, and the audit record under it is what the administrator's diagnosis reads.
     */
    private void auditRefusedSignedInUser(
        ErrorCode code, Throwable error, HttpServletRequest request) {
      if (code != ErrorCode.USER_BLOCKED && code != ErrorCode.USER_DISABLED) {
        return;
      }
      var authentication =
          org.springframework.security.core.context.SecurityContextHolder.getContext()
              .getAuthentication();
      if (authentication == null
          || !(authentication.getPrincipal()
              instanceof io.latchkey.server.security.SignedInUser who)) {
        return;
      }
      audit.record(
          io.latchkey.core.audit.AuditEvent.of(
                  io.latchkey.core.audit.AuditEventType.REQUEST_REJECTED,
                  Correlation.context(request, who.username()),
                  clock.instant())
              .user(who.userId(), who.username())
              .failure(code.code())
              .detail(
                  request.getMethod()
                      + " "
                      + request.getRequestURI()
                      + " refused: "
                      + error.getMessage())
              .build());
    }

    /** The connection is gone (broken pipe, reset, an aborted async request). */
    private static boolean clientWentAway(Throwable error) {
      for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
        if (t
                instanceof
                org.springframework.web.context.request.async.AsyncRequestNotUsableException
            || t.getClass()
                .getName()
                .equals("org.apache.catalina.connector.ClientAbortException")) {
          return true;
        }
        if (t instanceof java.io.IOException io
            && io.getMessage() != null
            && (io.getMessage().contains("Broken pipe")
                || io.getMessage().contains("Connection reset"))) {
          return true;
        }
      }
      return false;
    }

    /** Administrators get the precise reason ("the username is taken"), nobody else. */
    private static boolean callerIsAdmin() {
      var authentication =
          org.springframework.security.core.context.SecurityContextHolder.getContext()
              .getAuthentication();
      return authentication != null
          && authentication.getAuthorities().stream()
              .anyMatch(
                  a ->
                      "ROLE_ADMIN".equals(a.getAuthority())
                          || "ROLE_ADMIN_API".equals(a.getAuthority()));
    }
  }

  /** Errors that happen outside controllers (filters, the container): the {@code /error} page. */
  @Controller
  public static class Fallback implements ErrorController {
    private final ErrorResponses errors;

    public Fallback(ErrorResponses errors) {
      this.errors = errors;
    }

    @RequestMapping("/error")
    public Object error(HttpServletRequest request, HttpServletResponse response) {
      Object status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
      Object exception = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
      // No status: not an error dispatch but a client asking for /error itself.
      ErrorCode code =
          exception instanceof Throwable t && ErrorCodes.of(t) != ErrorCode.INTERNAL_ERROR
              ? ErrorCodes.of(t)
              : status instanceof Integer s ? ErrorCodes.ofStatus(s) : ErrorCode.NOT_FOUND;
      if (code == ErrorCode.INTERNAL_ERROR && exception instanceof Throwable t) {
        log.error("unexpected failure outside a controller", t);
      }
      Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
      boolean api = uri instanceof String s && s.startsWith("/api/");
      retryAfter(code, exception instanceof Throwable t ? t : null, response);
      if (api) {
        return ResponseEntity.status(code.httpStatus())
            .contentType(MediaType.APPLICATION_JSON)
            .body(errors.envelope(code, request));
      }
      return respond(code, request, response, errors);
    }
  }
}
