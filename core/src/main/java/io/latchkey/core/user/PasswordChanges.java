package io.latchkey.core.user;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.notice.NoticeKind;
import io.latchkey.core.notice.Notices;
import io.latchkey.core.tx.Transactions;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Every change of a password (issue 14): the user's own (the current password and a factor proven
 * within the step-up window, checked by the caller's stage), the one required at sign-in after an
 * administrator set the password or at the first start, and an administrator's. Each change checks
 * the new password against {@link PasswordRules}, ends every other session and every API token of
 * the user ({@link UserSessions}), tells the user (a notice written in the change's transaction),
 * and is audited with its actor; a refusal is audited ({@code password.rejected}) under the
 * request's correlation ID, never with the password.
 */
public final class PasswordChanges {
  /** Told after a change committed (the server forgets the first start's password file). */
  @FunctionalInterface
  public interface Listener {
    void changed(User user);
  }

  /** What the change needs. */
  public record Dependencies(
      UserRepository users,
      Accounts accounts,
      PasswordRules rules,
      PasswordHasher hasher,
      Transactions transactions,
      Notices notices,
      UserSessions sessions,
      AuditLog audit,
      Clock clock,
      Listener listener) {}

  private final Dependencies d;

  public PasswordChanges(Dependencies dependencies) {
    this.d = dependencies;
  }

  public PasswordRules rules() {
    return d.rules();
  }

  /** Whether the user must change their password before anything else. */
  public boolean changeRequired(User user) {
    return d.users().passwordChangeRequired(user.id());
  }

  /**
   * The user changes their own password with the current one; the browser session {@code keep}
   * stays signed in, every other session and token ends.
   *
   * @return how many sessions were ended
   * @throws LatchkeyException {@code current_password_wrong} (counted like a failed sign-in, and
   *     {@code rate_limited} while the name waits), or a refusal of {@link #check}
   */
  public int changeOwn(
      User user, String current, String newPassword, String keep, RequestContext context) {
    if (!d.accounts().confirmPassword(user, current, context)) {
      throw refuse(
          user, ErrorCode.CURRENT_PASSWORD_WRONG, "the current password was wrong", context);
    }
    check(user, newPassword, context);
    return apply(user, newPassword, false, keep, context, "changed by the user");
  }

  /**
   * The change an administrator's password (or the first start's) asked for, by a session that
   * proved that password just now (and its factor, if the user has one).
   *
   * @throws LatchkeyException {@code conflict} if no change is required; a refusal of {@link
   *     #check}
   */
  public int changeRequiredNow(User user, String newPassword, String keep, RequestContext context) {
    if (!changeRequired(user)) {
      throw new LatchkeyException(ErrorCode.CONFLICT, "no password change is required");
    }
    check(user, newPassword, context);
    return apply(user, newPassword, false, keep, context, "changed by the user, as required");
  }

  /**
   * An API sign-in (user or admin login) after the password was proven and before the factor is
   * checked, so that a refusal spends no code: a user who must change the password is refused with
   * {@code password_change_required} unless the request carries the new one, which is checked here
   * and set by {@link #completeRequiredChange} once the factor is proven.
   *
   * @param newPassword the request's new password; null if it carries none
   * @return whether the new password is to be set after the factor
   * @throws LatchkeyException {@code password_change_required} (audited as {@code access.refused});
   *     {@code conflict} for a new password when no change is required; a refusal of {@link #check}
   */
  public boolean beforeFactor(User user, String newPassword, RequestContext context) {
    if (!changeRequired(user)) {
      if (newPassword != null) {
        throw new LatchkeyException(
            ErrorCode.CONFLICT,
            "no password change is required: change it on the account page instead");
      }
      return false;
    }
    if (newPassword == null) {
      d.audit()
          .record(
              AuditEvent.of(AuditEventType.ACCESS_REFUSED, context, d.clock().instant())
                  .user(user.id(), user.username().value())
                  .failure(ErrorCode.PASSWORD_CHANGE_REQUIRED.code())
                  .detail(
                      "sign-in refused: the password was set by an administrator (or is the first"
                          + " start's) and must be changed; the request carried no new password")
                  .build());
      throw new LatchkeyException(
          ErrorCode.PASSWORD_CHANGE_REQUIRED,
          "the password must be changed: sign in again with a new password (newPassword)");
    }
    check(user, newPassword, context);
    return true;
  }

  /**
   * Sets the new password {@link #beforeFactor} checked, once the factor is proven: every session
   * and token of the user ends (the caller then issues the new one).
   */
  public int completeRequiredChange(User user, String newPassword, RequestContext context) {
    return apply(
        user, newPassword, false, null, context, "changed by the user at sign-in, as required");
  }

  /**
   * An administrator sets {@code target}'s password; the user must change it at the next sign-in.
   * Every session and token of the user ends.
   *
   * @return how many sessions were ended
   */
  public int setByAdmin(User target, String newPassword, RequestContext context) {
    Optional<ErrorCode> problem = d.rules().problem(newPassword, target.username());
    if (problem.isPresent()) {
      throw refuse(target, problem.get(), d.rules().describe(problem.get()), context);
    }
    return apply(target, newPassword, true, null, context, "set by " + context.actor());
  }

  /**
   * Checks a new password of {@code user} without changing anything: the rules, and that it is not
   * the current password (a required change must change it).
   *
   * @throws LatchkeyException {@code password_too_short}, {@code password_too_long}, {@code
   *     password_too_common} or {@code password_unchanged}, audited
   */
  public void check(User user, String newPassword, RequestContext context) {
    Optional<ErrorCode> problem = d.rules().problem(newPassword, user.username());
    if (problem.isPresent()) {
      throw refuse(user, problem.get(), d.rules().describe(problem.get()), context);
    }
    Optional<String> stored = d.users().passwordHash(user.id());
    if (stored.isPresent() && d.hasher().matches(newPassword, stored.get())) {
      throw refuse(
          user, ErrorCode.PASSWORD_UNCHANGED, "the new password is the current one", context);
    }
  }

  /**
   * Audits a refused password change of {@code user} (reason: the code) and returns the exception
   * to throw; for refusals the caller decides, such as a confirmation that differs.
   */
  public LatchkeyException refuse(User user, ErrorCode code, String why, RequestContext context) {
    d.audit()
        .record(
            AuditEvent.of(AuditEventType.PASSWORD_REJECTED, context, d.clock().instant())
                .user(user.id(), user.username().value())
                .failure(code.code())
                .detail("new password refused: " + why)
                .build());
    return new LatchkeyException(code, why);
  }

  private int apply(
      User user,
      String newPassword,
      boolean changeRequired,
      String keep,
      RequestContext context,
      String how) {
    String hash = d.hasher().hash(newPassword);
    Instant now = d.clock().instant();
    NoticeKind kind =
        changeRequired ? NoticeKind.PASSWORD_SET_BY_ADMIN : NoticeKind.PASSWORD_CHANGED;
    int ended =
        d.transactions()
            .inTransaction(
                () -> {
                  if (!d.users().setPassword(user.id(), hash, changeRequired)) {
                    throw new LatchkeyException(ErrorCode.NOT_FOUND, "no such user");
                  }
                  // Signed out everywhere else in the change's transaction: no session or token of
                  // before (perhaps the reason for the change) works with the new password.
                  int count = d.sessions().endAllBut(user.id(), keep, now);
                  d.notices()
                      .send(
                          user.id(),
                          kind,
                          context,
                          Map.of("by", context.actor(), "sessionsEnded", String.valueOf(count)));
                  return count;
                });
    d.audit()
        .record(
            AuditEvent.of(
                    changeRequired
                        ? AuditEventType.PASSWORD_SET_BY_ADMIN
                        : AuditEventType.PASSWORD_CHANGED,
                    context,
                    now)
                .user(user.id(), user.username().value())
                .detail(
                    "password "
                        + how
                        + (changeRequired ? "; to be changed at the next sign-in" : "")
                        + UserSessions.ended(ended))
                .build());
    d.listener().changed(user);
    return ended;
  }
}
