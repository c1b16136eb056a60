package io.latchkey.server.security;

import io.latchkey.core.user.User;
import io.latchkey.core.user.UserRepository;
import io.latchkey.server.pages.SessionStages;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The pages' second stage (SECURITY-TESTS J3): a signed-in session that has not proven a second
 * factor reaches only the second-factor step, signing out, and the registration wizard, the wizard
 * only for a user with nothing to prove yet or a session opened by a registration link. Everything
 * else is sent to {@code /login/verify}. The user is read fresh, so a method registered or removed
 * on another node counts at once.
 */
public final class SecondFactorGate extends OncePerRequestFilter {
  private final SessionStages stages;
  private final UserRepository users;

  public SecondFactorGate(SessionStages stages, UserRepository users) {
    this.stages = stages;
    this.users = users;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Optional<SignedInUser> who = SessionStages.current();
    String path = request.getServletPath();
    if (who.isEmpty() || who.get().factorProven() || open(path)) {
      chain.doFilter(request, response);
      return;
    }
    if (path.equals("/register") || path.startsWith("/register/")) {
      if (who.get().via() == SignedInUser.Via.REGISTRATION_LINK
          || (path.startsWith("/register/push") && registeringPush(request))) {
        chain.doFilter(request, response);
        return;
      }
      Optional<User> user = users.findById(who.get().userId());
      if (user.isEmpty() || !stages.hasFactor(user.get())) {
        chain.doFilter(request, response);
        return;
      }
    }
    if (who.get().via() == SignedInUser.Via.REGISTRATION_LINK) {
      response.sendRedirect(request.getContextPath() + "/register");
      return;
    }
    response.sendRedirect(request.getContextPath() + "/login/verify");
  }

  /** The session shows a push registration in progress (it completes on the phone). */
  private static boolean registeringPush(HttpServletRequest request) {
    jakarta.servlet.http.HttpSession session = request.getSession(false);
    return session != null
        && session.getAttribute(io.latchkey.server.pages.PushRegistrationController.FLOW) != null;
  }

  private static boolean open(String path) {
    return path.equals("/login/verify")
        || path.startsWith("/login/verify/")
        || path.equals("/logout")
        || path.equals("/login")
        || path.equals("/error")
        || path.startsWith("/css/")
        || path.startsWith("/js/")
        || path.equals("/favicon.ico")
        || path.startsWith("/enroll/");
  }
}
