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
  USER_DISABLED("user.disabled"),
  USER_ENABLED("user.enabled"),
  MFA_RESET("user.mfa_reset"),
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
  REQUEST_REJECTED("request.rejected"),
  PUSH_REGISTRATION_STARTED("push_registration.started"),
  PUSH_REGISTRATION_RESUMED("push_registration.resumed"),
  PUSH_REGISTRATION_RETRIED("push_registration.retried"),
  PUSH_REGISTRATION_TIMED_OUT("push_registration.timed_out"),
  PUSH_REGISTRATION_REFUSED("push_registration.refused"),
  PUSH_REGISTRATION_COMPLETED("push_registration.completed"),
  PUSH_ACTIVATION_REJECTED("push_activation.rejected"),
  PUSH_DEVICE_ACTIVATED("push_device.activated"),
  PUSH_DEVICE_WARNING("push_device.warning"),
  PUSH_DEVICE_CONNECTED("push_device.connected"),
  PUSH_DEVICE_REQUEST_REJECTED("push_device.request_rejected"),
  PUSH_CHALLENGE_CREATED("push_challenge.created"),
  PUSH_CHALLENGE_RATE_LIMITED("push_challenge.rate_limited"),
  PUSH_CHALLENGE_DELIVERED("push_challenge.delivered"),
  PUSH_CHALLENGE_APPROVED("push_challenge.approved"),
  PUSH_CHALLENGE_DENIED("push_challenge.denied"),
  PUSH_CHALLENGE_REPORTED("push_challenge.reported"),
  PUSH_CHALLENGE_NUMBER_MISMATCH("push_challenge.number_mismatch"),
  PUSH_CHALLENGE_EXPIRED("push_challenge.expired"),
  PUSH_CHALLENGE_ANSWER_REJECTED("push_challenge.answer_rejected"),
  PUSH_BLOCKED("push.blocked"),
  PUSH_UNBLOCKED("push.unblocked"),
  POLICY_CHANGED("policy.changed"),
  REGISTRATION_DISALLOWED("registration.disallowed"),
  // --- lead: second factor at sign-in, backup codes, registration links ---
  SIGN_IN_COMPLETED("sign_in.completed"),
  STEP_UP_SUCCEEDED("step_up.succeeded"),
  METHOD_REMOVED("method.removed"),
  BACKUP_CODES_GENERATED("backup_codes.generated"),
  REGISTRATION_LINK_ISSUED("registration_link.issued"),
  REGISTRATION_LINK_USED("registration_link.used"),
  REGISTRATION_LINK_REJECTED("registration_link.rejected"),
  OTHER_SESSIONS_ENDED("sessions.others_ended"),
  // --- notices ---
  USER_EMAIL_CHANGED("user.email_changed"),
  NOTICE_SENT("notice.sent"),
  NOTICE_FAILED("notice.failed"),
  NOTICE_NOT_SENT("notice.not_sent"),
  USERS_IMPORTED("users.imported"),
  ALERT_ACKNOWLEDGED("alert.acknowledged"),
  DIAGNOSIS_VIEWED("diagnosis.viewed"),
  // --- cloud-backup ---
  USER_SESSION_CREATED("user_session.created"),
  USER_SESSION_REVOKED("user_session.revoked"),
  USER_SESSION_REJECTED("user_session.rejected"),
  BACKUP_UPLOADED("backup.uploaded"),
  BACKUP_DOWNLOADED("backup.downloaded"),
  BACKUP_REJECTED("backup.rejected"),
  PUSH_DEVICE_REBOUND("push_device.rebound"),
  PUSH_DEVICE_REBIND_REJECTED("push_device.rebind_rejected"),
  // --- session stages (issue 12) ---
  /**
   * A request its session's stage does not allow: reason {@code second_factor_required}, {@code
   * step_up_required}, {@code registration_link_required} or {@code admin_login_required}; or
   * {@code session_lifetime_over}, a browser session ended at its absolute lifetime.
   */
  ACCESS_REFUSED("access.refused"),
  ADMIN_SESSION_CREATED("admin_session.created"),
  ADMIN_SESSION_REJECTED("admin_session.rejected"),
  ADMIN_SESSION_REVOKED("admin_session.revoked"),
  METRICS_TOKEN_CREATED("metrics_token.created"),
  METRICS_TOKEN_REVOKED("metrics_token.revoked"),
  /** The node's clock went back (ClockWatch); the detail says by how much and what to do. */
  CLOCK_STEPPED_BACK("clock.stepped_back"),
  // --- password lifecycle (issue 14) ---
  /** A user changed their own password (on the account page, or as required at sign-in). */
  PASSWORD_CHANGED("password.changed"),
  /** An administrator set a user's password; the user must change it at the next sign-in. */
  PASSWORD_SET_BY_ADMIN("password.set_by_admin"),
  /** A new password was refused: reason is the error code ({@code password_too_short}, ...). */
  PASSWORD_REJECTED("password.rejected"),
  // --- key rotation (issue 14) ---
  /** A rotation of the data key started: a new key seals new values from now on. */
  KEY_ROTATION_STARTED("key_rotation.started"),
  /** A batch of sealed values re-sealed with the new key (the detail says how many). */
  KEY_ROTATION_BATCH("key_rotation.batch"),
  /** A key no row uses any more was deleted from the database. */
  KEY_RETIRED("key.retired"),
  KEY_ROTATION_FINISHED("key_rotation.finished"),
  /** A rotation was refused: reason {@code rotation_in_progress}. */
  KEY_ROTATION_REFUSED("key_rotation.refused"),
  // --- issue 15: every correlation ID a user sees diagnoses ---
  /**
   * The "Registration timed out" page was shown for a time-out recorded under another request's
   * correlation ID (the background sweep, an earlier view): recorded under this request's ID and
   * the registration's flow, so the ID on the page leads to the time-out and its cause.
   */
  REGISTRATION_TIMEOUT_SHOWN("registration.timeout_shown"),
  /** The same for the push path. */
  PUSH_REGISTRATION_TIMEOUT_SHOWN("push_registration.timeout_shown");

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
