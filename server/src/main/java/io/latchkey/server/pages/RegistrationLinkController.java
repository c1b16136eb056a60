package io.latchkey.server.pages;

import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.recovery.RegistrationLinks;
import io.latchkey.core.user.User;
import io.latchkey.server.security.SignedInUser;
import io.latchkey.server.web.Correlation;
import io.latchkey.server.web.ErrorResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;

/**
 * A one-time registration link an administrator sent. Opening it shows whom it is for and asks to
 * continue; only the POST of that form redeems it (a mail scanner that fetches the link does not
 * use it up), opening a session that may register an authenticator and nothing else until it has.
 */
@Controller
public class RegistrationLinkController {
  private final RegistrationLinks links;
  private final SessionStages stages;
  private final ErrorResponses errors;

  public RegistrationLinkController(
      RegistrationLinks links, SessionStages stages, ErrorResponses errors) {
    this.links = links;
    this.stages = stages;
    this.errors = errors;
  }

  @GetMapping("/enroll/{token}")
  public String open(
      @PathVariable("token") String token,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model) {
    response.setHeader("Cache-Control", "no-store");
    User user;
    try {
      user = links.peek(token, Correlation.context(request, "registration-link"));
    } catch (LatchkeyException e) {
      response.setStatus(e.code().httpStatus());
      model.addAttribute("error", errors.envelope(e.code(), request).error());
      return "enroll";
    }
    model.addAttribute("linkUser", user);
    model.addAttribute("token", token);
    return "enroll";
  }

  @PostMapping("/enroll/{token}")
  public String redeem(
      @PathVariable("token") String token,
      HttpServletRequest request,
      HttpServletResponse response) {
    User user = links.redeem(token, Correlation.context(request, "registration-link"));
    // Whoever was signed in in this browser before is signed out: the link's user takes over.
    SecurityContextHolder.clearContext();
    stages.open(user, SignedInUser.Via.REGISTRATION_LINK, request, response);
    return "redirect:/register";
  }
}
