package io.latchkey.server.pages;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserRepository;
import io.latchkey.server.security.SignedInUser;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/** The signed-in user, read fresh from the database on every request (blocks apply at once). */
@Component
public class CurrentUser {
  private final UserRepository users;

  public CurrentUser(UserRepository users) {
    this.users = users;
  }

  public User require() {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    if (authentication == null || !(authentication.getPrincipal() instanceof SignedInUser who)) {
      throw new LatchkeyException(ErrorCode.SESSION_LOST, "no signed-in user in the session");
    }
    return users
        .findById(who.userId())
        .orElseThrow(
            () -> new LatchkeyException(ErrorCode.SESSION_LOST, "the user no longer exists"));
  }
}
