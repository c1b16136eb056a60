package io.latchkey.server.pages.admin;

import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.user.User;
import io.latchkey.core.verification.Lockout;
import io.latchkey.server.pages.CurrentUser;
import io.latchkey.server.web.Correlation;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Component;

/**
 * The administrator behind a console request, read afresh from the database: the session's role let
 * the request in, and a block, a disabling or a lost admin flag since then still stops it.
 */
@Component
public class ActingAdmin {
  private final CurrentUser currentUser;

  public ActingAdmin(CurrentUser currentUser) {
    this.currentUser = currentUser;
  }

  /**
   * @throws LatchkeyException {@code user_blocked}, {@code user_disabled} or {@code forbidden}
   */
  public User require() {
    User user = currentUser.require();
    Lockout.requireActive(user);
    if (!user.admin()) {
      throw new LatchkeyException(ErrorCode.FORBIDDEN, "not an administrator");
    }
    return user;
  }

  /** Who acts, from where, under this request's correlation ID: for the audit records. */
  public RequestContext context(HttpServletRequest request) {
    return Correlation.context(request, require().username().value());
  }
}
