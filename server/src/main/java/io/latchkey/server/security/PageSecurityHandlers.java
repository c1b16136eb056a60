package io.latchkey.server.security;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.server.web.Correlation;
import io.latchkey.server.web.PageRenderer;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.RequestCache;

/**
 * What a browser sees when its session is missing. A first visit is sent to sign in; a request that
 * came with a session cookie the server no longer knows, or a form whose CSRF token belongs to a
 * lost session, gets {@code session_lost}: a clear page, not a silent loop back to sign-in, and an
 * audit record the admin can find by its correlation ID.
 */
public final class PageSecurityHandlers implements AuthenticationEntryPoint, AccessDeniedHandler {
  private final PageRenderer pages;
  private final AuditLog audit;
  private final Clock clock;
  private final RequestCache requestCache = new HttpSessionRequestCache();

  public PageSecurityHandlers(PageRenderer pages, AuditLog audit, Clock clock) {
    this.pages = pages;
    this.audit = audit;
    this.clock = clock;
  }

  @Override
  public void commence(
      HttpServletRequest request, HttpServletResponse response, AuthenticationException reason)
      throws IOException {
    boolean staleCookie =
        request.getRequestedSessionId() != null && !request.isRequestedSessionIdValid();
    if (staleCookie && !"GET".equals(request.getMethod())) {
      sessionLost(request, response, "the session cookie names a session the server no longer has");
      return;
    }
    if ("GET".equals(request.getMethod())) {
      requestCache.saveRequest(request, response);
    }
    response.sendRedirect(request.getContextPath() + "/login" + (staleCookie ? "?expired" : ""));
  }

  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
      throws IOException {
    if (denied instanceof CsrfException) {
      boolean hasSession = request.getSession(false) != null;
      sessionLost(
          request,
          response,
          hasSession
              ? "the form came from an older session (stale page or cookies)"
              : "the browser sent no valid session with the form (cookies lost or blocked)");
      return;
    }
    RejectedRequests.forbidden(audit, clock, request);
    pages.renderError(ErrorCode.FORBIDDEN, request, response);
  }

  private void sessionLost(HttpServletRequest request, HttpServletResponse response, String why)
      throws IOException {
    audit.record(
        AuditEvent.of(
                AuditEventType.SESSION_LOST,
                Correlation.context(request, "browser"),
                clock.instant())
            .failure(ErrorCode.SESSION_LOST.code())
            .detail(request.getMethod() + " " + request.getRequestURI() + ": " + why)
            .build());
    pages.renderError(ErrorCode.SESSION_LOST, request, response);
  }
}
