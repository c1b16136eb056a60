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
import io.latchkey.core.push.PushEnrollmentRepository;
import io.latchkey.core.push.PushEnrollmentState;
import io.latchkey.core.tx.Transactions;
import java.time.Clock;
import java.time.Instant;

/**
 * An administrator disables, enables, or resets a user's MFA. The rule (PRODUCT 6): enabling a
 * disabled user leaves every method removed, so MFA is off until the user registers again; a reset
 * removes every method at once. Either also ends any registration in progress, so nothing started
 * before (possibly by someone else) can complete into a method afterwards.
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

  public AccountLifecycle(
      UserRepository users,
      MethodRepository methods,
      EnrollmentRepository enrollments,
      PushEnrollmentRepository pushEnrollments,
      BackupCodeRepository backupCodes,
      Transactions transactions,
      AuditLog audit,
      Clock clock) {
    this.users = users;
    this.methods = methods;
    this.enrollments = enrollments;
    this.pushEnrollments = pushEnrollments;
    this.backupCodes = backupCodes;
    this.transactions = transactions;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * @throws LatchkeyException {@code conflict} if the user is already disabled
   */
  public void disable(User user, String reason, RequestContext context) {
    String why =
        reason == null || reason.isBlank() ? "disabled by an administrator" : reason.strip();
    if (!users.disable(user.id(), why, clock.instant())) {
      throw new LatchkeyException(ErrorCode.CONFLICT, "the user is already disabled");
    }
    audit.record(
        AuditEvent.of(AuditEventType.USER_DISABLED, context, clock.instant())
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
    int removed =
        transactions.inTransaction(
            () -> {
              if (!users.enable(user.id())) {
                throw new LatchkeyException(ErrorCode.CONFLICT, "the user is not disabled");
              }
              return removeEverything(user);
            });
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
                    + " method(s) removed, MFA is off until the user registers again")
            .build());
    return removed;
  }

  /**
   * Removes every method of the user (a lost phone): they register again at their next sign-in.
   *
   * @return how many methods were removed
   */
  public int resetMfa(User user, String reason, RequestContext context) {
    int removed = transactions.inTransaction(() -> removeEverything(user));
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
