package io.latchkey.core.testing;

import io.latchkey.core.user.User;
import io.latchkey.core.user.UserId;
import io.latchkey.core.user.UserRepository;
import io.latchkey.core.user.UserStatus;
import io.latchkey.core.user.Username;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Users in memory, honouring the contract of {@link UserRepository}: the canonical username is
 * unique, and every change to the failure counter or the status is one conditional update
 * (synchronized, like the single conditional {@code UPDATE} of the real store).
 */
public final class InMemoryUserRepository implements UserRepository {
  private final Map<UserId, User> users = new LinkedHashMap<>();
  private final Map<UserId, String> passwordHashes = new HashMap<>();
  private final Map<UserId, Instant> failuresSince = new HashMap<>();

  /** Adds an active user with no password, as an administrator would before a registration. */
  public User add(String typedUsername, Instant createdAt) {
    return add(typedUsername, UserStatus.ACTIVE, createdAt);
  }

  public User add(String typedUsername, UserStatus status, Instant createdAt) {
    Username username = Username.of(typedUsername);
    User user =
        new User(
            UserId.random(),
            username,
            username.value(),
            status,
            false,
            0,
            status == UserStatus.ACTIVE ? null : "set up by the test",
            status == UserStatus.ACTIVE ? null : createdAt,
            createdAt,
            null);
    if (!insert(user, null)) {
      throw new IllegalStateException("username taken: " + username);
    }
    return user;
  }

  /** The stored state of a user the test created (status and counter as they are now). */
  public synchronized User get(UserId id) {
    User user = users.get(id);
    if (user == null) {
      throw new IllegalStateException("no user " + id);
    }
    return user;
  }

  @Override
  public synchronized Optional<User> findById(UserId id) {
    return Optional.ofNullable(users.get(id));
  }

  @Override
  public synchronized Optional<User> findByUsername(Username username) {
    return users.values().stream().filter(u -> u.username().equals(username)).findFirst();
  }

  @Override
  public synchronized boolean insert(User user, String passwordHash) {
    if (users.containsKey(user.id()) || findByUsername(user.username()).isPresent()) {
      return false;
    }
    users.put(user.id(), user);
    if (passwordHash != null) {
      passwordHashes.put(user.id(), passwordHash);
    }
    return true;
  }

  @Override
  public synchronized long count() {
    return users.size();
  }

  @Override
  public synchronized List<User> list(int offset, int limit) {
    return users.values().stream()
        .sorted(Comparator.comparing(u -> u.username().value()))
        .skip(offset)
        .limit(limit)
        .toList();
  }

  @Override
  public synchronized Optional<String> passwordHash(UserId id) {
    return Optional.ofNullable(passwordHashes.get(id));
  }

  @Override
  public synchronized void setPasswordHash(UserId id, String passwordHash) {
    get(id);
    if (passwordHash == null) {
      passwordHashes.remove(id);
    } else {
      passwordHashes.put(id, passwordHash);
    }
  }

  @Override
  public synchronized boolean reserveAttemptBelowLimit(UserId id, int limit) {
    User user = users.get(id);
    if (user == null || user.status() != UserStatus.ACTIVE || user.failedAttempts() >= limit) {
      return false;
    }
    put(user, user.status(), user.failedAttempts() + 1, user.blockedReason(), user.blockedAt());
    return true;
  }

  @Override
  public synchronized void resetFailures(UserId id) {
    User user = users.get(id);
    if (user != null) {
      put(user, user.status(), 0, user.blockedReason(), user.blockedAt());
    }
  }

  @Override
  public synchronized boolean blockIfFailuresReached(
      UserId id, int limit, String reason, Instant at) {
    User user = users.get(id);
    if (user == null || user.status() != UserStatus.ACTIVE || user.failedAttempts() < limit) {
      return false;
    }
    put(user, UserStatus.BLOCKED, user.failedAttempts(), reason, at);
    return true;
  }

  @Override
  public synchronized boolean block(UserId id, String reason, Instant at) {
    User user = users.get(id);
    if (user == null || user.status() != UserStatus.ACTIVE) {
      return false;
    }
    put(user, UserStatus.BLOCKED, user.failedAttempts(), reason, at);
    return true;
  }

  @Override
  public synchronized boolean unblock(UserId id) {
    User user = users.get(id);
    if (user == null || user.status() != UserStatus.BLOCKED) {
      return false;
    }
    put(user, UserStatus.ACTIVE, 0, null, null);
    return true;
  }

  @Override
  public synchronized boolean disable(UserId id, String reason, Instant at) {
    User user = users.get(id);
    if (user == null || user.status() == UserStatus.DISABLED) {
      return false;
    }
    put(user, UserStatus.DISABLED, user.failedAttempts(), reason, at);
    return true;
  }

  @Override
  public synchronized boolean enable(UserId id) {
    User user = users.get(id);
    if (user == null || user.status() != UserStatus.DISABLED) {
      return false;
    }
    put(user, UserStatus.ACTIVE, 0, null, null);
    return true;
  }

  private final java.util.Set<UserId> changeRequired = new java.util.HashSet<>();

  @Override
  public synchronized boolean setPassword(UserId id, String passwordHash, boolean required) {
    if (!users.containsKey(id)) {
      return false;
    }
    setPasswordHash(id, passwordHash);
    if (required) {
      changeRequired.add(id);
    } else {
      changeRequired.remove(id);
    }
    return true;
  }

  @Override
  public synchronized boolean requirePasswordChange(UserId id, String passwordHash) {
    if (!users.containsKey(id) || !passwordHash.equals(passwordHashes.get(id))) {
      return false;
    }
    changeRequired.add(id);
    return true;
  }

  @Override
  public synchronized boolean passwordChangeRequired(UserId id) {
    return changeRequired.contains(id);
  }

  private final java.util.Set<UserId> linkRequired = new java.util.HashSet<>();

  @Override
  public synchronized void setRegistrationLinkRequired(UserId id, boolean required) {
    if (required) {
      linkRequired.add(id);
    } else {
      linkRequired.remove(id);
    }
  }

  @Override
  public synchronized boolean registrationLinkRequired(UserId id) {
    return linkRequired.contains(id);
  }

  @Override
  public synchronized boolean setEmail(UserId id, io.latchkey.core.user.EmailAddress email) {
    User user = users.get(id);
    if (user == null) {
      return false;
    }
    users.put(id, user.withEmail(email));
    return true;
  }

  @Override
  public synchronized void noteFailureStart(UserId id, Instant at) {
    if (users.containsKey(id)) {
      failuresSince.putIfAbsent(id, at);
    }
  }

  @Override
  public synchronized Optional<Instant> failuresSince(UserId id) {
    return Optional.ofNullable(failuresSince.get(id));
  }

  private void put(User user, UserStatus status, int failures, String reason, Instant at) {
    if (failures == 0) {
      failuresSince.remove(user.id());
    }
    users.put(
        user.id(),
        new User(
            user.id(),
            user.username(),
            user.displayName(),
            status,
            user.admin(),
            failures,
            reason,
            at,
            user.createdAt(),
            user.email()));
  }
}
