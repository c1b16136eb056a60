package io.latchkey.server.pages;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.push.ActivationUri;
import io.latchkey.core.push.ChallengeRepository;
import io.latchkey.core.push.PushEnrollment;
import io.latchkey.core.push.PushEnrollmentService;
import io.latchkey.core.push.PushEnrollmentState;
import io.latchkey.core.qr.QrCodes;
import io.latchkey.core.user.User;
import io.latchkey.core.verification.Lockout;
import io.latchkey.server.security.SignedInUser;
import io.latchkey.server.web.Correlation;
import io.latchkey.server.web.ErrorResponses;
import io.latchkey.server.web.PublicUrl;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseBody;

/**
 * The wizard's push path: scan the activation QR code with the app, then approve the test request
 * by typing the number the page shows. The page notices each step by polling {@code status}. Every
 * decision is the {@link PushEnrollmentService}'s; this class only chooses the page.
 */
@Controller
@RequestMapping("/register/push")
public class PushRegistrationController {
  /**
   * The push registration attempt this session started, as "USER-ID:ATTEMPT-ID" (see {@link
   * SessionStages#hold}). Only this session is shown its activation code and test number, and when
   * the phone completes it, this session, and only this one, has proven the new device; a marker of
   * another user or another attempt is worth nothing (issue 12).
   */
  public static final String FLOW = PushRegistrationController.class.getName() + ".flow";

  private final CurrentUser currentUser;
  private final PushEnrollmentService registrations;
  private final ChallengeRepository challenges;
  private final SessionStages stages;
  private final ErrorResponses errors;
  private final PublicUrl publicUrl;
  private final AuditLog audit;
  private final Clock clock;

  public PushRegistrationController(
      CurrentUser currentUser,
      PushEnrollmentService registrations,
      ChallengeRepository challenges,
      SessionStages stages,
      ErrorResponses errors,
      PublicUrl publicUrl,
      AuditLog audit,
      Clock clock) {
    this.audit = audit;
    this.currentUser = currentUser;
    this.registrations = registrations;
    this.challenges = challenges;
    this.stages = stages;
    this.errors = errors;
    this.publicUrl = publicUrl;
    this.clock = clock;
  }

  /** "Push approval" on step 1: a new push registration, or the pending one. */
  @PostMapping("/start")
  public String start(HttpServletRequest request) {
    User user = currentUser.require();
    RequestContext context = Correlation.context(request, user.username().value());
    PushEnrollment started =
        othersPending(user, request, context)
            ? registrations.replacePending(user, context)
            : registrations.begin(user, context);
    SessionStages.hold(request, FLOW, user, started.id());
    return "redirect:/register/push";
  }

  /** The page for the attempt's state: QR code, test request, time-out, refusal. */
  @GetMapping
  public String page(HttpServletRequest request, HttpServletResponse response, Model model) {
    User user = currentUser.require();
    Lockout.requireActive(user);
    Optional<PushEnrollment> current =
        registrations.current(user, Correlation.context(request, user.username().value()));
    if (current.isEmpty() || !SessionStages.holds(request, FLOW, user, current.get().id())) {
      // Nothing pending, or another session's attempt: step 1 starts one of this session's own.
      return "redirect:/register";
    }
    PushEnrollment enrollment = current.get();
    if (enrollment.state() == PushEnrollmentState.AWAITING_ACTIVATION
        && !stages.mayRegister(request, user)) {
      // The activation code is shown only while the session may register (its step-up lapsed).
      return "redirect:/register";
    }
    model.addAttribute("user", user);
    model.addAttribute("state", stateToken(enrollment));
    switch (enrollment.state()) {
      case COMPLETED:
        // The approved test request proved the new device: the session that ran this very
        // registration has a factor now.
        request.getSession().removeAttribute(FLOW);
        boolean before = SessionStages.current().map(SignedInUser::factorProven).orElse(false);
        stages.factorProven(request, response);
        audit.record(
            AuditEvent.of(
                    before ? AuditEventType.STEP_UP_SUCCEEDED : AuditEventType.SIGN_IN_COMPLETED,
                    Correlation.context(request, user.username().value()),
                    clock.instant())
                .user(user.id(), user.username().value())
                .reason("push_registration")
                .detail(
                    "factor proven by the push registration this session started (attempt "
                        + enrollment.id()
                        + ")")
                .build());
        return "redirect:/register/done";
      case AWAITING_ACTIVATION:
        return activationPage(enrollment, request, model);
      case AWAITING_APPROVAL:
        return testPage(enrollment, model, request);
      case TIMED_OUT:
        registrations.timeoutShown(
            enrollment, user, Correlation.context(request, user.username().value()));
        response.setStatus(ErrorCode.ENROLLMENT_TIMED_OUT.httpStatus());
        model.addAttribute(
            "error", errors.envelope(ErrorCode.ENROLLMENT_TIMED_OUT, request).error());
        model.addAttribute("retryAction", "/register/push/retry");
        model.addAttribute(
            "explainKey",
            enrollment.deviceId() == null ? "push.timeout.activation" : "push.timeout.approval");
        return "register/timeout";
      case REFUSED:
        ErrorCode code =
            ErrorCode.valueOf(enrollment.failureCode().toUpperCase(java.util.Locale.ROOT));
        response.setStatus(code.httpStatus());
        var refusal =
            errors
                .envelopeOf(
                    code,
                    reasons(enrollment.failureReasons()),
                    enrollment.failureCorrelationId(),
                    enrollment.finishedAt(),
                    request)
                .error();
        if (code == ErrorCode.NUMBER_MISMATCH) {
          // The wrong number of the test request: worded for the registration, not a sign-in.
          refusal =
              new io.latchkey.server.web.ErrorEnvelope.Body(
                  refusal.code(),
                  errors.message("push.refused.number_mismatch", request),
                  refusal.correlationId(),
                  refusal.timestamp());
        }
        model.addAttribute("error", refusal);
        return "register/push-refused";
      default:
        return "redirect:/register";
    }
  }

  /** What the page polls: a token that changes whenever the page would show something else. */
  @GetMapping(path = "/status", produces = MediaType.APPLICATION_JSON_VALUE)
  @ResponseBody
  public Map<String, Object> status(HttpServletRequest request) {
    User user = currentUser.require();
    Optional<PushEnrollment> current =
        registrations.current(user, Correlation.context(request, user.username().value()));
    Map<String, Object> result = new LinkedHashMap<>();
    result.put(
        "state",
        current
            .filter(e -> SessionStages.holds(request, FLOW, user, e.id()))
            .map(PushRegistrationController::stateToken)
            .orElse("none"));
    return result;
  }

  /** Next, after a time-out or a refusal. */
  @PostMapping("/retry")
  public String retry(HttpServletRequest request) {
    User user = currentUser.require();
    RequestContext context = Correlation.context(request, user.username().value());
    PushEnrollment next =
        othersPending(user, request, context)
            ? registrations.replacePending(user, context)
            : registrations.retry(user, context);
    SessionStages.hold(request, FLOW, user, next.id());
    return "redirect:/register/push";
  }

  /** Whether the user has a pending attempt that this session did not start. */
  private boolean othersPending(User user, HttpServletRequest request, RequestContext context) {
    return registrations
        .current(user, context)
        .filter(e -> e.state().pending())
        .filter(e -> !SessionStages.holds(request, FLOW, user, e.id()))
        .isPresent();
  }

  private String activationPage(
      PushEnrollment enrollment, HttpServletRequest request, Model model) {
    ActivationUri uri = registrations.activationUri(enrollment, publicUrl.of(request));
    String text = uri.toUriString();
    String png =
        "data:image/png;base64," + Base64.getEncoder().encodeToString(QrCodes.png(text, 280));
    model.addAttribute("qrPng", png);
    model.addAttribute("activationUri", text);
    deadline(enrollment.deadline(), model);
    return "register/push-activate";
  }

  private String testPage(PushEnrollment enrollment, Model model, HttpServletRequest request) {
    String number =
        challenges.findById(enrollment.testChallengeId()).map(c -> c.number()).orElse("");
    model.addAttribute("number", number);
    // What the app was warned of at activation (a rule set to warn), with that request's
    // correlation ID, so the page says it too and the administrator can look it up (issue 15).
    audit
        .search(io.latchkey.core.audit.AuditQuery.byCorrelationId(enrollment.correlationId()))
        .stream()
        .filter(e -> e.type() == AuditEventType.PUSH_DEVICE_WARNING)
        .filter(e -> !e.at().isBefore(enrollment.createdAt()))
        .reduce((first, second) -> second)
        .ifPresent(
            warning -> {
              model.addAttribute(
                  "warnings",
                  reasons(warning.reason()).stream()
                      .map(key -> errors.message(key, request))
                      .toList());
              model.addAttribute(
                  "warningCorrelationId",
                  warning.correlationId() == null ? "" : warning.correlationId().value());
            });
    deadline(enrollment.deadline(), model);
    return "register/push-test";
  }

  private void deadline(Instant deadline, Model model) {
    long seconds = Math.max(0, Duration.between(clock.instant(), deadline).toSeconds());
    model.addAttribute("deadlineText", PageModel.time(deadline));
    model.addAttribute("secondsLeft", seconds);
    model.addAttribute("minutesLeft", (seconds + 59) / 60);
  }

  private static String stateToken(PushEnrollment enrollment) {
    return enrollment.id() + ":" + enrollment.state().name();
  }

  private static List<String> reasons(String joined) {
    if (joined == null || joined.isBlank()) {
      return List.of();
    }
    return Arrays.stream(joined.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }
}
