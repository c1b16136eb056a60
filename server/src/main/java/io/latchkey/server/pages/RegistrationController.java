package io.latchkey.server.pages;

import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.enrollment.Enrollment;
import io.latchkey.core.enrollment.EnrollmentService;
import io.latchkey.core.enrollment.EnrollmentState;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.method.MethodRepository;
import io.latchkey.core.notice.Notices;
import io.latchkey.core.qr.QrCodes;
import io.latchkey.core.user.User;
import io.latchkey.core.verification.Lockout;
import io.latchkey.server.notice.NoticeTexts;
import io.latchkey.server.web.Correlation;
import io.latchkey.server.web.ErrorResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The registration wizard: get the app, scan the QR code, type the code, done. Thin: every decision
 * is the {@link EnrollmentService}'s; this class only chooses the page. Pages that show a secret
 * are never cached.
 */
@Controller
@RequestMapping("/register")
public class RegistrationController {
  /** How many notices the page lists. */
  static final int RECENT_NOTICES = 10;

  /** The code registration this session started ("USER-ID:ATTEMPT-ID"); see SessionStages#hold. */
  static final String ATTEMPT = RegistrationController.class.getName() + ".attempt";

  private final CurrentUser currentUser;
  private final EnrollmentService enrollments;
  private final MethodRepository methods;
  private final SessionStages stages;
  private final io.latchkey.core.backupcode.BackupCodes backupCodes;
  private final ErrorResponses errors;
  private final Clock clock;
  private final Notices notices;
  private final NoticeTexts noticeTexts;
  private final java.util.function.Supplier<io.latchkey.core.enrollment.RegistrationPolicy> policy;
  private final io.latchkey.core.push.PushEnrollmentService pushRegistrations;

  public RegistrationController(
      CurrentUser currentUser,
      EnrollmentService enrollments,
      MethodRepository methods,
      SessionStages stages,
      io.latchkey.core.backupcode.BackupCodes backupCodes,
      ErrorResponses errors,
      Clock clock,
      Notices notices,
      NoticeTexts noticeTexts,
      java.util.function.Supplier<io.latchkey.core.enrollment.RegistrationPolicy> policy,
      io.latchkey.core.push.PushEnrollmentService pushRegistrations) {
    this.policy = policy;
    this.pushRegistrations = pushRegistrations;
    this.currentUser = currentUser;
    this.enrollments = enrollments;
    this.methods = methods;
    this.stages = stages;
    this.backupCodes = backupCodes;
    this.errors = errors;
    this.clock = clock;
    this.notices = notices;
    this.noticeTexts = noticeTexts;
  }

  /**
   * Step 1: get the app. A user who already has a factor adds another authenticator here once the
   * session proved it recently (step-up); a registration link also lets the user in.
   */
  @GetMapping
  public String getTheApp(Model model) {
    User user = currentUser.require();
    Lockout.requireActive(user);
    model.addAttribute("user", user);
    // Only the methods the policy allows are offered (starting another is refused anyway).
    var allowed = policy.get();
    model.addAttribute("allowTotp", allowed.allows(io.latchkey.core.method.MethodKind.TOTP));
    model.addAttribute("allowPush", allowed.allows(io.latchkey.core.method.MethodKind.PUSH));
    model.addAttribute("adding", !methods.listByUser(user.id()).isEmpty());
    return "register/get-app";
  }

  /**
   * "Next" on step 1: a new registration, or the pending one this session started (reload, second
   * tab). A pending one another session started is replaced with a fresh secret: a secret is shown
   * to one session only.
   */
  @PostMapping("/start")
  public String start(HttpServletRequest request) {
    User user = currentUser.require();
    RequestContext context = context(request, user);
    Enrollment started =
        othersPending(user, request, context)
            ? enrollments.replacePending(user, context)
            : enrollments.begin(user, context);
    SessionStages.hold(request, ATTEMPT, user, started.id());
    return "redirect:/register/scan";
  }

  /** Step 2: the QR code, or the time-out page if the step's deadline passed. */
  @GetMapping("/scan")
  public String scan(HttpServletRequest request, HttpServletResponse response, Model model) {
    User user = currentUser.require();
    Lockout.requireActive(user);
    Optional<Enrollment> current = enrollments.current(user, context(request, user));
    if (current.isEmpty() || !SessionStages.holds(request, ATTEMPT, user, current.get().id())) {
      // Nothing pending, or another session's attempt: step 1 starts one of this session's own.
      return "redirect:/register";
    }
    return pageFor(current.get(), user, request, response, model);
  }

  /** Step 3: the code from the app. */
  @PostMapping("/confirm")
  public String confirm(
      @RequestParam(name = "enrollment", defaultValue = "") String enrollmentId,
      @RequestParam(name = "code", defaultValue = "") String code,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model) {
    User user = currentUser.require();
    UUID id = parseId(enrollmentId);
    if (!SessionStages.holds(request, ATTEMPT, user, id)) {
      // Only the session that was shown the secret confirms it (issue 12). Another user's attempt
      // is forbidden (and audited), an unknown one not found, and this user's own attempt from
      // another browser session a conflict: Next there gives this session a fresh secret.
      enrollments.refuseFromOtherSession(user, id, context(request, user));
    }
    try {
      enrollments.confirm(user, id, code.strip(), context(request, user));
      // A push registration left open elsewhere cannot complete after this one (issue 12).
      pushRegistrations.supersedePending(user, context(request, user));
      // The first code from the new authenticator proves it: the session has a factor now.
      stages.factorProven(request, response);
      return "redirect:/register/done";
    } catch (LatchkeyException e) {
      if (e.code() == ErrorCode.INVALID_CODE) {
        Optional<Enrollment> current = enrollments.current(user, context(request, user));
        if (current.isPresent() && current.get().state().pending()) {
          response.setStatus(e.code().httpStatus());
          model.addAttribute("error", errors.envelope(e.code(), request).error());
          return scanPage(current.get(), user, model);
        }
      }
      if (e.code() == ErrorCode.ENROLLMENT_TIMED_OUT) {
        return timeoutPage(request, response, model);
      }
      throw e;
    }
  }

  /** "Next" on the time-out page: a fresh secret; the old one is gone. */
  @PostMapping("/retry")
  public String retry(HttpServletRequest request) {
    User user = currentUser.require();
    RequestContext context = context(request, user);
    Enrollment next =
        othersPending(user, request, context)
            ? enrollments.replacePending(user, context)
            : enrollments.retry(user, context);
    SessionStages.hold(request, ATTEMPT, user, next.id());
    return "redirect:/register/scan";
  }

  /** Whether the user has a pending attempt that this session did not start. */
  private boolean othersPending(User user, HttpServletRequest request, RequestContext context) {
    return enrollments
        .current(user, context)
        .filter(e -> e.state().pending())
        .filter(e -> !SessionStages.holds(request, ATTEMPT, user, e.id()))
        .isPresent();
  }

  /** Done: the user's registered methods, and their recent security notices. */
  @GetMapping("/done")
  public String done(Model model, Locale locale) {
    User user = currentUser.require();
    var registered = methods.listByUser(user.id());
    if (registered.isEmpty()) {
      return "redirect:/register";
    }
    model.addAttribute("user", user);
    model.addAttribute("methods", AccountController.views(registered));
    model.addAttribute("backupCodes", backupCodes.summary(user.id()));
    model.addAttribute(
        "notices",
        notices.recent(user.id(), RECENT_NOTICES).stream()
            .map(n -> noticeTexts.view(n, locale))
            .toList());
    return "register/done";
  }

  private String pageFor(
      Enrollment enrollment,
      User user,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model) {
    if (enrollment.state() == EnrollmentState.COMPLETED) {
      return "redirect:/register/done";
    }
    if (enrollment.state() == EnrollmentState.TIMED_OUT) {
      enrollments.timeoutShown(enrollment, user, context(request, user));
      return timeoutPage(request, response, model);
    }
    if (!enrollment.state().pending()) {
      return "redirect:/register";
    }
    return scanPage(enrollment, user, model);
  }

  private String scanPage(Enrollment enrollment, User user, Model model) {
    var otpauth = enrollments.uriFor(enrollment, user);
    String uri = otpauth.toUriString();
    model.addAttribute("user", user);
    model.addAttribute("enrollmentId", enrollment.id());
    model.addAttribute(
        "qrPng",
        "data:image/png;base64," + Base64.getEncoder().encodeToString(QrCodes.png(uri, 280)));
    model.addAttribute("secretGroups", group(enrollment.secret().base32()));
    model.addAttribute("parameters", enrollment.parameters());
    model.addAttribute("issuer", otpauth.issuer());
    model.addAttribute("deadlineText", PageModel.time(enrollment.deadline()));
    long seconds =
        Math.max(0, Duration.between(clock.instant(), enrollment.deadline()).toSeconds());
    model.addAttribute("secondsLeft", seconds);
    model.addAttribute("minutesLeft", (seconds + 59) / 60);
    return "register/scan";
  }

  private String timeoutPage(
      HttpServletRequest request, HttpServletResponse response, Model model) {
    response.setStatus(ErrorCode.ENROLLMENT_TIMED_OUT.httpStatus());
    model.addAttribute("error", errors.envelope(ErrorCode.ENROLLMENT_TIMED_OUT, request).error());
    return "register/timeout";
  }

  private static String group(String base32) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < base32.length(); i += 4) {
      if (i > 0) {
        out.append(' ');
      }
      out.append(base32, i, Math.min(base32.length(), i + 4));
    }
    return out.toString();
  }

  private static UUID parseId(String text) {
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw new LatchkeyException(ErrorCode.BAD_REQUEST, "not a registration ID");
    }
  }

  private static RequestContext context(HttpServletRequest request, User user) {
    return Correlation.context(request, user.username().value());
  }
}
