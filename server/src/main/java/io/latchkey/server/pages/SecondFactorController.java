package io.latchkey.server.pages;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.backupcode.BackupCodes;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.push.Challenge;
import io.latchkey.core.push.ChallengeService;
import io.latchkey.core.push.ChallengeState;
import io.latchkey.core.push.PushDeviceRepository;
import io.latchkey.core.user.User;
import io.latchkey.core.verification.Lockout;
import io.latchkey.core.verification.VerificationService;
import io.latchkey.core.verification.VerificationService.Verified;
import io.latchkey.server.security.SignedInUser;
import io.latchkey.server.web.Correlation;
import io.latchkey.server.web.ErrorResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

/**
 * The second step of a browser sign-in, and step-up before a sensitive change: a code from the
 * authenticator app, a backup code, or a push request approved on the phone. Codes go through the
 * same {@link VerificationService} as the API (one failure counter, single use); a push sign-in is
 * bound to this session, which alone may complete it (SECURITY-TESTS F4).
 */
@Controller
@RequestMapping("/login/verify")
public class SecondFactorController {
  /** The push sign-in this session started; only it may complete this session's sign-in. */
  static final String CHALLENGE = SecondFactorController.class.getName() + ".challenge";

  /** Where to go after the factor; kept in the session, not trusted from a later request. */
  public static final String NEXT = SecondFactorController.class.getName() + ".next";

  private final CurrentUser currentUser;
  private final SessionStages stages;
  private final VerificationService verification;
  private final ChallengeService challenges;
  private final PushDeviceRepository devices;
  private final BackupCodes backupCodes;
  private final AuditLog audit;
  private final ErrorResponses errors;
  private final Clock clock;

  public SecondFactorController(
      CurrentUser currentUser,
      SessionStages stages,
      VerificationService verification,
      ChallengeService challenges,
      PushDeviceRepository devices,
      BackupCodes backupCodes,
      AuditLog audit,
      ErrorResponses errors,
      Clock clock) {
    this.currentUser = currentUser;
    this.stages = stages;
    this.verification = verification;
    this.challenges = challenges;
    this.devices = devices;
    this.backupCodes = backupCodes;
    this.audit = audit;
    this.errors = errors;
    this.clock = clock;
  }

  @GetMapping
  public String form(
      @RequestParam(name = "next", required = false) String next,
      HttpServletRequest request,
      Model model) {
    User user = currentUser.require();
    Lockout.requireActive(user);
    if (!stages.hasFactor(user)) {
      return "redirect:/register";
    }
    if (next != null) {
      request.getSession().setAttribute(NEXT, LocalPaths.safe(next, "/account"));
    }
    return formPage(user, model);
  }

  /** A code from the app, or a backup code. */
  @PostMapping
  public String code(
      @RequestParam(name = "code", defaultValue = "") String code,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model) {
    User user = currentUser.require();
    RequestContext context = context(request, user);
    try {
      Verified verified = verification.verify(user, code.strip(), context);
      return proven(
          user, verified.kind().name().toLowerCase(java.util.Locale.ROOT), request, response);
    } catch (LatchkeyException e) {
      response.setStatus(e.code().httpStatus());
      model.addAttribute("error", errors.envelope(e.code(), request).error());
      return formPage(user, model);
    }
  }

  /** "Send a request to my phone". */
  @PostMapping("/push")
  public String startPush(HttpServletRequest request, HttpServletResponse response, Model model) {
    User user = currentUser.require();
    RequestContext context = context(request, user);
    try {
      Challenge challenge = challenges.create(user, "Latchkey sign-in", context.ip(), context);
      request.getSession().setAttribute(CHALLENGE, challenge.id().toString());
      return "redirect:/login/verify/push";
    } catch (LatchkeyException e) {
      response.setStatus(e.code().httpStatus());
      model.addAttribute("error", errors.envelope(e.code(), request).error());
      return formPage(user, model);
    }
  }

  /** The number to type in the app while the request is open; its outcome once answered. */
  @GetMapping("/push")
  public String pushPage(HttpServletRequest request, HttpServletResponse response, Model model) {
    User user = currentUser.require();
    Optional<Challenge> found = ownChallenge(user, request);
    if (found.isEmpty()) {
      return "redirect:/login/verify";
    }
    Challenge challenge = found.get();
    model.addAttribute("state", stateToken(challenge));
    switch (challenge.state()) {
      case PENDING -> {
        long seconds =
            Math.max(0, Duration.between(clock.instant(), challenge.expiresAt()).toSeconds());
        model.addAttribute("number", challenge.number());
        model.addAttribute("secondsLeft", seconds);
        model.addAttribute("deadlineText", PageModel.time(challenge.expiresAt()));
        return "login-verify-push";
      }
      case APPROVED -> {
        return "login-verify-approved";
      }
      default -> {
        ErrorCode code = failure(challenge.state());
        request.getSession().removeAttribute(CHALLENGE);
        response.setStatus(code.httpStatus());
        model.addAttribute("error", errors.envelope(code, request).error());
        return formPage(user, model);
      }
    }
  }

  /** What the push page polls: a token that changes when the request is answered or expires. */
  @GetMapping(path = "/push/status", produces = MediaType.APPLICATION_JSON_VALUE)
  @ResponseBody
  public Map<String, Object> pushStatus(HttpServletRequest request) {
    User user = currentUser.require();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put(
        "state",
        ownChallenge(user, request).map(SecondFactorController::stateToken).orElse("none"));
    return result;
  }

  /** After the phone approved: this session's sign-in is complete. */
  @PostMapping("/push/complete")
  public String completePush(HttpServletRequest request, HttpServletResponse response) {
    User user = currentUser.require();
    Lockout.requireActive(user);
    Optional<Challenge> found = ownChallenge(user, request);
    if (found.isEmpty() || found.get().state() != ChallengeState.APPROVED) {
      return "redirect:/login/verify/push";
    }
    request.getSession().removeAttribute(CHALLENGE);
    return proven(user, "push", request, response);
  }

  private String proven(
      User user, String how, HttpServletRequest request, HttpServletResponse response) {
    SignedInUser before = SessionStages.current().orElseThrow();
    HttpSession session = request.getSession();
    Object next = session.getAttribute(NEXT);
    session.removeAttribute(NEXT);
    stages.factorProven(request, response);
    audit.record(
        AuditEvent.of(
                before.factorProven()
                    ? AuditEventType.STEP_UP_SUCCEEDED
                    : AuditEventType.SIGN_IN_COMPLETED,
                context(request, user),
                clock.instant())
            .user(user.id(), user.username().value())
            .reason(how)
            .detail(
                (before.factorProven() ? "factor proven again (step-up) with " : "signed in with ")
                    + how.replace('_', ' '))
            .build());
    return "redirect:" + (next instanceof String path ? path : "/account");
  }

  private String formPage(User user, Model model) {
    model.addAttribute("user", user);
    model.addAttribute(
        "stepUp", SessionStages.current().map(SignedInUser::factorProven).orElse(false));
    model.addAttribute("push", !devices.listActive(user.id()).isEmpty());
    model.addAttribute("backupCodesLeft", backupCodes.summary(user.id()).remaining());
    return "login-verify";
  }

  private Optional<Challenge> ownChallenge(User user, HttpServletRequest request) {
    HttpSession session = request.getSession(false);
    Object id = session == null ? null : session.getAttribute(CHALLENGE);
    if (!(id instanceof String text)) {
      return Optional.empty();
    }
    try {
      Challenge challenge = challenges.status(UUID.fromString(text), context(request, user));
      return challenge.userId().equals(user.id())
              && challenge.purpose() == Challenge.Purpose.SIGN_IN
          ? Optional.of(challenge)
          : Optional.empty();
    } catch (LatchkeyException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static ErrorCode failure(ChallengeState state) {
    return switch (state) {
      case DENIED, REPORTED -> ErrorCode.CHALLENGE_DENIED;
      case NUMBER_MISMATCH -> ErrorCode.NUMBER_MISMATCH;
      default -> ErrorCode.CHALLENGE_EXPIRED;
    };
  }

  private static String stateToken(Challenge challenge) {
    return challenge.id() + ":" + challenge.state().name();
  }

  private static RequestContext context(HttpServletRequest request, User user) {
    return Correlation.context(request, user.username().value());
  }
}
