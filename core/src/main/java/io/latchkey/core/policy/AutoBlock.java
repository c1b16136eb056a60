package io.latchkey.core.policy;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.enrollment.RegistrationGuard;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.notice.NoticeKind;
import io.latchkey.core.notice.Notices;
import io.latchkey.core.push.PushRefusalWatch;
import io.latchkey.core.tx.Transactions;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserRepository;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Blocks a user's account on suspicious activity counted within a window of the policy: too many
 * registration attempts (a script or an attacker cycling QR codes), and, when an administrator
 * turns it on, too many denied or reported push requests. Each block stores its evidence (what
 * counted, how many, since when, the correlation IDs) as the user's block reason and in the {@code
 * user.blocked} audit record, which the diagnosis quotes. Consecutive wrong codes are the lockout's
 * ({@code verification.Lockout}).
 */
public final class AutoBlock implements RegistrationGuard, PushRefusalWatch {
  /** The audit reason of a block for too many registration attempts. */
  public static final String TOO_MANY_REGISTRATIONS = "too_many_registrations";

  /** The audit reason of a block for too many denied or reported push requests. */
  public static final String TOO_MANY_PUSH_REFUSALS = "too_many_push_refusals";

  private static final int IDS_SHOWN = 5;

  private final UserRepository users;
  private final ActivityRepository activity;
  private final AuditLog audit;
  private final Clock clock;
  private final Supplier<AutoBlockRules> rules;
  private final Transactions transactions;
  private final Notices notices;

  /**
   * @param notices told, in the transaction of a block, so the user learns of it
   */
  public AutoBlock(
      UserRepository users,
      ActivityRepository activity,
      AuditLog audit,
      Clock clock,
      Supplier<AutoBlockRules> rules,
      Transactions transactions,
      Notices notices) {
    this.users = users;
    this.activity = activity;
    this.audit = audit;
    this.clock = clock;
    this.rules = rules;
    this.transactions = transactions;
    this.notices = notices;
  }

  /**
   * Refuses (and blocks the user on) the attempt after {@code autoblock.registrations.max} within
   * the window.
   */
  @Override
  public void beforeAttempt(User user, RequestContext context) {
    AutoBlockRules current = rules.get();
    int max = current.registrationsMax();
    if (max == 0) {
      return;
    }
    Instant since = clock.instant().minus(current.registrationsWindow());
    List<Activity> attempts = activity.registrationAttemptsSince(user.id(), since);
    if (attempts.size() < max) {
      return;
    }
    block(
        user,
        context,
        TOO_MANY_REGISTRATIONS,
        "more than "
            + max
            + " registration starts or retries within "
            + PolicyKey.duration(current.registrationsWindow())
            + " (policy "
            + PolicyKey.AUTOBLOCK_REGISTRATIONS_MAX.key()
            + "="
            + max
            + ")",
        attempts);
    throw new LatchkeyException(
        ErrorCode.USER_BLOCKED,
        "blocked automatically: "
            + attempts.size()
            + " registration attempts within "
            + PolicyKey.duration(current.registrationsWindow()));
  }

  /** Blocks the user when {@code autoblock.push-refusals.max} refusals fall within the window. */
  @Override
  public void refused(User user, RequestContext context) {
    AutoBlockRules current = rules.get();
    int max = current.pushRefusalsMax();
    if (max == 0) {
      return;
    }
    Instant since = clock.instant().minus(current.pushRefusalsWindow());
    List<Activity> refusals = activity.pushRefusalsSince(user.id(), since);
    if (refusals.size() < max) {
      return;
    }
    block(
        user,
        context,
        TOO_MANY_PUSH_REFUSALS,
        refusals.size()
            + " denied or reported push requests within "
            + PolicyKey.duration(current.pushRefusalsWindow())
            + " (policy "
            + PolicyKey.AUTOBLOCK_PUSH_REFUSALS_MAX.key()
            + "="
            + max
            + ")",
        refusals);
  }

  private void block(
      User user, RequestContext context, String kind, String what, List<Activity> counted) {
    Instant now = clock.instant();
    String evidence = evidence(what, counted, context.correlationId());
    boolean blocked =
        transactions.inTransaction(
            () -> {
              if (!users.block(user.id(), evidence, now)) {
                return false; // already blocked (a racing request did it) or no longer active
              }
              notices.send(
                  user.id(),
                  NoticeKind.AUTO_BLOCKED,
                  context,
                  Map.of("rule", kind, "counted", String.valueOf(counted.size())));
              return true;
            });
    if (!blocked) {
      return;
    }
    audit.record(
        AuditEvent.of(AuditEventType.USER_BLOCKED, context, now)
            .user(user.id(), user.username().value())
            .reason(kind)
            .detail("Blocked automatically: " + evidence + " An administrator must unblock.")
            .build());
  }

  /**
   * What counted, how many, since when, and the correlation IDs (the latest few and this
   * request's), in one sentence short enough for a block reason.
   */
  static String evidence(String what, List<Activity> counted, CorrelationId current) {
    StringBuilder out = new StringBuilder(what);
    if (!counted.isEmpty()) {
      out.append(": ")
          .append(counted.size())
          .append(" counted, the first at ")
          .append(counted.getFirst().at())
          .append(", the last at ")
          .append(counted.getLast().at())
          .append(" (")
          .append(counted.getLast().what())
          .append(")");
      List<String> ids =
          counted.stream()
              .map(Activity::correlationId)
              .filter(Objects::nonNull)
              .map(CorrelationId::value)
              .distinct()
              .toList();
      if (!ids.isEmpty()) {
        List<String> shown = ids.subList(Math.max(0, ids.size() - IDS_SHOWN), ids.size());
        out.append("; correlation IDs ")
            .append(ids.size() > shown.size() ? "(latest " + shown.size() + ") " : "")
            .append(String.join(", ", shown));
      }
    }
    if (current != null) {
      out.append("; this request: ").append(current.value());
    }
    return out.append('.').toString();
  }
}
