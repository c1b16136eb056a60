package io.latchkey.core.user;

import java.time.Instant;

/**
 * A person who registers authenticators (or an administrator).
 *
 * @param failedAttempts consecutive failed second-factor attempts, shared by every path that checks
 *     a factor (SECURITY-TESTS B4)
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
    Instant createdAt) {}
