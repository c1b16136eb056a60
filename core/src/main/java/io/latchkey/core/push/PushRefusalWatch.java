package io.latchkey.core.push;

import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.user.User;

/**
 * Told after each push request the user denied or reported, so that too many of them can block the
 * account (see {@code io.latchkey.core.policy.AutoBlock}); pausing pushes is separate.
 */
@FunctionalInterface
public interface PushRefusalWatch {
  /** Nothing beyond the pause of pushes: for tests of push alone. */
  PushRefusalWatch NONE = (user, context) -> {};

  void refused(User user, RequestContext context);
}
