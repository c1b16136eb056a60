package io.latchkey.server.pages;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.user.Accounts;
import io.latchkey.core.user.User;
import io.latchkey.server.security.SignedInUser;
import io.latchkey.server.web.Correlation;
import io.latchkey.server.web.ErrorHandling;
import io.latchkey.server.web.ErrorResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Sign-in with a password, the first step of the wizard. Done here rather than by Spring's form
 * login so that a failure shows the same error envelope (code, correlation ID, time) as every other
 * page. A new session ID is issued on success (session fixation); a user who has a factor proves it
 * next, at {@code /login/verify}.
 */
@Controller
public class LoginController {
  private final Accounts accounts;
  private final SessionStages stages;
  private final ErrorResponses errors;
  private final HttpSessionRequestCache requestCache = new HttpSessionRequestCache();

  public LoginController(Accounts accounts, SessionStages stages, ErrorResponses errors) {
    this.accounts = accounts;
    this.stages = stages;
    this.errors = errors;
  }

  @GetMapping("/login")
  public String form(HttpServletRequest request, Model model) {
    if (request.getParameter("expired") != null) {
      model.addAttribute("notice", "login.expired");
    } else if (request.getParameter("signedOut") != null) {
      model.addAttribute("notice", "login.signedOut");
    }
    return "login";
  }

  @PostMapping("/login")
  public String signIn(
      @RequestParam(name = "username", defaultValue = "") String username,
      @RequestParam(name = "password", defaultValue = "") String password,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model) {
    User user;
    try {
      if (username.length() > 200 || password.length() > 1000) {
        throw new LatchkeyException(ErrorCode.UNAUTHORIZED, "input too long");
      }
      user = accounts.signIn(username, password, Correlation.context(request, username));
    } catch (LatchkeyException e) {
      // Only two answers, whoever the name belongs to (SECURITY-TESTS A5): the log has the rest.
      ErrorCode code =
          e.code() == ErrorCode.RATE_LIMITED ? ErrorCode.RATE_LIMITED : ErrorCode.UNAUTHORIZED;
      response.setStatus(code.httpStatus());
      ErrorHandling.retryAfter(code, e, response);
      model.addAttribute("error", errors.envelope(code, request).error());
      model.addAttribute("username", username.length() > 200 ? "" : username);
      return "login";
    }
    SavedRequest saved = requestCache.getRequest(request, response);
    requestCache.removeRequest(request, response);
    stages.open(user, SignedInUser.Via.PASSWORD, request, response);
    if (stages.hasFactor(user)) {
      // The password alone opens nothing more: the second factor comes next (J3).
      if (saved != null) {
        request
            .getSession()
            .setAttribute(
                SecondFactorController.NEXT,
                LocalPaths.ofSavedRequest(saved.getRedirectUrl(), "/account"));
      }
      return "redirect:/login/verify";
    }
    return "redirect:"
        + (saved != null
            ? LocalPaths.ofSavedRequest(saved.getRedirectUrl(), "/register")
            : "/register");
  }

  /** The account page for a user who has a factor, the wizard for one who has none yet. */
  @GetMapping("/")
  public String home() {
    return "redirect:/account";
  }
}
