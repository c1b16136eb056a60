package io.latchkey.core.notice;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.user.EmailAddress;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserId;
import io.latchkey.core.user.UserRepository;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Security notices: the one entry point every security change calls, and the outbox the mail sender
 * drains.
 *
 * <p>{@link #send} only <em>writes</em> the notice. Call it inside the transaction of the change
 * itself ({@code transactions.inTransaction(() -> { change; notices.send(...); })}), so that a
 * notice exists if and only if the change committed. Delivery happens later, in the background,
 * with retries; a failed delivery never undoes the change (SECURITY-TESTS I5). Every notice is also
 * shown on the user's page, mailed or not.
 */
public final class Notices {
  /** Facts one notice may carry, and the length of each value (longer ones are cut). */
  public static final int MAX_FACTS = 12;

  public static final int MAX_FACT_LENGTH = 200;

  /** Who the sender's audit records name as the actor. */
  public static final String SENDER = "system:mailer";

  private static final Pattern FACT_NAME = Pattern.compile("[a-z][A-Za-z0-9]{0,31}");

  /** Fact names that suggest a secret: refused, so nobody mails a code by mistake. */
  private static final List<String> SECRET_WORDS =
      List.of("secret", "password", "passcode", "token", "otp", "pin", "seed", "privatekey");

  private static final java.util.Set<String> SECRET_NAMES = java.util.Set.of("code", "key");

  private final NoticeRepository notices;
  private final UserRepository users;
  private final AuditLog audit;
  private final Clock clock;
  private final NoticePolicy policy;

  public Notices(
      NoticeRepository notices,
      UserRepository users,
      AuditLog audit,
      Clock clock,
      NoticePolicy policy) {
    this.notices = notices;
    this.users = users;
    this.audit = audit;
    this.clock = clock;
    this.policy = policy;
  }

  /**
   * Writes a notice for the user (the outbox): mailed later to the address they have now, and shown
   * on their page. Without an address, or with mail off, it is stored as not sent, audited ({@code
   * notice.not_sent}), and still shown on the page.
   *
   * @param context the request that made the change: its time, address and correlation ID go into
   *     the notice
   * @param facts plain facts for the user, e.g. {@code method=TOTP}, {@code by=admin}; never a
   *     secret (names such as {@code code}, {@code secret}, {@code token} are refused)
   * @throws IllegalArgumentException for a fact name that is malformed or suggests a secret, or
   *     more than {@value #MAX_FACTS} facts
   * @throws LatchkeyException {@code not_found} if the user does not exist
   */
  public Notice send(
      UserId userId, NoticeKind kind, RequestContext context, Map<String, String> facts) {
    User user =
        users
            .findById(userId)
            .orElseThrow(() -> new LatchkeyException(ErrorCode.NOT_FOUND, "no such user"));
    Map<String, String> clean = cleanFacts(facts);
    Instant now = clock.instant();
    EmailAddress recipient = user.email();
    String notSent = recipient == null ? "no_address" : policy.mailEnabled() ? null : "mail_off";
    Notice notice =
        new Notice(
            UUID.randomUUID(),
            user.id(),
            kind,
            now,
            context.ip(),
            context.userAgent(),
            context.correlationId(),
            clean,
            recipient,
            notSent == null ? NoticeStatus.PENDING : NoticeStatus.NOT_SENT,
            0,
            notSent == null ? now : null,
            null,
            notSent);
    notices.insert(notice);
    if (notSent != null) {
      audit.record(
          AuditEvent.of(AuditEventType.NOTICE_NOT_SENT, context, now)
              .user(user.id(), user.username().value())
              .failure(notSent)
              .detail(
                  "notice "
                      + kind.wireName()
                      + " "
                      + notice.id()
                      + " not mailed ("
                      + (recipient == null
                          ? "the user has no email address"
                          : "mail is off: latchkey.mail.host is not set")
                      + "); it is shown on the user's page")
              .build());
    }
    return notice;
  }

  /** The user's latest notices, newest first (at most 100). */
  public List<Notice> recent(UserId userId, int limit) {
    return notices.recent(userId, Math.max(1, Math.min(limit, 100)));
  }

  public Optional<Notice> find(UUID id) {
    return notices.findById(id);
  }

  /** A notice this sender owns until it marks it sent or failed. */
  public record Claimed(Notice notice, String token) {}

  /**
   * Claims up to {@code limit} notices that are due for delivery. A notice is claimed by one sender
   * only, on any number of nodes; each claim counts as an attempt.
   */
  public List<Claimed> pending(int limit) {
    Instant now = clock.instant();
    List<Claimed> claimed = new java.util.ArrayList<>();
    for (UUID id : notices.due(now, limit)) {
      String token = UUID.randomUUID().toString();
      notices
          .claim(id, token, now, now.plus(policy.claimTimeout()))
          .ifPresent(n -> claimed.add(new Claimed(n, token)));
    }
    return claimed;
  }

  /**
   * The SMTP server accepted the message: audited ({@code notice.sent}) under the correlation ID of
   * the change it reports.
   *
   * @return false if the claim had expired and another sender took the notice over
   */
  public boolean markSent(Claimed claimed) {
    Notice notice = claimed.notice();
    if (!notices.markSent(notice.id(), claimed.token(), clock.instant())) {
      return false;
    }
    audit.record(
        senderEvent(AuditEventType.NOTICE_SENT, notice)
            .detail(
                "notice "
                    + notice.kind().wireName()
                    + " "
                    + notice.id()
                    + " mailed to "
                    + notice.recipient()
                    + " (attempt "
                    + notice.attempts()
                    + ")")
            .build());
    return true;
  }

  /**
   * A delivery attempt failed. Before the last attempt the notice waits for the next one (the wait
   * doubles each time); after it, the notice is marked failed and audited ({@code notice.failed},
   * with the reason). The change it reports stays as it is either way.
   *
   * @param reason why, in words for the administrator (never the message itself)
   * @return true if this was the last attempt
   */
  public boolean markFailed(Claimed claimed, String reason) {
    Notice notice = claimed.notice();
    String why = reason == null || reason.isBlank() ? "unknown error" : reason.strip();
    if (notice.attempts() >= policy.maxAttempts()) {
      if (notices.markFailed(notice.id(), claimed.token(), why)) {
        audit.record(
            senderEvent(AuditEventType.NOTICE_FAILED, notice)
                .failure("delivery_failed")
                .detail(
                    "notice "
                        + notice.kind().wireName()
                        + " "
                        + notice.id()
                        + " to "
                        + notice.recipient()
                        + " not delivered after "
                        + notice.attempts()
                        + " attempt(s): "
                        + why
                        + ". It is still shown on the user's page.")
                .build());
      }
      return true;
    }
    Instant next = clock.instant().plus(policy.delayAfter(notice.attempts()));
    notices.reschedule(notice.id(), claimed.token(), next, why);
    return false;
  }

  private AuditEvent.Builder senderEvent(AuditEventType type, Notice notice) {
    RequestContext context = new RequestContext(notice.correlationId(), "", "", SENDER);
    String username = users.findById(notice.userId()).map(u -> u.username().value()).orElse("");
    return AuditEvent.of(type, context, clock.instant()).user(notice.userId(), username);
  }

  static Map<String, String> cleanFacts(Map<String, String> facts) {
    if (facts == null || facts.isEmpty()) {
      return Map.of();
    }
    if (facts.size() > MAX_FACTS) {
      throw new IllegalArgumentException("a notice has at most " + MAX_FACTS + " facts");
    }
    Map<String, String> out = new LinkedHashMap<>();
    facts.forEach(
        (name, value) -> {
          if (name == null || !FACT_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a fact name: " + name);
          }
          String lower = name.toLowerCase(Locale.ROOT);
          if (SECRET_NAMES.contains(lower) || SECRET_WORDS.stream().anyMatch(lower::contains)) {
            throw new IllegalArgumentException(
                "a notice never carries a secret; rename the fact '" + name + "' if it is none");
          }
          if (value != null) {
            out.put(name, clean(value));
          }
        });
    return out;
  }

  /** Control, separator and format characters become spaces; at most MAX_FACT_LENGTH. */
  private static String clean(String text) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_FACT_LENGTH));
    text.codePoints()
        .limit(MAX_FACT_LENGTH)
        .forEach(
            cp -> {
              int type = Character.getType(cp);
              boolean neutral =
                  !Character.isISOControl(cp)
                      && type != Character.LINE_SEPARATOR
                      && type != Character.PARAGRAPH_SEPARATOR
                      && type != Character.FORMAT
                      && type != Character.SURROGATE;
              out.appendCodePoint(neutral ? cp : ' ');
            });
    return out.toString().strip();
  }
}
