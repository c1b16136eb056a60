package io.latchkey.core.audit;

/** Every security-relevant event, named as it appears in the audit log and its exports. */
public enum AuditEventType {
  ADMIN_BOOTSTRAPPED("admin.bootstrapped"),
  SIGN_IN_SUCCEEDED("sign_in.succeeded"),
  SIGN_IN_FAILED("sign_in.failed"),
  SIGN_OUT("sign_out"),
  SESSION_LOST("session.lost"),
  USER_CREATED("user.created"),
  USER_BLOCKED("user.blocked"),
  USER_UNBLOCKED("user.unblocked"),
  API_KEY_CREATED("api_key.created"),
  API_KEY_REVOKED("api_key.revoked"),
  API_KEY_REJECTED("api_key.rejected"),
  REGISTRATION_STARTED("registration.started"),
  REGISTRATION_RESUMED("registration.resumed"),
  REGISTRATION_CODE_REJECTED("registration.code_rejected"),
  REGISTRATION_TIMED_OUT("registration.timed_out"),
  REGISTRATION_RETRIED("registration.retried"),
  REGISTRATION_COMPLETED("registration.completed"),
  REGISTRATION_FORBIDDEN("registration.forbidden"),
  VERIFICATION_ACCEPTED("verification.accepted"),
  VERIFICATION_REJECTED("verification.rejected"),
  VERIFICATION_REUSED("verification.reused"),
  REQUEST_REJECTED("request.rejected");

  private final String wireName;

  AuditEventType(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static java.util.Optional<AuditEventType> fromWireName(String name) {
    for (AuditEventType type : values()) {
      if (type.wireName.equals(name)) {
        return java.util.Optional.of(type);
      }
    }
    return java.util.Optional.empty();
  }
}
