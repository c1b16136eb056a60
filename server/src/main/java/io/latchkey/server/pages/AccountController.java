package io.latchkey.server.pages;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.backupcode.BackupCodes;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.method.Method;
import io.latchkey.core.method.MethodId;
import io.latchkey.core.method.UserMethods;
import io.latchkey.core.notice.Notices;
import io.latchkey.core.user.User;
import io.latchkey.core.verification.Lockout;
import io.latchkey.server.notice.NoticeTexts;
import io.latchkey.server.web.Correlation;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * A user's own page: their authenticators (when and from where each was registered), adding and
 * removing one, and backup codes. Every change needs a second factor proven within the step-up
 * window (SECURITY-TESTS D3); an older session is sent to prove it again, then comes back here.
 */
@Controller
@RequestMapping("/account")
public class AccountController {
  private final CurrentUser currentUser;
  private final SessionStages stages;
  private final UserMethods methods;
  private final BackupCodes backupCodes;
  private final AuditLog audit;
  private final Notices notices;
  private final NoticeTexts noticeTexts;
  private final Clock clock;

  public AccountController(
      CurrentUser currentUser,
      SessionStages stages,
      UserMethods methods,
      BackupCodes backupCodes,
      AuditLog audit,
      Notices notices,
      NoticeTexts noticeTexts,
      Clock clock) {
    this.currentUser = currentUser;
    this.stages = stages;
    this.methods = methods;
    this.backupCodes = backupCodes;
    this.audit = audit;
    this.notices = notices;
    this.noticeTexts = noticeTexts;
    this.clock = clock;
  }

  @GetMapping
  public String page(
      @RequestParam(name = "done", required = false) String done,
      Model model,
      java.util.Locale locale) {
    User user = currentUser.require();
    Lockout.requireActive(user);
    if (!stages.hasFactor(user)) {
      return "redirect:/register";
    }
    model.addAttribute("user", user);
    model.addAttribute("methods", views(methods.list(user.id())));
    model.addAttribute("backupCodes", backupCodes.summary(user.id()));
    model.addAttribute(
        "notices",
        notices.recent(user.id(), RegistrationController.RECENT_NOTICES).stream()
            .map(n -> noticeTexts.view(n, locale))
            .toList());
    if (done != null && List.of("removed", "added", "signedOut", "password").contains(done)) {
      model.addAttribute("notice", "account.done." + done);
    }
    return "account";
  }

  /** Removes one of the user's methods (an old phone, an entry deleted by mistake). */
  @PostMapping("/methods/remove")
  public String remove(
      @RequestParam(name = "method", defaultValue = "") String methodId,
      HttpServletRequest request) {
    User user = currentUser.require();
    methods.remove(
        user, new MethodId(parse(methodId)), Correlation.context(request, user.username().value()));
    return "redirect:/account?done=removed";
  }

  /** Issues a new set of backup codes (the old set stops working) and shows it, once. */
  @PostMapping("/backup-codes")
  public String backupCodes(HttpServletRequest request, HttpServletResponse response, Model model) {
    User user = currentUser.require();
    BackupCodes.Issued issued =
        backupCodes.generate(user, Correlation.context(request, user.username().value()));
    response.setHeader("Cache-Control", "no-store");
    model.addAttribute("user", user);
    model.addAttribute("codes", issued.codes());
    model.addAttribute("issuedAt", PageModel.minutes(issued.at()));
    return "backup-codes";
  }

  /** Signs the user out of every other browser (a lost or shared computer, after a recovery). */
  @PostMapping("/sessions/end-others")
  public String endOtherSessions(HttpServletRequest request) {
    User user = currentUser.require();
    int ended = stages.endOtherSessions(request);
    audit.record(
        AuditEvent.of(
                AuditEventType.OTHER_SESSIONS_ENDED,
                Correlation.context(request, user.username().value()),
                clock.instant())
            .user(user.id(), user.username().value())
            .detail(ended + " other browser session(s) signed out by the user")
            .build());
    return "redirect:/account?done=signedOut";
  }

  /** A registered method as the account page shows it. */
  public record MethodView(
      String id, String kind, String registered, String ip, String userAgent, String lastUsed) {}

  static List<MethodView> views(List<Method> methods) {
    return methods.stream()
        .map(
            m ->
                new MethodView(
                    m.id().toString(),
                    m.kind().name(),
                    PageModel.minutes(m.createdAt()),
                    m.registeredIp(),
                    m.registeredUserAgent(),
                    PageModel.minutes(m.lastUsedAt())))
        .toList();
  }

  private static UUID parse(String text) {
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw new LatchkeyException(ErrorCode.BAD_REQUEST, "not a method ID");
    }
  }
}
