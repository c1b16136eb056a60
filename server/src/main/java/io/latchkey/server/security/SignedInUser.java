package io.latchkey.server.security;

import io.latchkey.core.user.UserId;
import java.io.Serializable;
import java.util.UUID;

/**
 * Who a browser session belongs to: the immutable user ID, never just the name. Stored in the
 * database with the session (Spring Session JDBC), so it holds only plain serializable values.
 */
public record SignedInUser(UUID id, String username, boolean admin) implements Serializable {
  private static final long serialVersionUID = 2L;

  public SignedInUser(UserId userId, String username, boolean admin) {
    this(userId.value(), username, admin);
  }

  public UserId userId() {
    return new UserId(id);
  }
}
