package io.latchkey.server.security;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserRepository;
import io.latchkey.server.pages.SecondFactorController;
import io.latchkey.server.pages.SessionStages;
import io.latchkey.server.pages.SessionStages.Verdict;
import io.latchkey.server.web.Correlation;
import io.latchkey.server.web.PageRenderer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The one decision on every page request of a signed-in browser (issue 12, SECURITY-TESTS J3): what
 * the route needs ({@link PageAccess}) against the session's stage and its user, read fresh ({@link
 * SessionStages#verdict}). Handlers do not check stages themselves. A refusal sends the session
 * where it can go on (the second-factor step, the wizard) or shows why it cannot, and is audited
 * with the request's correlation ID so that the diagnosis names the cause.
 */
public final class StageGate extends OncePerRequestFilter {
  private final SessionStages stages;
  private final UserRepository users;
  private final AuditLog audit;
  private final PageRenderer pages;
  private final Clock clock;

  public StageGate(
      SessionStages stages, UserRepository users, AuditLog audit, PageRenderer pages, Clock clock) {
    this.stages = stages;
    this.users = users;
    this.audit = audit;
    this.pages = pages;
    this.clock = clock;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String path = request.getServletPath();
    String method = request.getMethod();
    PageAccess.Requirement need = PageAccess.of(method, path);
    Optional<SignedInUser> who = SessionStages.current();
    if (who.isPresent() && stages.pastLifetime(request)) {
      ended(request, who.get());
      response.sendRedirect(request.getContextPath() + "/login?expired");
      return;
    }
    if (need == PageAccess.Requirement.OPEN || who.isEmpty()) {
      // Anonymous requests were already sent to sign in by the authorization rules.
      chain.doFilter(request, response);
      return;
    }
    Optional<User> user = users.findById(who.get().userId());
    if (user.isEmpty()) {
      // The handler says session_lost (CurrentUser).
      chain.doFilter(request, response);
      return;
    }
    Verdict verdict = stages.verdict(need, who.get(), user.get(), path, request);
    String context = request.getContextPath();
    switch (verdict) {
      case ALLOW -> chain.doFilter(request, response);
      case PROVE_FACTOR -> {
        refused(request, user.get(), "second_factor_required", need);
        // Back to the page asked for once the factor is proven (kept in the session, not trusted
        // from a later request).
        jakarta.servlet.http.HttpSession session = request.getSession();
        if (session.getAttribute(SecondFactorController.NEXT) == null) {
          session.setAttribute(SecondFactorController.NEXT, PageAccess.returnTo(method, path));
        }
        response.sendRedirect(context + "/login/verify");
      }
      case STEP_UP -> {
        refused(request, user.get(), "step_up_required", need);
        response.sendRedirect(context + "/login/verify" + next(method, path));
      }
      case REGISTER_FIRST -> response.sendRedirect(context + "/register");
      case LINK_REQUIRED -> {
        refused(request, user.get(), "registration_link_required", need);
        pages.renderError(ErrorCode.REGISTRATION_LINK_REQUIRED, request, response);
      }
      case CHANGE_PASSWORD -> response.sendRedirect(context + "/account/password");
      case FORBIDDEN -> {
        RejectedRequests.forbidden(audit, clock, request);
        pages.renderError(ErrorCode.FORBIDDEN, request, response);
      }
    }
  }

  /**
   * The session outlived {@code latchkey.session.absolute-lifetime}: it ends (audited under this
   * request's correlation ID) and the browser signs in again.
   */
  private void ended(HttpServletRequest request, SignedInUser who) {
    audit.record(
        AuditEvent.of(
                AuditEventType.ACCESS_REFUSED,
                Correlation.context(request, who.username()),
                clock.instant())
            .user(who.userId(), who.username())
            .failure("session_lifetime_over")
            .detail(
                request.getMethod()
                    + " "
                    + request.getRequestURI()
                    + ": the session was signed in more than "
                    + stages.lifetime()
                    + " ago (latchkey.session.absolute-lifetime)")
            .build());
    jakarta.servlet.http.HttpSession session = request.getSession(false);
    if (session != null) {
      session.invalidate();
    }
    org.springframework.security.core.context.SecurityContextHolder.clearContext();
  }

  private static String next(String method, String path) {
    return "?next=" + URLEncoder.encode(PageAccess.returnTo(method, path), StandardCharsets.UTF_8);
  }

  private void refused(
      HttpServletRequest request, User user, String reason, PageAccess.Requirement need) {
    audit.record(
        AuditEvent.of(
                AuditEventType.ACCESS_REFUSED,
                Correlation.context(request, user.username().value()),
                clock.instant())
            .user(user.id(), user.username().value())
            .failure(reason)
            .detail(
                request.getMethod()
                    + " "
                    + request.getRequestURI()
                    + " needs "
                    + need.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                    + "; the session "
                    + SessionStages.current().map(SessionStages::describe).orElse("is anonymous"))
            .build());
  }
}
