package io.latchkey.core.audit;

import io.latchkey.core.user.UserId;
import java.time.Instant;
import java.util.UUID;

/**
 * One line of the audit log. Never holds a secret, code or password. Free text is neutralised:
 * control, separator and format characters (CR, LF, U+2028, U+202E, ...) become spaces so a crafted
 * username cannot forge or disguise log lines.
 *
 * @param at when, UTC
 * @param type what happened
 * @param success the outcome
 * @param correlationId the request it happened in
 * @param flowId the registration (or sign-in) this belongs to, so one correlation ID leads to the
 *     whole timeline; may be null
 * @param userId the subject user; may be null (unknown user, API key events)
 * @param username the subject as typed or known; may be empty
 * @param actor who acted
 * @param ip client address
 * @param userAgent client agent
 * @param reason the precise reason: an error code word or a short token; may be empty
 * @param detail plain words for the administrator; may be empty
 */
public record AuditEvent(
    Instant at,
    AuditEventType type,
    boolean success,
    CorrelationId correlationId,
    UUID flowId,
    UserId userId,
    String username,
    String actor,
    String ip,
    String userAgent,
    String reason,
    String detail) {

  public AuditEvent {
    username = clean(username, 200);
    actor = clean(actor, 200);
    ip = clean(ip, 100);
    userAgent = clean(userAgent, 400);
    reason = clean(reason, 100);
    detail = clean(detail, 1000);
  }

  /**
   * False for what can forge or disguise a line in a log viewer: control characters, line and
   * paragraph separators (U+2028, U+2029) and format characters such as bidi overrides (U+202E).
   */
  private static boolean neutral(int cp) {
    int type = Character.getType(cp);
    return !Character.isISOControl(cp)
        && type != Character.LINE_SEPARATOR
        && type != Character.PARAGRAPH_SEPARATOR
        && type != Character.FORMAT
        && type != Character.SURROGATE;
  }

  private static String clean(String text, int max) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), max));
    text.codePoints().limit(max).forEach(cp -> out.appendCodePoint(neutral(cp) ? cp : ' '));
    return out.toString();
  }

  /** Starts an event under {@code context}: who, where, when. */
  public static Builder of(AuditEventType type, RequestContext context, Instant at) {
    return new Builder(type, context, at);
  }

  /** Fills the optional parts of an event; build() makes the record. */
  public static final class Builder {
    private final AuditEventType type;
    private final RequestContext context;
    private final Instant at;
    private boolean success = true;
    private UUID flowId;
    private UserId userId;
    private String username = "";
    private String reason = "";
    private String detail = "";

    private Builder(AuditEventType type, RequestContext context, Instant at) {
      this.type = type;
      this.context = context;
      this.at = at;
    }

    public Builder failure(String failureReason) {
      this.success = false;
      this.reason = failureReason;
      return this;
    }

    public Builder reason(String value) {
      this.reason = value;
      return this;
    }

    public Builder flow(UUID value) {
      this.flowId = value;
      return this;
    }

    public Builder user(UserId id, String name) {
      this.userId = id;
      this.username = name;
      return this;
    }

    public Builder detail(String value) {
      this.detail = value;
      return this;
    }

    public AuditEvent build() {
      return new AuditEvent(
          at,
          type,
          success,
          context.correlationId(),
          flowId,
          userId,
          username,
          context.actor(),
          context.ip(),
          context.userAgent(),
          reason,
          detail);
    }
  }
}
