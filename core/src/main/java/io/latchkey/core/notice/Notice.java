package io.latchkey.core.notice;

import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.user.EmailAddress;
import io.latchkey.core.user.UserId;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One security notice: what happened to the user's account, when, from where, under which
 * correlation ID (what the user gives an administrator if it was not them), and its delivery state.
 * It never holds a secret, code or password ({@link Notices} refuses fact names that suggest one).
 *
 * @param at when the change happened
 * @param ip the address the request came from, possibly empty (a background job)
 * @param userAgent the client's User-Agent, possibly empty
 * @param facts further plain facts (which method, which device, which administrator), in the order
 *     given; names are {@code [a-z][A-Za-z0-9]*}
 * @param recipient where it is (or was to be) mailed: the user's address when it happened; null if
 *     they had none
 * @param attempts delivery attempts made so far
 * @param nextAttemptAt when the sender may try (again); null once terminal
 * @param sentAt when the SMTP server accepted it; null otherwise
 * @param lastError why the last attempt failed, or why it was not sent; null if none
 */
public record Notice(
    UUID id,
    UserId userId,
    NoticeKind kind,
    Instant at,
    String ip,
    String userAgent,
    CorrelationId correlationId,
    Map<String, String> facts,
    EmailAddress recipient,
    NoticeStatus status,
    int attempts,
    Instant nextAttemptAt,
    Instant sentAt,
    String lastError) {

  public Notice {
    ip = ip == null ? "" : ip;
    userAgent = userAgent == null ? "" : userAgent;
    facts =
        facts == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(facts));
  }
}
