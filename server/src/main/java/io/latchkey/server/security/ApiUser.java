package io.latchkey.server.security;

import io.latchkey.core.user.UserId;
import io.latchkey.core.usertoken.UserTokens;
import java.util.UUID;

/**
 * A user on the user API ({@code /api/v1/user/**}), authenticated by a token from {@code POST
 * /api/v1/user/sessions}: the password and a second factor were proven at most the token's lifetime
 * ago. Carries the session so it can be revoked.
 */
public record ApiUser(UserTokens.Authenticated session) {
  public UserId userId() {
    return session.user().id();
  }

  public String username() {
    return session.user().username().value();
  }

  public UUID sessionId() {
    return session.session().id();
  }

  public String actor() {
    return username();
  }
}
