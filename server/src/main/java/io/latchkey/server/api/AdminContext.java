package io.latchkey.server.api;

import io.latchkey.core.audit.RequestContext;
import io.latchkey.server.security.ApiUser;
import io.latchkey.server.security.SignedInUser;
import io.latchkey.server.web.Correlation;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.core.context.SecurityContextHolder;

/** The acting administrator, for audit records. */
final class AdminContext {
  private AdminContext() {}

  static RequestContext of(HttpServletRequest request) {
    Object principal = SecurityContextHolder.getContext().getAuthentication().getPrincipal();
    String actor =
        switch (principal) {
          case ApiUser admin -> admin.actor();
          case SignedInUser admin -> admin.username();
          default -> "admin";
        };
    return Correlation.context(request, actor);
  }
}
