package io.latchkey.server.security;

import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.server.web.ErrorResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * 403 in the envelope for the API and the operations endpoints, audited with who asked
 * (SECURITY-TESTS G3): an application's key at a user's path, a user token at an application's or
 * at the metrics. (On the admin API, {@link AdminApiAccess} answers instead.) The admin finds the
 * attempt by the correlation ID the caller got, or by the user.
 */
public final class ApiAccessDenied implements AccessDeniedHandler {
  private final ErrorResponses errors;
  private final AuditLog audit;
  private final Clock clock;

  public ApiAccessDenied(ErrorResponses errors, AuditLog audit, Clock clock) {
    this.errors = errors;
    this.audit = audit;
    this.clock = clock;
  }

  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
      throws IOException {
    RejectedRequests.forbidden(audit, clock, request);
    errors.writeJson(ErrorCode.FORBIDDEN, request, response);
  }
}
