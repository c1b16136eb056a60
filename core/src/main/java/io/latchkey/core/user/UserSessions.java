package io.latchkey.core.user;

import java.time.Instant;

/**
 * Every place a user is signed in: browser sessions and API tokens (user, admin, metrics). While
 * the user is blocked each of them is refused with that reason; a disable or a reset of the user's
 * methods ends all of them at once, and so does an unblock or an enable, so that nothing signed in
 * before works afterwards: whoever held such a session (perhaps the reason for the change) must
 * sign in again with the password and a factor.
 */
@FunctionalInterface
public interface UserSessions {
  /**
   * Ends every session of the user, on every node.
   *
   * @return how many were ended
   */
  int endAll(UserId user, Instant at);

  /**
   * Ends every session of the user but the browser session {@code keep} (the one making a change,
   * such as a new password: it stays signed in); every API token goes. Stores that know no browser
   * sessions end everything.
   *
   * @param keep the ID of the browser session to keep; null for none
   * @return how many were ended
   */
  default int endAllBut(UserId user, String keep, Instant at) {
    return endAll(user, at);
  }

  /** A sentence for the audit record: "; 2 signed-in sessions ended". */
  static String ended(int count) {
    return count == 0
        ? ""
        : "; " + count + (count == 1 ? " signed-in session" : " signed-in sessions") + " ended";
  }
}
