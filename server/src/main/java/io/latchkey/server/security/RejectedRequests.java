package io.latchkey.server.security;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.user.UserId;
import io.latchkey.server.web.Correlation;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The audit record of a caller who is who they say but may not do what they ask (SECURITY-TESTS
 * G3), for the pages and the API alike: {@code request.rejected}, {@code forbidden}, with the
 * signed-in user, the user-API user or the application as actor, under the request's correlation
 * ID.
 */
final class RejectedRequests {
  private RejectedRequests() {}

  /** Records the refusal; a caller who is not signed in at all is the entry point's, not this. */
  static void forbidden(AuditLog audit, Clock clock, HttpServletRequest request) {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    Object principal = authentication == null ? null : authentication.getPrincipal();
    String actor;
    UserId userId = null;
    String username = null;
    switch (principal) {
      case SignedInUser who -> {
        actor = who.username();
        userId = who.userId();
        username = who.username();
      }
      case ApiUser who -> {
        actor = who.actor();
        userId = who.userId();
        username = who.username();
      }
      case ApiClient app -> actor = app.actor();
      case null, default -> {
        return;
      }
    }
    AuditEvent.Builder event =
        AuditEvent.of(
            AuditEventType.REQUEST_REJECTED, Correlation.context(request, actor), clock.instant());
    if (userId != null) {
      event.user(userId, username);
    }
    audit.record(
        event
            .failure(ErrorCode.FORBIDDEN.code())
            .detail(request.getMethod() + " " + request.getRequestURI() + ": not allowed")
            .build());
  }
}
