package io.latchkey.core.method;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserId;
import io.latchkey.core.verification.Lockout;
import java.time.Clock;
import java.util.List;

/**
 * A user's own registered methods: listing them, and removing one (a phone given away, an entry
 * deleted from the app by mistake). The caller has checked a recent second factor (step-up,
 * SECURITY-TESTS D3); removing the method of a push device removes the device, so it can no longer
 * answer.
 */
public final class UserMethods {
  private final MethodRepository methods;
  private final AuditLog audit;
  private final Clock clock;

  public UserMethods(MethodRepository methods, AuditLog audit, Clock clock) {
    this.methods = methods;
    this.audit = audit;
    this.clock = clock;
  }

  public List<Method> list(UserId userId) {
    return methods.listByUser(userId);
  }

  /**
   * @throws LatchkeyException {@code not_found} when the user has no such method (another user's ID
   *     included), {@code user_blocked}, {@code user_disabled}
   */
  public Method remove(User user, MethodId id, RequestContext context) {
    Lockout.requireActive(user);
    Method method =
        methods.listByUser(user.id()).stream()
            .filter(m -> m.id().equals(id))
            .findFirst()
            .orElseThrow(() -> new LatchkeyException(ErrorCode.NOT_FOUND, "no such method"));
    if (!methods.delete(user.id(), id)) {
      throw new LatchkeyException(ErrorCode.NOT_FOUND, "the method was already removed");
    }
    audit.record(
        AuditEvent.of(AuditEventType.METHOD_REMOVED, context, clock.instant())
            .user(user.id(), user.username().value())
            .flow(id.value())
            .detail(
                method.kind().name()
                    + " method "
                    + id
                    + " (registered "
                    + method.createdAt()
                    + " from "
                    + method.registeredIp()
                    + ") removed by "
                    + context.actor())
            .build());
    return method;
  }
}
