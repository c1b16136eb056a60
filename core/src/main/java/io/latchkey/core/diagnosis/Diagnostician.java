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
    refused(timeline, "device_not_compliant").ifPresent(findings::add);
    networkMismatch(timeline).ifPresent(findings::add);
    sessionLost(timeline).ifPresent(findings::add);
    clockSkew(timeline).ifPresent(findings::add);
    phoneNeverArrived(timeline).ifPresent(findings::add);
    testRequestNotDelivered(timeline).ifPresent(findings::add);
    testRequestNotAnswered(timeline).ifPresent(findings::add);
    idleUntilDeadline(timeline).ifPresent(findings::add);
    registrationLinkRefused(timeline).ifPresent(findings::add);
    return new Diagnosis(id, timeline, findings);
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
    StringBuilder cause = new StringBuilder();
    if (disabled) {
      cause.append("The user ").append(name).append(" is disabled.");
    } else {
      cause.append("The user ").append(name).append(" is blocked");
      block.ifPresent(
          b ->
              cause
                  .append(" since ")
                  .append(b.at())
                  .append(
                      AUTOMATIC.contains(b.reason())
                          ? " automatically (by policy, during a request of "
                              + (b.actor().isEmpty() ? "the system" : b.actor())
                              + ")"
                          : " by " + (b.actor().isEmpty() ? "the system" : b.actor()))
                  .append(": ")
                  .append(b.detail()));
      user.filter(u -> u.blockedReason() != null && block.isEmpty())
          .ifPresent(u -> cause.append(": ").append(u.blockedReason()));
      cause.append(
          user.map(u -> u.status() == UserStatus.BLOCKED).orElse(true)
              ? ". Every sign-in, registration and code is refused until an administrator unblocks."
              : ". (The user has been unblocked since.)");
    }
    String remedy =
        disabled
            ? "Enable the user if they should have access again; they then register a new method."
            : "Check with the user that the failed attempts or the reported request were theirs"
                + " (not an attacker's), then unblock: latchkey admin unblock "
                + name
                + " --reason \"...\".";
    return Optional.of(
        new Finding(
            disabled ? "user_disabled" : "user_blocked", cause.toString(), remedy, evidence));
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
    String who = refusal.username().isEmpty() ? "" : " for " + refusal.username();
    String cause =
        switch (refusal.reason()) {
          case "link_used" ->
              "The registration link" + who + " was opened after it had already been used once.";
          case "link_revoked" ->
              "The registration link"
                  + who
                  + " was replaced by a newer one, so it stopped working.";
          case "link_expired" -> "The registration link" + who + " expired before it was opened.";
          default ->
              "The link the user opened is not a registration link this server issued (mistyped,"
                  + " cut off by the mail program, or forged).";
        };
    String remedy =
        "Issue a new link and send it again: latchkey admin registration-link "
            + (refusal.username().isEmpty() ? "NAME" : refusal.username())
            + (refusal.reason().equals("link_used")
                ? ". If the user did not use the first one themselves, someone else may have"
                    + " registered with it: check the user's methods and reset their MFA first."
                : ".");
    return Optional.of(new Finding("link_expired", cause, remedy, refusals));
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
            code,
            "The phone's posture did not meet policy. " + last.detail(),
            "Ask the user to fix the rule named above on the phone (the page and the app showed"
                + " the same sentence), then select Next for a new QR code. If such devices are"
                + " acceptable, set the rule to warn in the policy (latchkey admin policy set"
                + " push.posture.RULE=warn --reason \"...\").",
            refusals));
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
            (refused
                    ? "The browser and the phone came from different networks, and the network rule"
                        + " refuses that. "
                    : "The browser and the phone came from different networks (allowed with a"
                        + " warning). ")
                + last.detail()
                + " This is typical of a VPN turned on for only one of them, or of a phone on"
                + " mobile data while the computer is on the office network.",
            "Ask the user to put both on the same network (turn the VPN off on both, or on for"
                + " both) and select Next. If your VPN legitimately routes only one of them, widen"
                + " the policy's push.network.ipv4-prefix or set push.network.rule to warn (latchkey"
                + " admin policy set push.network.rule=warn --reason \"...\").",
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
            "The browser's session was lost or stale at "
                + lost.getLast().at()
                + ": the request came without a valid session cookie (cookies blocked or cleared,"
                + " an old tab, a browser extension, or the session expired). "
                + lost.getLast().detail(),
            "Ask the user to sign in again, preferably in a private window with extensions off;"
                + " the registration resumes where it was.",
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
    return Optional.of(
        new Finding(
            "clock_skew",
            "The phone's clock is wrong. " + skew.getLast().detail(),
            "Ask the user to set the phone's date and time to automatic (network time), then try"
                + " again; codes made with a wrong clock never match.",
            skew));
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
            "The QR code was shown"
                + shown.map(s -> " at " + s.at() + " to a browser at " + s.ip()).orElse("")
                + ", but no phone presented its activation code before the deadline: the phone"
                + " never reached the server.",
            "Ask the user to check the phone's internet connection (Wi-Fi or mobile data, no"
                + " captive portal or blocking VPN) and that the app can open the server's address,"
                + " then select Next for a new QR code and scan it again.",
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
            "The phone activated, but the test request never reached it: the app had no open push"
                + " connection (it was not running or not listening, or notifications are off)"
                + " until the deadline "
                + timeout.get().detail(),
            "Ask the user to open the Latchkey app and keep it running (latchkey app listen), with"
                + " notifications on, then select Next: the test request is sent again to the same"
                + " phone.",
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
            "The test request reached the phone at "
                + deliveries.getFirst().at()
                + " but was not approved before the deadline.",
            "Ask the user to open the request in the app and type the number the page shows;"
                + " select Next to send it again.",
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
    return Optional.of(
        new Finding(
            "deadline_passed_idle",
            "The QR code was shown"
                + shown.map(s -> " at " + s.at()).orElse("")
                + " and no code was typed before the deadline: the step timed out while nothing"
                + " happened (the user was away, or could not scan).",
            "Ask the user to select Next for a new QR code and to type the app's code within the"
                + " step's time limit (latchkey.registration-step-deadline).",
            evidence));
  }

  private static Optional<AuditEvent> testTimeout(List<AuditEvent> timeline) {
    List<AuditEvent> timeouts =
        matching(
            timeline,
            e ->
                e.type() == AuditEventType.PUSH_REGISTRATION_TIMED_OUT
                    && e.reason().equals("test_approval_timed_out"));
    return timeouts.isEmpty() ? Optional.empty() : Optional.of(timeouts.getLast());
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
