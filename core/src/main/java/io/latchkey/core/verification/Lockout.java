package io.latchkey.core.verification;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.notice.NoticeKind;
import io.latchkey.core.notice.Notices;
import io.latchkey.core.tx.Transactions;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserRepository;
import io.latchkey.core.user.UserStatus;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The one failure counter every factor-checking path shares (SECURITY-TESTS B1, B2, B4). An attempt
 * is reserved before the code is evaluated, so parallel guesses never exceed the threshold; a
 * success resets the count; reaching the threshold blocks the user once, audited, and tells them (a
 * notice written in the same transaction as the block: SECURITY-TESTS B1, B5).
 */
public final class Lockout {
  private final UserRepository users;
  private final AuditLog audit;
  private final Clock clock;
  private final Supplier<LockoutPolicy> policy;
  private final Transactions transactions;
  private final Notices notices;

  /**
   * @param policy read on every attempt, so a changed threshold applies at once
   * @param notices told, in the transaction of a block, so the user learns of it
   */
  public Lockout(
      UserRepository users,
      AuditLog audit,
      Clock clock,
      Supplier<LockoutPolicy> policy,
      Transactions transactions,
      Notices notices) {
    this.users = users;
    this.audit = audit;
    this.clock = clock;
    this.policy = policy;
    this.transactions = transactions;
    this.notices = notices;
  }

  /** Refuses a user who is not active. */
  public static void requireActive(User user) {
    if (user.status() == UserStatus.BLOCKED) {
      throw new LatchkeyException(
          ErrorCode.USER_BLOCKED, "user is blocked: " + nullToEmpty(user.blockedReason()));
    }
    if (user.status() == UserStatus.DISABLED) {
      throw new LatchkeyException(ErrorCode.USER_DISABLED, "user is disabled");
    }
  }

  /**
   * Reserves one attempt.
   *
   * @throws LatchkeyException {@code user_blocked} when the user is (or just became) blocked
   */
  public void reserve(User user, RequestContext context) {
    requireActive(user);
    if (!users.reserveAttemptBelowLimit(user.id(), policy.get().maxConsecutiveFailures())) {
      blockIfReached(user, context);
      throw new LatchkeyException(
          ErrorCode.USER_BLOCKED, "too many failed attempts; an administrator must unblock");
    }
  }

  public void succeeded(User user) {
    users.resetFailures(user.id());
  }

  /** After a failed attempt: blocks the user if that was the last one allowed. */
  public void failed(User user, RequestContext context) {
    users.noteFailureStart(user.id(), clock.instant());
    blockIfReached(user, context);
  }

  /**
   * Blocks once the count reached the threshold, with the evidence: how many, since when (the first
   * failure after the last success or unblock: time alone never resets the count), and the
   * correlation ID of the attempt that reached it.
   */
  private void blockIfReached(User user, RequestContext context) {
    int limit = policy.get().maxConsecutiveFailures();
    Optional<User> now = users.findById(user.id());
    if (now.isEmpty() || now.get().failedAttempts() < limit) {
      return;
    }
    String reason =
        limit
            + " consecutive failed attempts (policy lockout.threshold="
            + limit
            + ")"
            + users.failuresSince(user.id()).map(t -> ", the first at " + t).orElse("")
            + ", the last under correlation ID "
            + (context.correlationId() == null ? "-" : context.correlationId().value());
    boolean blocked =
        transactions.inTransaction(
            () -> {
              if (!users.blockIfFailuresReached(user.id(), limit, reason, clock.instant())) {
                return false;
              }
              notices.send(
                  user.id(),
                  NoticeKind.USER_BLOCKED,
                  context,
                  Map.of("failures", String.valueOf(limit)));
              return true;
            });
    if (blocked) {
      audit.record(
          AuditEvent.of(AuditEventType.USER_BLOCKED, context, clock.instant())
              .user(user.id(), user.username().value())
              .reason("too_many_failures")
              .detail(
                  "Blocked automatically after "
                      + reason
                      + ". Time alone never resets the count. An administrator must unblock.")
              .build());
    }
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
