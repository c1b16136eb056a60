package io.latchkey.server.security;

import io.latchkey.core.user.UserId;
import java.io.Serializable;

/** Who a browser session belongs to: the immutable user ID, never just the name. */
public record SignedInUser(UserId userId, String username, boolean admin) implements Serializable {
  private static final long serialVersionUID = 1L;
}
