package io.latchkey.server.security;

import io.latchkey.core.user.UserId;
import io.latchkey.core.user.UserSessions;
import io.latchkey.core.usertoken.UserTokenRepository;
import java.time.Instant;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.stereotype.Component;

/**
 * Every session of a user, in the database that all nodes share: browser sessions (Spring Session,
 * indexed by the user's ID as principal name, {@link SignedInUser#getName}) are deleted, and API
 * tokens of every kind are revoked. A node that served one of them finds nothing on its next
 * request.
 */
@Component
public class AllUserSessions implements UserSessions {
  private final FindByIndexNameSessionRepository<? extends Session> browsers;
  private final UserTokenRepository tokens;

  public AllUserSessions(
      FindByIndexNameSessionRepository<? extends Session> browsers, UserTokenRepository tokens) {
    this.browsers = browsers;
    this.tokens = tokens;
  }

  @Override
  public int endAll(UserId user, Instant at) {
    return tokens.revokeAllForUser(user, at) + endBrowsers(user, null);
  }

  /** Every API token and every browser session but {@code keep} (a password change's own). */
  @Override
  public int endAllBut(UserId user, String keep, Instant at) {
    return tokens.revokeAllForUser(user, at) + endBrowsers(user, keep);
  }

  /**
   * Deletes every browser session of the user but {@code keep} (the one asking, for "sign out
   * everywhere else"; null for none).
   *
   * @return how many were deleted
   */
  public int endBrowsers(UserId user, String keep) {
    int ended = 0;
    for (String id : browsers.findByPrincipalName(user.value().toString()).keySet()) {
      if (!id.equals(keep)) {
        browsers.deleteById(id);
        ended++;
      }
    }
    return ended;
  }
}
