package io.latchkey.core.testing;

import io.latchkey.core.user.UserId;
import io.latchkey.core.user.UserSessions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Sessions per user that a test opens by hand; {@link #endAll} ends them and remembers it. */
public final class RecordingUserSessions implements UserSessions {
  private final Map<UserId, Integer> open = new ConcurrentHashMap<>();
  private final List<UserId> ended = new ArrayList<>();

  public void open(UserId user, int count) {
    open.merge(user, count, Integer::sum);
  }

  public int openFor(UserId user) {
    return open.getOrDefault(user, 0);
  }

  /** Every user whose sessions were ended, once per call. */
  public synchronized List<UserId> ended() {
    return List.copyOf(ended);
  }

  @Override
  public synchronized int endAll(UserId user, Instant at) {
    ended.add(user);
    Integer count = open.remove(user);
    return count == null ? 0 : count;
  }

  /** Tokens are not told apart from browser sessions here: every session of the user ends. */
  @Override
  public synchronized int endTokens(UserId user, Instant at) {
    return endAll(user, at);
  }
}
