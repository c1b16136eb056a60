package io.latchkey.server.pages;

import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.user.PasswordChanges;
import io.latchkey.core.user.User;
import io.latchkey.core.verification.Lockout;
import io.latchkey.server.security.SignedInUser;
import io.latchkey.server.web.Correlation;
import io.latchkey.server.web.ErrorResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Set;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The password page (issue 14): a user changes their password with the current one (the stage gate
 * asks for a factor proven within the step-up window first), or, when an administrator set it (or
 * it is the first start's), chooses their own before any other page. The session making the change
 * stays signed in with a new session ID; every other session and token of the user ends.
 */
@Controller
public class PasswordController {
  /** Refusals shown on the form itself; anything else is the error page. */
  private static final Set<ErrorCode> ON_THE_FORM =
      Set.of(
          ErrorCode.PASSWORD_TOO_SHORT,
          ErrorCode.PASSWORD_TOO_LONG,
          ErrorCode.PASSWORD_TOO_COMMON,
          ErrorCode.PASSWORD_UNCHANGED,
          ErrorCode.PASSWORDS_DIFFER,
          ErrorCode.CURRENT_PASSWORD_WRONG,
          ErrorCode.RATE_LIMITED);

  /** Longer than any password accepted: refused as too long without hashing it. */
  private static final int MAX_FIELD = 4096;

  private final CurrentUser currentUser;
  private final PasswordChanges passwords;
  private final ErrorResponses errors;

  public PasswordController(
      CurrentUser currentUser, PasswordChanges passwords, ErrorResponses errors) {
    this.currentUser = currentUser;
    this.passwords = passwords;
    this.errors = errors;
  }

  @GetMapping("/account/password")
  public String form(Model model) {
    User user = currentUser.require();
    Lockout.requireActive(user);
    return page(user, model);
  }

  @PostMapping("/account/password")
  public String change(
      @RequestParam(name = "current", defaultValue = "") String current,
      @RequestParam(name = "password", defaultValue = "") String password,
      @RequestParam(name = "confirm", defaultValue = "") String confirm,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model) {
    User user = currentUser.require();
    Lockout.requireActive(user);
    RequestContext context = Correlation.context(request, user.username().value());
    boolean required = required(user);
    try {
      if (!password.equals(confirm)) {
        throw passwords.refuse(
            user, ErrorCode.PASSWORDS_DIFFER, "the confirmation differed", context);
      }
      String typed = password.length() > MAX_FIELD ? password.substring(0, MAX_FIELD) : password;
      String keep = request.getSession().getId();
      if (required) {
        passwords.changeRequiredNow(user, typed, keep, context);
      } else {
        passwords.changeOwn(user, current, typed, keep, context);
      }
    } catch (LatchkeyException e) {
      if (!ON_THE_FORM.contains(e.code())) {
        throw e;
      }
      response.setStatus(e.code().httpStatus());
      model.addAttribute("error", errors.envelope(e.code(), request).error());
      return page(user, model);
    }
    // A new session ID for the session that now holds the new password.
    request.changeSessionId();
    return "redirect:/account?done=password";
  }

  private String page(User user, Model model) {
    model.addAttribute("user", user);
    model.addAttribute("required", required(user));
    model.addAttribute("minLength", passwords.rules().minLength());
    return "password";
  }

  /** A required change, for a session that began with the password (a link's session has none). */
  private boolean required(User user) {
    return SessionStages.current().map(who -> who.via() == SignedInUser.Via.PASSWORD).orElse(false)
        && passwords.changeRequired(user);
  }
}
