package io.latchkey.server.pages.admin;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.AuditQuery;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.method.MethodRepository;
import io.latchkey.core.push.ChallengeService;
import io.latchkey.core.push.PushBlock;
import io.latchkey.core.recovery.RegistrationLinks;
import io.latchkey.core.user.AccountLifecycle;
import io.latchkey.core.user.Accounts;
import io.latchkey.core.user.User;
import io.latchkey.server.web.PublicUrl;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * One user: status (and who blocked or disabled them, why, since when), methods (when and from
 * where registered, last used), recent events, and the actions. Each action is a POST with a
 * required reason through the same core service as the REST API, audited with the acting
 * administrator; the answer is the user's page again with what happened.
 */
@Controller
public class ConsoleUserController implements AdminPage {
  static final int EVENTS_SHOWN = 50;
  static final int MAX_REASON = 500;

  private final ActingAdmin admin;
  private final Accounts accounts;
  private final AccountLifecycle lifecycle;
  private final MethodRepository methods;
  private final ChallengeService pushes;
  private final AuditLog audit;
  private final ConsoleErrors errors;
  private final RegistrationLinks links;
  private final PublicUrl publicUrl;

  public ConsoleUserController(
      ActingAdmin admin,
      Accounts accounts,
      AccountLifecycle lifecycle,
      MethodRepository methods,
      ChallengeService pushes,
      AuditLog audit,
      ConsoleErrors errors,
      RegistrationLinks links,
      PublicUrl publicUrl) {
    this.admin = admin;
    this.accounts = accounts;
    this.lifecycle = lifecycle;
    this.methods = methods;
    this.pushes = pushes;
    this.audit = audit;
    this.errors = errors;
    this.links = links;
    this.publicUrl = publicUrl;
  }

  @GetMapping("/admin/users/{username}")
  public String show(@PathVariable("username") String username, Model model) {
    admin.require();
    return userPage(accounts.require(username), model);
  }

  /** The actions of the user's page, by the last segment of the form's path. */
  @PostMapping("/admin/users/{username}/{action}")
  public String act(
      @PathVariable("username") String username,
      @PathVariable("action") String action,
      @RequestParam(name = "reason", defaultValue = "") String reason,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model,
      RedirectAttributes flash) {
    RequestContext context = admin.context(request);
    User user = accounts.require(username);
    try {
      String why = reason(reason);
      switch (action) {
        case "block" -> lifecycle.block(user, why, context);
        case "unblock" -> lifecycle.unblock(user, why, context);
        case "disable" -> lifecycle.disable(user, why, context);
        case "enable" -> flash.addFlashAttribute("removed", lifecycle.enable(user, why, context));
        case "reset-mfa" ->
            flash.addFlashAttribute("removed", lifecycle.resetMfa(user, why, context));
        case "resume-pushes" -> {
          if (!pushes.liftPause(user, why, context)) {
            throw new LatchkeyException(ErrorCode.CONFLICT, "pushes to this user are not paused");
          }
        }
        default -> throw new LatchkeyException(ErrorCode.NOT_FOUND, "no such action: " + action);
      }
    } catch (LatchkeyException refused) {
      if (refused.code() == ErrorCode.NOT_FOUND) {
        throw refused;
      }
      response.setStatus(refused.code().httpStatus());
      model.addAttribute("error", errors.envelope(refused, request));
      return userPage(accounts.require(username), model);
    }
    flash.addFlashAttribute("done", action);
    flash.addFlashAttribute("doneKey", "admin.done." + action);
    return "redirect:/admin/users/{username}";
  }

  /**
   * Issues a one-time registration link and shows it on the user's page, once (only its hash is
   * stored). Its own mapping, before the generic actions: it answers with the link, not a redirect.
   */
  @PostMapping("/admin/users/{username}/registration-link")
  public String registrationLink(
      @PathVariable("username") String username,
      @RequestParam(name = "hours", defaultValue = "24") String hours,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model) {
    RequestContext context = admin.context(request);
    User user = accounts.require(username);
    response.setHeader("Cache-Control", "no-store");
    try {
      long lifetime = parseHours(hours);
      RegistrationLinks.Issued issued = links.issue(user, Duration.ofHours(lifetime), context);
      model.addAttribute("issuedLink", publicUrl.of(request) + "/enroll/" + issued.token());
      model.addAttribute("issuedLinkUntil", ConsoleViews.at(issued.link().expiresAt()));
    } catch (LatchkeyException refused) {
      response.setStatus(refused.code().httpStatus());
      model.addAttribute("error", errors.envelope(refused, request));
    }
    return userPage(accounts.require(username), model);
  }

  private static long parseHours(String text) {
    try {
      long hours = Long.parseLong(text.strip());
      if (hours >= 1 && hours <= RegistrationLinks.MAX_LIFETIME.toHours()) {
        return hours;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new LatchkeyException(
        ErrorCode.BAD_REQUEST, "a registration link lasts from 1 hour to 7 days (168 hours)");
  }

  /** A reason is required for every action (as {@code latchkey admin} requires --reason). */
  private static String reason(String typed) {
    if (typed.isBlank()) {
      throw new LatchkeyException(ErrorCode.BAD_REQUEST, "a reason is required");
    }
    if (typed.length() > MAX_REASON) {
      throw new LatchkeyException(
          ErrorCode.BAD_REQUEST, "a reason has at most " + MAX_REASON + " characters");
    }
    return typed.strip();
  }

  private String userPage(User user, Model model) {
    model.addAttribute("user", ConsoleViews.UserRow.of(user, 0));
    model.addAttribute("failedAttempts", user.failedAttempts());
    model.addAttribute("statusSince", ConsoleViews.at(user.blockedAt()));
    model.addAttribute("statusReason", user.blockedReason());
    model.addAttribute("statusBy", statusBy(user).orElse(null));
    model.addAttribute(
        "methods", methods.listByUser(user.id()).stream().map(ConsoleViews.MethodRow::of).toList());
    Optional<PushBlock> pause = pushes.pause(user);
    model.addAttribute("pausedSince", pause.map(p -> ConsoleViews.at(p.blockedAt())).orElse(null));
    model.addAttribute("pausedReason", pause.map(PushBlock::reason).orElse(null));
    model.addAttribute(
        "pausedCause", pause.map(p -> p.cause() == null ? null : p.cause().value()).orElse(null));
    model.addAttribute(
        "events",
        audit
            .search(
                new AuditQuery(null, user.id(), null, null, null, null, EVENTS_SHOWN)
                    .newestFirstQuery())
            .stream()
            .map(ConsoleViews.EventRow::of)
            .toList());
    model.addAttribute("eventsShown", EVENTS_SHOWN);
    return "admin/user";
  }

  /**
   * Who put the user in their status, from the audit log: the administrator of the latest block or
   * disabling, or the system for an automatic block.
   */
  private Optional<StatusBy> statusBy(User user) {
    AuditEventType type =
        switch (user.status()) {
          case BLOCKED -> AuditEventType.USER_BLOCKED;
          case DISABLED -> AuditEventType.USER_DISABLED;
          case ACTIVE -> null;
        };
    if (type == null) {
      return Optional.empty();
    }
    List<AuditEvent> latest =
        audit.search(new AuditQuery(null, user.id(), type, null, null, null, 1).newestFirstQuery());
    return latest.stream()
        .findFirst()
        .map(
            e ->
                new StatusBy(
                    e.actor().isEmpty() ? "system" : e.actor(),
                    !e.reason().equals("admin"),
                    e.correlationId() == null ? null : e.correlationId().value()));
  }

  /**
   * @param automatic not an administrator's action (e.g. too many failed codes)
   */
  record StatusBy(String actor, boolean automatic, String correlationId) {}
}
