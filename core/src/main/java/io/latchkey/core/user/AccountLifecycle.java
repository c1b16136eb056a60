package io.latchkey.core.user;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.backupcode.BackupCodeRepository;
import io.latchkey.core.enrollment.EnrollmentRepository;
import io.latchkey.core.enrollment.EnrollmentState;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.method.MethodKind;
import io.latchkey.core.method.MethodRepository;
import io.latchkey.core.notice.NoticeKind;
import io.latchkey.core.notice.Notices;
import io.latchkey.core.push.PushEnrollmentRepository;
import io.latchkey.core.push.PushEnrollmentState;
import io.latchkey.core.tx.Transactions;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * An administrator blocks, unblocks, disables, enables, or resets a user's MFA. The rule (PRODUCT
 * 6): enabling a disabled user leaves every method removed, so MFA is off until the user registers
 * again; a reset removes every method at once. Either also ends any registration in progress, so
 * nothing started before (possibly by someone else) can complete into a method afterwards.
 *
 * <p>While a user is blocked or disabled, every request of a session of theirs is refused with that
 * reason (so the page and the diagnosis say "blocked", not "session lost"); an unblock or an enable
 * then ends every session the user had (browsers and user API tokens), so nothing signed in before
 * the block, perhaps by the person it was meant to stop, works afterwards. Every change tells the
 * user (a notice written in the transaction of the change) who did it, never the administrator's
 * reason, which may be an internal note.
 */
public final class AccountLifecycle {
  private final UserRepository users;
  private final MethodRepository methods;
  private final EnrollmentRepository enrollments;
  private final PushEnrollmentRepository pushEnrollments;
  private final BackupCodeRepository backupCodes;
  private final Transactions transactions;
  private final AuditLog audit;
  private final Clock clock;
  private final Notices notices;
  private final UserSessions sessions;

  public AccountLifecycle(
      UserRepository users,
      MethodRepository methods,
      EnrollmentRepository enrollments,
      PushEnrollmentRepository pushEnrollments,
      BackupCodeRepository backupCodes,
      Transactions transactions,
      AuditLog audit,
      Clock clock,
      Notices notices,
      UserSessions sessions) {
    this.users = users;
    this.methods = methods;
    this.enrollments = enrollments;
    this.pushEnrollments = pushEnrollments;
    this.backupCodes = backupCodes;
    this.transactions = transactions;
    this.audit = audit;
    this.clock = clock;
    this.notices = notices;
    this.sessions = sessions;
  }

  /**
   * Blocks an active user: nothing is accepted from them until an administrator unblocks them.
   *
   * @throws LatchkeyException {@code conflict} if the user is not active
   */
  public void block(User user, String reason, RequestContext context) {
    String why =
        reason == null || reason.isBlank() ? "blocked by an administrator" : reason.strip();
    Instant now = clock.instant();
    changeTelling(
        user,
        () -> users.block(user.id(), why, now),
        "the user is not active",
        NoticeKind.ACCOUNT_BLOCKED,
        context);
    audit.record(
        AuditEvent.of(AuditEventType.USER_BLOCKED, context, now)
            .user(user.id(), user.username().value())
            .reason("admin")
            .detail("blocked by " + context.actor() + ": " + why)
            .build());
  }

  /**
   * Unblocks a blocked user (an administrator's block, a lockout or an automatic block alike); the
   * failure count starts again from zero.
   *
   * @throws LatchkeyException {@code conflict} if the user is not blocked
   */
  public void unblock(User user, String reason, RequestContext context) {
    // The sessions end in the unblock's transaction: there is no moment when the user is active
    // again and a session from before the block still works.
    int ended =
        transactions.inTransaction(
            () -> {
              changeTelling(
                  user,
                  () -> users.unblock(user.id()),
                  "the user is not blocked",
                  NoticeKind.ACCOUNT_UNBLOCKED,
                  context);
              return sessions.endAll(user.id(), clock.instant());
            });
    audit.record(
        AuditEvent.of(AuditEventType.USER_UNBLOCKED, context, clock.instant())
            .user(user.id(), user.username().value())
            .detail(
                "unblocked by "
                    + context.actor()
                    + (reason == null || reason.isBlank() ? "" : ": " + reason.strip())
                    + UserSessions.ended(ended))
            .build());
  }

  /**
   * @throws LatchkeyException {@code conflict} if the user is already disabled
   */
  public void disable(User user, String reason, RequestContext context) {
    String why =
        reason == null || reason.isBlank() ? "disabled by an administrator" : reason.strip();
    Instant now = clock.instant();
    changeTelling(
        user,
        () -> users.disable(user.id(), why, now),
        "the user is already disabled",
        NoticeKind.ACCOUNT_DISABLED,
        context);
    audit.record(
        AuditEvent.of(AuditEventType.USER_DISABLED, context, now)
            .user(user.id(), user.username().value())
            .reason("admin")
            .detail("disabled by " + context.actor() + ": " + why)
            .build());
  }

  /**
   * Enables a disabled user with every method removed.
   *
   * @return how many methods were removed
   * @throws LatchkeyException {@code conflict} if the user is not disabled
   */
  public int enable(User user, String reason, RequestContext context) {
    record Enabled(int removed, int ended) {}
    Enabled enabled =
        transactions.inTransaction(
            () -> {
              if (!users.enable(user.id())) {
                throw new LatchkeyException(ErrorCode.CONFLICT, "the user is not disabled");
              }
              int count = removeEverything(user);
              notices.send(user.id(), NoticeKind.ACCOUNT_ENABLED, context, byAdmin(context, count));
              // As for the unblock: in the same transaction, so nothing from before works after.
              return new Enabled(count, sessions.endAll(user.id(), clock.instant()));
            });
    int removed = enabled.removed();
    int ended = enabled.ended();
    audit.record(
        AuditEvent.of(AuditEventType.USER_ENABLED, context, clock.instant())
            .user(user.id(), user.username().value())
            .reason("admin")
            .detail(
                "enabled by "
                    + context.actor()
                    + (reason == null || reason.isBlank() ? "" : ": " + reason.strip())
                    + "; "
                    + removed
                    + " method(s) removed, MFA is off until the user registers again"
                    + UserSessions.ended(ended))
            .build());
    return removed;
  }

  /**
   * Removes every method of the user (a lost phone): they register again at their next sign-in.
   *
   * @return how many methods were removed
   */
  public int resetMfa(User user, String reason, RequestContext context) {
    int removed =
        transactions.inTransaction(
            () -> {
              int count = removeEverything(user);
              notices.send(user.id(), NoticeKind.MFA_RESET, context, byAdmin(context, count));
              // The tokens were issued for a factor that is gone (an admin login among them).
              sessions.endTokens(user.id(), clock.instant());
              return count;
            });
    audit.record(
        AuditEvent.of(AuditEventType.MFA_RESET, context, clock.instant())
            .user(user.id(), user.username().value())
            .reason("admin")
            .detail(
                "MFA reset by "
                    + context.actor()
                    + (reason == null || reason.isBlank() ? "" : ": " + reason.strip())
                    + "; "
                    + removed
                    + " method(s) removed")
            .build());
    return removed;
  }

  /**
   * Makes a change of standing (a conditional update: false if the user is not in the state it
   * starts from) and tells the user who made it, in one transaction (the caller's, if it has one).
   *
   * @throws LatchkeyException {@code conflict}, with the given message, if the change did not apply
   */
  private void changeTelling(
      User user, BooleanSupplier change, String conflict, NoticeKind kind, RequestContext context) {
    transactions.inTransaction(
        () -> {
          if (!change.getAsBoolean()) {
            throw new LatchkeyException(ErrorCode.CONFLICT, conflict);
          }
          // Who acted; never the administrator's reason, which may be an internal note.
          return notices.send(user.id(), kind, context, Map.of("by", context.actor()));
        });
  }

  /** What the user is told: who acted, and how many methods went (never the admin's reason). */
  private static Map<String, String> byAdmin(RequestContext context, int removed) {
    return Map.of("by", context.actor(), "methodsRemoved", String.valueOf(removed));
  }

  private int removeEverything(User user) {
    Instant now = clock.instant();
    enrollments
        .findPending(user.id(), MethodKind.TOTP)
        .ifPresent(e -> enrollments.finish(e.id(), EnrollmentState.SUPERSEDED, now));
    pushEnrollments
        .findLatest(user.id())
        .filter(e -> e.state().pending())
        .ifPresent(
            e ->
                pushEnrollments.finish(
                    e.id(), PushEnrollmentState.SUPERSEDED, now, null, null, null));
    // Backup codes go too: they are a way back into the methods that no longer exist, and a user
    // left with codes but no method would be asked for one instead of registering again.
    backupCodes.deleteAllForUser(user.id());
    return methods.deleteAllForUser(user.id());
  }
}
