package io.latchkey.core.notice;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.tx.Transactions;
import io.latchkey.core.user.EmailAddress;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserRepository;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An administrator sets, changes or removes where a user's notices go. The change is itself a
 * notice, mailed to the <em>old</em> address (so a change the user did not ask for reaches them),
 * or to the new one when there was none; audited with the acting administrator.
 */
public final class NoticeAddresses {
  private final UserRepository users;
  private final Notices notices;
  private final Transactions transactions;
  private final AuditLog audit;
  private final Clock clock;

  public NoticeAddresses(
      UserRepository users,
      Notices notices,
      Transactions transactions,
      AuditLog audit,
      Clock clock) {
    this.users = users;
    this.notices = notices;
    this.transactions = transactions;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * @param typed the new address as typed; null removes it
   * @return the user as stored afterwards
   * @throws LatchkeyException {@code bad_request} for an address that is not one (CR, LF, spaces,
   *     ...), {@code not_found} if the user is gone
   */
  public User change(User user, String typed, RequestContext context) {
    EmailAddress next = typed == null ? null : EmailAddress.of(typed);
    EmailAddress old =
        transactions.inTransaction(
            () -> {
              User current =
                  users
                      .findById(user.id())
                      .orElseThrow(
                          () -> new LatchkeyException(ErrorCode.NOT_FOUND, "no such user"));
              if (Objects.equals(current.email(), next)) {
                return next;
              }
              Map<String, String> facts = new LinkedHashMap<>();
              facts.put("by", context.actor());
              if (next != null) {
                facts.put("newAddress", next.value());
              }
              if (current.email() != null) {
                notices.send(user.id(), NoticeKind.EMAIL_CHANGED, context, facts); // old address
              }
              users.setEmail(user.id(), next);
              if (current.email() == null) {
                notices.send(user.id(), NoticeKind.EMAIL_CHANGED, context, facts); // new address
              }
              return current.email();
            });
    if (!Objects.equals(old, next)) {
      audit.record(
          AuditEvent.of(AuditEventType.USER_EMAIL_CHANGED, context, clock.instant())
              .user(user.id(), user.username().value())
              .reason("admin")
              .detail(
                  "notice address "
                      + (old == null ? "set" : "changed from " + old)
                      + (next == null ? " to none" : " to " + next)
                      + " by "
                      + context.actor())
              .build());
    }
    return users.findById(user.id()).orElseThrow();
  }
}
