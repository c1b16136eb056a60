package io.latchkey.core.user;

import java.time.Instant;

/**
 * A person who registers authenticators (or an administrator).
 *
 * @param failedAttempts consecutive failed second-factor attempts, shared by every path that checks
 *     a factor (SECURITY-TESTS B4)
 * @param email where security notices are mailed; null if the user has none (notices are then only
 *     shown on their page)
 */
public record User(
    UserId id,
    Username username,
    String displayName,
    UserStatus status,
    boolean admin,
    int failedAttempts,
    String blockedReason,
    Instant blockedAt,
    Instant createdAt,
    EmailAddress email) {

  /** The same user with another notice address (or none). */
  public User withEmail(EmailAddress newEmail) {
    return new User(
        id,
        username,
        displayName,
        status,
        admin,
        failedAttempts,
        blockedReason,
        blockedAt,
        createdAt,
        newEmail);
  }
}
