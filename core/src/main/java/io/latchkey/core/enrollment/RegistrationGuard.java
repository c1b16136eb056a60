package io.latchkey.core.enrollment;

import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.user.User;

/**
 * Asked before every new registration attempt (a start or a retry, of any method), so that too many
 * of them can block the user (see {@code io.latchkey.core.policy.AutoBlock}).
 */
@FunctionalInterface
public interface RegistrationGuard {
  /** No limit: for tests of the wizard alone. */
  RegistrationGuard NONE = (user, context) -> {};

  /**
   * @throws io.latchkey.core.error.LatchkeyException {@code user_blocked} when this attempt is one
   *     too many (the user is now blocked)
   */
  void beforeAttempt(User user, RequestContext context);
}
