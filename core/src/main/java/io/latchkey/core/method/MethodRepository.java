package io.latchkey.core.method;

import io.latchkey.core.user.UserId;
import java.util.List;

/** The methods every kind shares: listing and removal. Kind-specific data has its own store. */
public interface MethodRepository {
  List<Method> listByUser(UserId userId);

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
