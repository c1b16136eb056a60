package io.latchkey.core.method;

import io.latchkey.core.user.UserId;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The methods every kind shares: listing and removal. Kind-specific data has its own store. */
public interface MethodRepository {
  List<Method> listByUser(UserId userId);

  /**
   * How many methods each of {@code userIds} has (a page of the admin console's user list); users
   * without a method are absent. This default asks per user; stores override it with one query.
   */
  default Map<UserId, Integer> countByUser(Collection<UserId> userIds) {
    Map<UserId, Integer> counts = new HashMap<>();
    for (UserId id : userIds) {
      int count = listByUser(id).size();
      if (count > 0) {
        counts.put(id, count);
      }
    }
    return counts;
  }

  /** Inserts a method row (kinds with their own credential table insert through it). */
  void insert(Method method);

  /**
   * Removes one method of the user (with its credential or device, by cascade); false if the user
   * has no such method, so nobody removes another user's method by its ID.
   */
  boolean delete(UserId userId, MethodId methodId);

  /** Removes every method of the user (reset); returns how many. */
  int deleteAllForUser(UserId userId);
}
