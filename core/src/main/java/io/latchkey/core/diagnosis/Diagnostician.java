package io.latchkey.core.diagnosis;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.AuditQuery;
import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserRepository;
import io.latchkey.core.user.UserStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Reads the timeline of a correlation ID and names what went wrong (PRODUCT 7). Each rule looks for
 * the events that prove one cause, and only a rule whose evidence is present speaks: the findings
 * come most specific first (a block or a refused device explains a time-out that followed), and no
 * rule means "unexplained", with the events, never a guess.
 */
public final class Diagnostician {
  /** Reasons of the blocks the server makes by itself (lockout and the policy's auto-blocks). */
  private static final java.util.Set<String> AUTOMATIC =
      java.util.Set.of(
          "too_many_failures",
          io.latchkey.core.policy.AutoBlock.TOO_MANY_REGISTRATIONS,
          io.latchkey.core.policy.AutoBlock.TOO_MANY_PUSH_REFUSALS);

  private final AuditLog audit;
  private final UserRepository users;
  private final Clock clock;

  public Diagnostician(AuditLog audit, UserRepository users, Clock clock) {
    this.audit = audit;
    this.users = users;
    this.clock = clock;
  }

  /**
   * An administrator looks {@code id} up: the diagnosis, and an audit record of who looked, under
   * the administrator's own correlation ID (so the looked-up timeline stays as it was).
   */
  public Diagnosis diagnose(CorrelationId id, RequestContext context) {
    Diagnosis diagnosis = diagnose(id);
    AuditEvent.Builder event =
        AuditEvent.of(AuditEventType.DIAGNOSIS_VIEWED, context, clock.instant());
    if (diagnosis.timeline().isEmpty()) {
      event.failure("not_found").detail(context.actor() + " looked up " + id + ": no event");
    } else {
      event.detail(
          context.actor()
              + " looked up "
              + id
              + ": "
              + diagnosis.timeline().size()
              + " event(s), "
              + (diagnosis.explained()
                  ? "findings "
                      + String.join(", ", diagnosis.findings().stream().map(Finding::code).toList())
                  : "unexplained"));
    }
    audit.record(event.build());
    return diagnosis;
  }

  public Diagnosis diagnose(CorrelationId id) {
    List<AuditEvent> timeline =
        audit.search(AuditQuery.byCorrelationId(id)).stream()
            .sorted(Comparator.comparing(AuditEvent::at))
            .toList();
    List<Finding> findings = new ArrayList<>();
    userBlocked(timeline).ifPresent(findings::add);
    accessRefused(timeline).ifPresent(findings::add);
    deviceNotCompliant(timeline).ifPresent(findings::add);
    refused(timeline, "number_mismatch").ifPresent(findings::add);
    refused(timeline, "challenge_denied").ifPresent(findings::add);
    networkMismatch(timeline).ifPresent(findings::add);
    sessionLost(timeline).ifPresent(findings::add);
    clockSkew(timeline).ifPresent(findings::add);
    codeFromPreviousQr(timeline, id).ifPresent(findings::add);
    wrongCode(timeline, id).ifPresent(findings::add);
    phoneNeverArrived(timeline).ifPresent(findings::add);
    testRequestNotDelivered(timeline).ifPresent(findings::add);
    testRequestNotAnswered(timeline).ifPresent(findings::add);
    idleUntilDeadline(timeline).ifPresent(findings::add);
    registrationLinkRefused(timeline).ifPresent(findings::add);
    passwordRejected(timeline).ifPresent(findings::add);
    passwordChanged(timeline).ifPresent(findings::add);
    keyRotationRefused(timeline).ifPresent(findings::add);
    signInThrottled(timeline).ifPresent(findings::add);
    // The ID's own request first: a finding whose evidence was recorded under this ID explains
    // what the user saw with it; the rest of the registration's flow comes after (issue 15).
    List<Finding> ordered = new ArrayList<>(findings);
    ordered.sort(
        Comparator.comparing(
            (Finding f) -> f.evidence().stream().noneMatch(e -> id.equals(e.correlationId()))));
    return new Diagnosis(id, timeline, ordered);
  }

  private Optional<Finding> userBlocked(List<AuditEvent> timeline) {
    List<AuditEvent> refusals =
        matching(
            timeline,
            e ->
                e.type() == AuditEventType.USER_BLOCKED
                    || e.reason().equals("user_blocked")
                    || e.reason().equals("user_disabled"));
    if (refusals.isEmpty()) {
      return Optional.empty();
    }
    List<AuditEvent> evidence = new ArrayList<>(refusals);
    UUID userId =
        refusals.getFirst().userId() == null ? null : refusals.getFirst().userId().value();
    Optional<User> user =
        refusals.stream()
            .filter(e -> e.userId() != null)
            .findFirst()
            .flatMap(e -> users.findById(e.userId()));
    Optional<AuditEvent> block =
        user.flatMap(
            u ->
                audit
                    .search(
                        new AuditQuery(
                            null, u.id(), AuditEventType.USER_BLOCKED, null, null, null, 1000))
                    .stream()
                    .max(Comparator.comparing(AuditEvent::at)));
    block.filter(b -> !evidence.contains(b)).ifPresent(evidence::add);
    boolean disabled = user.map(u -> u.status() == UserStatus.DISABLED).orElse(false);
    String name = user.map(u -> u.username().value()).orElse(refusals.getFirst().username());
    List<Text> cause = new ArrayList<>();
    if (disabled) {
      cause.add(Text.of("user_disabled.cause", name));
    } else {
      if (block.isPresent()) {
        AuditEvent b = block.get();
        Object actor = b.actor().isEmpty() ? Text.of("actor.system") : b.actor();
        String detail = b.detail();
        String prefix = "blocked by " + b.actor() + ": ";
        if (detail.startsWith(prefix)) {
          detail = detail.substring(prefix.length());
        }
        cause.add(
            Text.of(
                AUTOMATIC.contains(b.reason())
                    ? "user_blocked.cause.auto"
                    : "user_blocked.cause.admin",
                name,
                b.at().toString(),
                actor,
                detail));
      } else if (user.map(u -> u.blockedReason() != null).orElse(false)) {
        cause.add(Text.of("user_blocked.cause.reason", name, user.get().blockedReason()));
      } else {
        cause.add(Text.of("user_blocked.cause.plain", name));
      }
      cause.add(
          Text.of(
              user.map(u -> u.status() == UserStatus.BLOCKED).orElse(true)
                  ? "user_blocked.cause.still"
                  : "user_blocked.cause.unblocked"));
    }
    boolean byAdmin = block.map(b -> !AUTOMATIC.contains(b.reason())).orElse(false);
    Text remedy =
        disabled
            ? Text.of("user_disabled.remedy")
            : Text.of(byAdmin ? "user_blocked.remedy.admin" : "user_blocked.remedy", name);
    return Optional.of(
        new Finding(disabled ? "user_disabled" : "user_blocked", cause, List.of(remedy), evidence));
  }

  /** Reasons of {@link AuditEventType#ACCESS_REFUSED} that name a finding of their own. */
  static final List<String> STAGE_REASONS =
      List.of(
          "second_factor_required",
          "step_up_required",
          "registration_link_required",
          "admin_login_required",
          "password_change_required",
          "session_lifetime_over",
          "registration_other_session");

  /**
   * A request the session's stage did not allow: the password alone where a second factor was
   * needed, a factor proven too long ago for a change, a first registration that needs a link, or
   * an administrator's call without an admin login.
   */
  private Optional<Finding> accessRefused(List<AuditEvent> timeline) {
    List<AuditEvent> refusals =
        matching(
            timeline,
            e -> e.type() == AuditEventType.ACCESS_REFUSED && STAGE_REASONS.contains(e.reason()));
    if (refusals.isEmpty()) {
      return Optional.empty();
    }
    AuditEvent refusal = refusals.getFirst();
    String reason = refusal.reason();
    return Optional.of(
        new Finding(
            reason,
            List.of(
                Text.of(
                    reason + ".cause",
                    refusal.username().isEmpty() ? "?" : refusal.username(),
                    refusal.at().toString(),
                    refusal.detail())),
            List.of(Text.of(reason + ".remedy")),
            refusals));
  }

  /** A rotation of the data key asked for while another one was still running. */
  private Optional<Finding> keyRotationRefused(List<AuditEvent> timeline) {
    List<AuditEvent> refusals =
        matching(
            timeline,
            e ->
                e.type() == AuditEventType.KEY_ROTATION_REFUSED
                    && e.reason().equals("rotation_in_progress"));
    if (refusals.isEmpty()) {
      return Optional.empty();
    }
    AuditEvent refusal = refusals.getFirst();
    return Optional.of(
        new Finding(
            "rotation_in_progress",
            List.of(
                Text.of(
                    "rotation_in_progress.cause",
                    refusal.actor(),
                    refusal.at().toString(),
                    refusal.detail())),
            List.of(Text.of("rotation_in_progress.remedy")),
            refusals));
  }

  /** A registration link that was used, replaced by a newer one, expired, or never issued. */
  private Optional<Finding> registrationLinkRefused(List<AuditEvent> timeline) {
    List<AuditEvent> refusals =
        matching(
            timeline,
            e ->
                e.type() == AuditEventType.REGISTRATION_LINK_REJECTED
                    && e.reason().startsWith("link_"));
    if (refusals.isEmpty()) {
      return Optional.empty();
    }
    AuditEvent refusal = refusals.getFirst();
    String kind =
        switch (refusal.reason()) {
          case "link_used", "link_revoked", "link_expired" -> refusal.reason();
          default -> "link_unknown";
        };
    Text cause =
        refusal.username().isEmpty() || kind.equals("link_unknown")
            ? Text.of(kind + ".cause")
            : Text.of(kind + ".cause.user", refusal.username());
    List<Text> remedy =
        List.of(
            Text.of("link.remedy", refusal.username().isEmpty() ? "NAME" : refusal.username()),
            Text.of(kind.equals("link_used") ? "link.remedy.used" : "link.remedy.end"));
    return Optional.of(new Finding("link_expired", List.of(cause), remedy, refusals));
  }

  /** Reasons of {@link AuditEventType#PASSWORD_REJECTED}, each with a remedy of its own. */
  static final List<String> PASSWORD_REASONS =
      List.of(
          "password_too_short",
          "password_too_long",
          "password_too_common",
          "password_unchanged",
          "passwords_differ",
          "current_password_wrong");

  /** A new password that was refused (issue 14): which rule, and what the user does instead. */
  private Optional<Finding> passwordRejected(List<AuditEvent> timeline) {
    List<AuditEvent> refusals =
        matching(
            timeline,
            e ->
                e.type() == AuditEventType.PASSWORD_REJECTED
                    && PASSWORD_REASONS.contains(e.reason()));
    if (refusals.isEmpty()) {
      return Optional.empty();
    }
    AuditEvent refusal = refusals.getLast();
    return Optional.of(
        new Finding(
            "password_rejected",
            Text.of(
                "password_rejected.cause",
                refusal.username().isEmpty() ? "?" : refusal.username(),
                refusal.at().toString(),
                refusal.detail()),
            Text.of("password_rejected.remedy." + refusal.reason()),
            refusals));
  }

  /**
   * A password changed by its user or set by an administrator (issue 14): the correlation ID a user
   * reads in the notice leads here, with who did it and which sessions ended.
   */
  private Optional<Finding> passwordChanged(List<AuditEvent> timeline) {
    List<AuditEvent> changes =
        matching(
            timeline,
            e ->
                e.type() == AuditEventType.PASSWORD_CHANGED
                    || e.type() == AuditEventType.PASSWORD_SET_BY_ADMIN);
    if (changes.isEmpty()) {
      return Optional.empty();
    }
    AuditEvent change = changes.getLast();
    boolean byAdmin = change.type() == AuditEventType.PASSWORD_SET_BY_ADMIN;
    return Optional.of(
        new Finding(
            byAdmin ? "password_set_by_admin" : "password_changed",
            Text.of(
                byAdmin ? "password_set_by_admin.cause" : "password_changed.cause",
                change.username(),
                change.at().toString(),
                change.actor().isEmpty() ? Text.of("actor.system") : change.actor(),
                change.detail()),
            Text.of(byAdmin ? "password_set_by_admin.remedy" : "password_changed.remedy"),
            changes));
  }

  /** The {@code key=value} evidence {@link io.latchkey.core.user.SignInThrottle} records. */
  private static final java.util.regex.Pattern EVIDENCE =
      java.util.regex.Pattern.compile("([a-z-]+)=(\\S+)");

  /**
   * A password sign-in refused before its password was checked: a full throttle window (the name
   * from this address, this address, or the whole server), or every hashing permit in use. The
   * audit record's detail carries the address and the counts (issue 14).
   */
  private Optional<Finding> signInThrottled(List<AuditEvent> timeline) {
    List<AuditEvent> refusals =
        matching(
            timeline,
            e ->
                e.type() == AuditEventType.SIGN_IN_FAILED
                    && (e.reason().equals(io.latchkey.core.user.Accounts.THROTTLED)
                        || e.reason().equals(io.latchkey.core.user.Accounts.HASHING_BUSY)));
    if (refusals.isEmpty()) {
      return Optional.empty();
    }
    AuditEvent refusal = refusals.getLast();
    java.util.Map<String, String> evidence = new java.util.HashMap<>();
    java.util.regex.Matcher m = EVIDENCE.matcher(refusal.detail());
    while (m.find()) {
      evidence.put(m.group(1), m.group(2));
    }
    if (refusal.reason().equals(io.latchkey.core.user.Accounts.HASHING_BUSY)) {
      return Optional.of(
          new Finding(
              "hashing_busy",
              Text.of(
                  "hashing_busy.cause",
                  refusal.ip().isEmpty() ? "?" : refusal.ip(),
                  evidence.getOrDefault("permits", "?")),
              Text.of("hashing_busy.remedy"),
              refusals));
    }
    String scope = evidence.getOrDefault("scope", "address");
    if (!List.of("name_address", "address", "global").contains(scope)) {
      scope = "address";
    }
    String address = evidence.getOrDefault("address", refusal.ip());
    return Optional.of(
        new Finding(
            "sign_in_throttled",
            List.of(
                Text.of(
                    "sign_in_throttled.cause." + scope,
                    address,
                    evidence.getOrDefault("attempts", "?"),
                    evidence.getOrDefault("limit", "?"),
                    evidence.getOrDefault("window", "?"))),
            List.of(Text.of("sign_in_throttled.remedy", address)),
            refusals));
  }

  private Optional<Finding> refused(List<AuditEvent> timeline, String code) {
    List<AuditEvent> refusals =
        matching(
            timeline,
            e -> e.type() == AuditEventType.PUSH_REGISTRATION_REFUSED && e.reason().equals(code));
    if (refusals.isEmpty()) {
      return Optional.empty();
    }
    AuditEvent last = refusals.getLast();
    return Optional.of(
        new Finding(
            code, Text.of(code + ".cause", last.detail()), Text.of(code + ".remedy"), refusals));
  }

  private Optional<Finding> networkMismatch(List<AuditEvent> timeline) {
    List<AuditEvent> evidence =
        matching(
            timeline,
            e ->
                e.type() == AuditEventType.PUSH_REGISTRATION_REFUSED
                        && e.reason().equals("network_mismatch")
                    || e.type() == AuditEventType.PUSH_DEVICE_WARNING
                        && e.reason().contains("network.mismatch"));
    if (evidence.isEmpty()) {
      return Optional.empty();
    }
    AuditEvent last = evidence.getLast();
    boolean refused = last.type() == AuditEventType.PUSH_REGISTRATION_REFUSED;
    return Optional.of(
        new Finding(
            "network_mismatch",
            Text.of(
                refused ? "network_mismatch.cause.refused" : "network_mismatch.cause.warned",
                last.detail()),
            Text.of("network_mismatch.remedy"),
            evidence));
  }

  private Optional<Finding> sessionLost(List<AuditEvent> timeline) {
    List<AuditEvent> lost = matching(timeline, e -> e.type() == AuditEventType.SESSION_LOST);
    if (lost.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Finding(
            "session_lost",
            Text.of("session_lost.cause", lost.getLast().at().toString(), lost.getLast().detail()),
            Text.of("session_lost.remedy"),
            lost));
  }

  private Optional<Finding> clockSkew(List<AuditEvent> timeline) {
    List<AuditEvent> skew =
        matching(
            timeline,
            e ->
                e.reason().equals("clock_skew")
                    || e.reason().contains("device.clock")
                    || (e.type() == AuditEventType.PUSH_DEVICE_REQUEST_REJECTED
                            || e.type() == AuditEventType.PUSH_ACTIVATION_REJECTED)
                        && e.detail().contains("clock"));
    if (skew.isEmpty()) {
      return Optional.empty();
    }
    java.util.Map<String, String> measured = evidence(skew.getLast().detail());
    Text cause = Text.of("clock_skew.cause", skew.getLast().detail());
    if (measured.containsKey("skew")) {
      long seconds = Long.parseLong(measured.get("skew").replaceAll("[^0-9-]", ""));
      cause =
          Text.of(
              seconds >= 0 ? "clock_skew.cause.ahead" : "clock_skew.cause.behind",
              Long.toString(Math.abs(seconds)),
              Long.toString(Math.round(Math.abs(seconds) / 60.0)));
    }
    return Optional.of(new Finding("clock_skew", cause, Text.of("clock_skew.remedy"), skew));
  }

  private Optional<Finding> phoneNeverArrived(List<AuditEvent> timeline) {
    List<AuditEvent> timeouts =
        matching(
            timeline,
            e ->
                e.type() == AuditEventType.PUSH_REGISTRATION_TIMED_OUT
                    && e.reason().equals("activation_timed_out"));
    if (timeouts.isEmpty()) {
      return Optional.empty();
    }
    AuditEvent timeout = timeouts.getLast();
    Optional<AuditEvent> shown =
        lastBefore(
            timeline,
            timeout,
            AuditEventType.PUSH_REGISTRATION_STARTED,
            AuditEventType.PUSH_REGISTRATION_RETRIED);
    boolean deviceTried =
        !matching(
                timeline,
                e ->
                    (e.type() == AuditEventType.PUSH_ACTIVATION_REJECTED
                            || e.type() == AuditEventType.PUSH_DEVICE_ACTIVATED)
                        && shown.map(s -> !e.at().isBefore(s.at())).orElse(true)
                        && !e.at().isAfter(timeout.at()))
            .isEmpty();
    if (deviceTried) {
      return Optional.empty();
    }
    List<AuditEvent> evidence = new ArrayList<>();
    shown.ifPresent(evidence::add);
    evidence.add(timeout);
    return Optional.of(
        new Finding(
            "device_never_reached_server",
            shown
                .map(
                    x ->
                        Text.of(
                            "device_never_reached_server.cause.shown", x.at().toString(), x.ip()))
                .orElse(Text.of("device_never_reached_server.cause")),
            Text.of("device_never_reached_server.remedy"),
            evidence));
  }

  private Optional<Finding> testRequestNotDelivered(List<AuditEvent> timeline) {
    Optional<AuditEvent> timeout = testTimeout(timeline);
    if (timeout.isEmpty()) {
      return Optional.empty();
    }
    Optional<AuditEvent> sent = lastTestSent(timeline, timeout.get());
    boolean delivered =
        !matching(
                timeline,
                e ->
                    e.type() == AuditEventType.PUSH_CHALLENGE_DELIVERED
                        && sent.map(s -> !e.at().isBefore(s.at())).orElse(true)
                        && !e.at().isAfter(timeout.get().at()))
            .isEmpty();
    if (delivered) {
      return Optional.empty();
    }
    List<AuditEvent> evidence = new ArrayList<>();
    sent.ifPresent(evidence::add);
    evidence.addAll(
        matching(
            timeline,
            e ->
                e.type() == AuditEventType.PUSH_DEVICE_WARNING
                    && e.reason().contains("notifications")));
    evidence.add(timeout.get());
    return Optional.of(
        new Finding(
            "test_request_not_delivered",
            Text.of(
                "test_request_not_delivered.cause",
                deadlineOf(timeout.get()).orElse(timeout.get().at().toString())),
            Text.of("test_request_not_delivered.remedy"),
            evidence));
  }

  private Optional<Finding> testRequestNotAnswered(List<AuditEvent> timeline) {
    Optional<AuditEvent> timeout = testTimeout(timeline);
    if (timeout.isEmpty()) {
      return Optional.empty();
    }
    Optional<AuditEvent> sent = lastTestSent(timeline, timeout.get());
    List<AuditEvent> deliveries =
        matching(
            timeline,
            e ->
                e.type() == AuditEventType.PUSH_CHALLENGE_DELIVERED
                    && sent.map(s -> !e.at().isBefore(s.at())).orElse(true)
                    && !e.at().isAfter(timeout.get().at()));
    if (deliveries.isEmpty()) {
      return Optional.empty();
    }
    List<AuditEvent> evidence = new ArrayList<>(deliveries);
    evidence.add(timeout.get());
    return Optional.of(
        new Finding(
            "test_request_not_answered",
            Text.of("test_request_not_answered.cause", deliveries.getFirst().at().toString()),
            Text.of("test_request_not_answered.remedy"),
            evidence));
  }

  private Optional<Finding> idleUntilDeadline(List<AuditEvent> timeline) {
    List<AuditEvent> timeouts =
        matching(timeline, e -> e.type() == AuditEventType.REGISTRATION_TIMED_OUT);
    if (timeouts.isEmpty()) {
      return Optional.empty();
    }
    AuditEvent timeout = timeouts.getLast();
    Optional<AuditEvent> shown =
        lastBefore(
            timeline,
            timeout,
            AuditEventType.REGISTRATION_STARTED,
            AuditEventType.REGISTRATION_RETRIED);
    List<AuditEvent> attempts =
        matching(
            timeline,
            e ->
                e.type() == AuditEventType.REGISTRATION_CODE_REJECTED
                    && shown.map(s -> !e.at().isBefore(s.at())).orElse(true)
                    && !e.at().isAfter(timeout.at()));
    if (!attempts.isEmpty()) {
      return Optional.empty();
    }
    List<AuditEvent> evidence = new ArrayList<>();
    shown.ifPresent(evidence::add);
    evidence.add(timeout);
    evidence.addAll(shownAfter(timeline, timeout, AuditEventType.REGISTRATION_TIMEOUT_SHOWN));
    return Optional.of(
        new Finding(
            "deadline_passed_idle",
            shown
                .map(x -> Text.of("deadline_passed_idle.cause.shown", x.at().toString()))
                .orElse(Text.of("deadline_passed_idle.cause")),
            deadlineRemedy(timeout),
            evidence));
  }

  /**
   * The remedy of a step that timed out, naming the setting in force and its value as the time-out
   * recorded them ({@code setting=registration.step-deadline value=5m}).
   */
  private static Text deadlineRemedy(AuditEvent timeout) {
    java.util.Map<String, String> evidence = evidence(timeout.detail());
    String value = evidence.get("value");
    return value == null
        ? Text.of("deadline_passed_idle.remedy")
        : Text.of(
            "deadline_passed_idle.remedy.setting",
            evidence.getOrDefault("setting", "registration.step-deadline"),
            value);
  }

  /** The time-out pages shown (under other IDs) after {@code timeout}. */
  private static List<AuditEvent> shownAfter(
      List<AuditEvent> timeline, AuditEvent timeout, AuditEventType type) {
    return matching(timeline, e -> e.type() == type && !e.at().isBefore(timeout.at()));
  }

  private static java.util.Map<String, String> evidence(String detail) {
    java.util.Map<String, String> out = new java.util.HashMap<>();
    java.util.regex.Matcher m = EVIDENCE.matcher(detail);
    while (m.find()) {
      out.put(m.group(1), m.group(2));
    }
    return out;
  }

  /**
   * A wrong code typed for the QR code Next showed, when an earlier QR code of the same
   * registration was shown before it: the app most likely still has the entry of the previous QR
   * code (its secret was erased, so the server cannot prove which entry the code came from; it
   * never matched the new one, nor any nearby time of it).
   */
  private Optional<Finding> codeFromPreviousQr(List<AuditEvent> timeline, CorrelationId id) {
    List<AuditEvent> rejected =
        matching(
            timeline,
            e ->
                e.type() == AuditEventType.REGISTRATION_CODE_REJECTED
                    && e.reason().equals("invalid_code"));
    List<AuditEvent> own = matching(rejected, e -> id.equals(e.correlationId()));
    if (rejected.isEmpty()) {
      return Optional.empty();
    }
    AuditEvent code = own.isEmpty() ? rejected.getLast() : own.getLast();
    // By position, not time: a time-out, Next and the code can share one second of the clock.
    int codeAt = timeline.indexOf(code);
    int nextAt = lastIndexBefore(timeline, codeAt);
    if (nextAt < 0 || timeline.get(nextAt).type() != AuditEventType.REGISTRATION_RETRIED) {
      return Optional.empty();
    }
    int previousAt = lastIndexBefore(timeline, nextAt);
    if (previousAt < 0) {
      return Optional.empty();
    }
    Optional<AuditEvent> next = Optional.of(timeline.get(nextAt));
    Optional<AuditEvent> previous = Optional.of(timeline.get(previousAt));
    List<AuditEvent> evidence = new ArrayList<>();
    evidence.add(previous.get());
    evidence.addAll(
        matching(
            timeline,
            e ->
                e.type() == AuditEventType.REGISTRATION_TIMED_OUT
                    && timeline.indexOf(e) > previousAt
                    && timeline.indexOf(e) < nextAt));
    evidence.add(next.get());
    evidence.add(code);
    return Optional.of(
        new Finding(
            "code_from_previous_qr",
            Text.of(
                "code_from_previous_qr.cause",
                code.at().toString(),
                next.get().at().toString(),
                previous.get().at().toString()),
            Text.of("code_from_previous_qr.remedy"),
            evidence));
  }

  /**
   * A code that matched none of the user's methods at sign-in or through the API: no rule can say
   * which entry it came from, but what is known is said (issue 15): the user, the time, the kinds
   * it was checked against, and that it was neither a used code nor refused for its shape.
   */
  private Optional<Finding> wrongCode(List<AuditEvent> timeline, CorrelationId id) {
    List<AuditEvent> rejected =
        matching(
            timeline,
            e ->
                e.type() == AuditEventType.VERIFICATION_REJECTED
                    && e.reason().equals("invalid_code")
                    && id.equals(e.correlationId()));
    if (rejected.isEmpty()) {
      return Optional.empty();
    }
    AuditEvent last = rejected.getLast();
    String kinds = evidence(last.detail()).getOrDefault("kinds", "?").replace(")", "");
    return Optional.of(
        new Finding(
            "wrong_code",
            Text.of(
                "wrong_code.cause",
                last.username().isEmpty() ? "?" : last.username(),
                last.at().toString(),
                kinds),
            Text.of("wrong_code.remedy", last.username().isEmpty() ? "NAME" : last.username()),
            rejected));
  }

  /** The position of the last start or Next of a code registration before {@code limit}. */
  private static int lastIndexBefore(List<AuditEvent> timeline, int limit) {
    for (int i = limit - 1; i >= 0; i--) {
      AuditEventType type = timeline.get(i).type();
      if (type == AuditEventType.REGISTRATION_STARTED
          || type == AuditEventType.REGISTRATION_RETRIED) {
        return i;
      }
    }
    return -1;
  }

  /** A phone refused by the posture policy: the remedy names the settings that refused it. */
  private Optional<Finding> deviceNotCompliant(List<AuditEvent> timeline) {
    List<AuditEvent> refusals =
        matching(
            timeline,
            e ->
                e.type() == AuditEventType.PUSH_REGISTRATION_REFUSED
                    && e.reason().equals("device_not_compliant"));
    if (refusals.isEmpty()) {
      return Optional.empty();
    }
    AuditEvent last = refusals.getLast();
    java.util.Set<String> keys = new java.util.LinkedHashSet<>();
    java.util.regex.Matcher m = POSTURE_KEY.matcher(last.detail());
    while (m.find()) {
      keys.add(m.group() + "=warn");
    }
    return Optional.of(
        new Finding(
            "device_not_compliant",
            Text.of("device_not_compliant.cause", last.detail()),
            Text.of(
                "device_not_compliant.remedy",
                keys.isEmpty() ? "push.posture.RULE=warn" : String.join(" ", keys)),
            refusals));
  }

  private static final java.util.regex.Pattern POSTURE_KEY =
      java.util.regex.Pattern.compile("push\\.posture\\.[a-z]+(-[a-z]+)*");

  private static Optional<AuditEvent> testTimeout(List<AuditEvent> timeline) {
    List<AuditEvent> timeouts =
        matching(
            timeline,
            e ->
                e.type() == AuditEventType.PUSH_REGISTRATION_TIMED_OUT
                    && e.reason().equals("test_approval_timed_out"));
    return timeouts.isEmpty() ? Optional.empty() : Optional.of(timeouts.getLast());
  }

  private static final java.util.regex.Pattern DEADLINE =
      java.util.regex.Pattern.compile("step deadline (\\d[0-9T:.Z-]+)");

  /** The step deadline a time-out's detail names. */
  private static Optional<String> deadlineOf(AuditEvent timeout) {
    java.util.regex.Matcher m = DEADLINE.matcher(timeout.detail());
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  private static Optional<AuditEvent> lastTestSent(List<AuditEvent> timeline, AuditEvent timeout) {
    return lastBefore(
        timeline,
        timeout,
        AuditEventType.PUSH_DEVICE_ACTIVATED,
        AuditEventType.PUSH_REGISTRATION_RETRIED);
  }

  private static Optional<AuditEvent> lastBefore(
      List<AuditEvent> timeline, AuditEvent limit, AuditEventType... types) {
    List<AuditEventType> wanted = List.of(types);
    return timeline.stream()
        .filter(e -> wanted.contains(e.type()) && !e.at().isAfter(limit.at()))
        .reduce((first, second) -> second);
  }

  private static List<AuditEvent> matching(List<AuditEvent> timeline, Predicate<AuditEvent> test) {
    return timeline.stream().filter(test).toList();
  }
}
