package io.latchkey.core.enrollment;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.method.MethodKind;
import io.latchkey.core.user.User;
import java.time.Clock;

/**
 * The policy's {@code methods.allowed}, checked before a registration of a kind starts or is
 * retried: the one rule the TOTP and the push wizard share. A method already registered stays
 * usable; the policy governs what users may register.
 */
public final class AllowedMethods {
  private AllowedMethods() {}

  /**
   * @param what the kind in the words of the audit record and the error, e.g. "push approval"
   * @throws LatchkeyException {@code method_disallowed}, audited as {@code registration.disallowed}
   */
  public static void require(
      RegistrationPolicy policy,
      MethodKind kind,
      String what,
      User user,
      AuditLog audit,
      Clock clock,
      RequestContext context) {
    if (policy.allows(kind)) {
      return;
    }
    audit.record(
        AuditEvent.of(AuditEventType.REGISTRATION_DISALLOWED, context, clock.instant())
            .user(user.id(), user.username().value())
            .failure(ErrorCode.METHOD_DISALLOWED.code())
            .detail(
                "a "
                    + what
                    + " registration was refused: the policy (methods.allowed) does not allow it")
            .build());
    throw new LatchkeyException(
        ErrorCode.METHOD_DISALLOWED, "the policy does not allow registering " + what);
  }
}
