package io.latchkey.core.user;

import java.time.Instant;

/**
 * Every place a user is signed in: browser sessions and API tokens (user, admin, metrics). While
 * the user is blocked or disabled each of them is refused with that reason; when an administrator
 * unblocks or enables the user, all of them end at once, so that nothing signed in before works
 * afterwards: whoever held such a session (perhaps the reason for the block) must sign in again
 * with the password and a factor.
 */
public interface UserSessions {
  /**
   * Ends every session of the user, on every node.
   *
   * @return how many were ended
   */
  int endAll(UserId user, Instant at);

  /**
   * Ends the user's API tokens of every kind (user API, admin login, metrics) but not their browser
   * sessions: a reset of MFA takes away the factor those tokens were issued for.
   *
   * @return how many were ended
   */
  int endTokens(UserId user, Instant at);

  /** A sentence for the audit record: "; 2 signed-in sessions ended". */
  static String ended(int count) {
    return count == 0
        ? ""
        : "; " + count + (count == 1 ? " signed-in session" : " signed-in sessions") + " ended";
  }
}
