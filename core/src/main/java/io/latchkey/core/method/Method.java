package io.latchkey.core.method;

import io.latchkey.core.user.UserId;
import java.time.Instant;

/**
 * A registered (verified) authenticator of a user. Pending registrations are not methods: they live
 * in enrollments until verified, so an unverified secret can never be used.
 *
 * @param label what the user sees, e.g. "Authenticator app"
 * @param registeredIp where the browser was when the method was registered
 */
public record Method(
    MethodId id,
    UserId userId,
    MethodKind kind,
    String label,
    Instant createdAt,
    String registeredIp,
    String registeredUserAgent,
    Instant lastUsedAt) {}
