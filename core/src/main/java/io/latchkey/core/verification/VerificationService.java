package io.latchkey.core.verification;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.method.CodeMethod;
import io.latchkey.core.method.CodeMethod.CodeCheck;
import io.latchkey.core.method.CodeMethod.Outcome;
import io.latchkey.core.method.MethodId;
import io.latchkey.core.method.MethodKind;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserRepository;
import io.latchkey.core.user.Username;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Verifies a code a user typed, for a relying application. Every code method the user has is asked;
 * one shared failure counter guards all of them; a code is accepted at most once.
 */
public final class VerificationService {
  private final UserRepository users;
  private final List<CodeMethod> methods;
  private final Lockout lockout;
  private final AuditLog audit;
  private final Clock clock;

  public VerificationService(
      UserRepository users,
      List<CodeMethod> methods,
      Lockout lockout,
      AuditLog audit,
      Clock clock) {
    this.users = users;
    this.methods = List.copyOf(methods);
    this.lockout = lockout;
    this.audit = audit;
    this.clock = clock;
  }

  /** An accepted code: which user, which method and of which kind. */
  public record Verified(User user, MethodKind kind, MethodId methodId, Instant at) {}

  /**
   * @throws LatchkeyException {@code not_found} (unknown user), {@code user_blocked}, {@code
   *     user_disabled}, {@code not_enrolled}, {@code bad_request} (not a code of the right shape;
   *     counted as a failed attempt), {@code invalid_code}, {@code code_reused} (counted too)
   */
  public Verified verify(String typedUsername, String code, RequestContext context) {
    Username username = Username.of(typedUsername);
    User user =
        users
            .findByUsername(username)
            .orElseThrow(
                () -> {
                  audit.record(
                      event(AuditEventType.VERIFICATION_REJECTED, context)
                          .user(null, username.value())
                          .failure(ErrorCode.NOT_FOUND.code())
                          .detail("no such user")
                          .build());
                  return new LatchkeyException(ErrorCode.NOT_FOUND, "no such user");
                });
    return verify(user, code, context);
  }

  /**
   * Verifies a code of a user already known (the sign-in page, step-up), with the same counter,
   * single use and audit as {@link #verify(String, String, RequestContext)}.
   */
  public Verified verify(User user, String code, RequestContext context) {
    try {
      return check(user, code, context);
    } catch (LatchkeyException e) {
      audit.record(
          event(
                  e.code() == ErrorCode.CODE_REUSED
                      ? AuditEventType.VERIFICATION_REUSED
                      : AuditEventType.VERIFICATION_REJECTED,
                  context)
              .user(user.id(), user.username().value())
              .failure(e.code().code())
              .detail(e.detail())
              .build());
      throw e;
    }
  }

  private Verified check(User user, String code, RequestContext context) {
    Lockout.requireActive(user);
    // Each kind reads the user's credentials once for the whole verification.
    List<Candidate> registered =
        methods.stream()
            .map(m -> new Candidate(m, m.load(user)))
            .filter(c -> c.loaded().registered())
            .toList();
    if (registered.isEmpty()) {
      throw new LatchkeyException(ErrorCode.NOT_ENROLLED, "the user has no registered method");
    }
    lockout.reserve(user, context);
    if (registered.stream().noneMatch(c -> c.loaded().accepts(code))) {
      lockout.failed(user, context);
      throw new LatchkeyException(
          ErrorCode.BAD_REQUEST,
          "the code is neither a string of ASCII digits of the right length nor a backup code");
    }
    Instant now = clock.instant();
    CodeCheck outcome = CodeCheck.REJECTED;
    MethodKind reusedKind = null;
    for (Candidate candidate : registered) {
      if (!candidate.loaded().accepts(code)) {
        continue;
      }
      CodeCheck check = candidate.loaded().check(code, now, context);
      if (check.outcome() == Outcome.ACCEPTED) {
        lockout.succeeded(user);
        audit.record(
            event(AuditEventType.VERIFICATION_ACCEPTED, context)
                .user(user.id(), user.username().value())
                .detail(
                    candidate.method().kind().name()
                        + " code accepted for method "
                        + check.methodId())
                .build());
        return new Verified(user, candidate.method().kind(), check.methodId(), now);
      }
      if (check.outcome() == Outcome.REUSED) {
        outcome = check;
        reusedKind = candidate.method().kind();
      }
    }
    lockout.failed(user, context);
    if (outcome.outcome() == Outcome.REUSED) {
      throw new LatchkeyException(
          ErrorCode.CODE_REUSED,
          (reusedKind == MethodKind.BACKUP_CODE
                  ? "the backup code is right but was already used (spent) "
                  : "the code is right but its time step was already used (replay) on method ")
              + outcome.methodId());
    }
    // The kinds it was checked against, as evidence for the diagnosis (issue 15); never the code.
    throw new LatchkeyException(
        ErrorCode.INVALID_CODE,
        "the code matches no registered method at the server's time (kinds="
            + String.join(
                ",",
                registered.stream()
                    .map(c -> c.method().kind().name().toLowerCase(java.util.Locale.ROOT))
                    .distinct()
                    .toList())
            + ")");
  }

  private record Candidate(CodeMethod method, CodeMethod.Loaded loaded) {}

  private AuditEvent.Builder event(AuditEventType type, RequestContext context) {
    return AuditEvent.of(type, context, clock.instant());
  }
}
