package io.latchkey.server.pages;

import io.latchkey.core.backupcode.BackupCodes;
import io.latchkey.core.method.MethodRepository;
import io.latchkey.core.user.User;
import io.latchkey.server.config.LatchkeyProperties;
import io.latchkey.server.security.AllUserSessions;
import io.latchkey.server.security.PasswordAuthenticationProvider;
import io.latchkey.server.security.SignedInUser;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.stereotype.Component;

/**
 * The stages of a browser session (SECURITY-TESTS J3): a password (or a registration link) opens
 * it; a user who has a factor must then prove it before any page but the second-factor step;
 * sensitive changes need it proven within the step-up window. Each change of stage is a new session
 * ID, so a session ID planted before sign-in is worth nothing after it.
 */
@Component
public class SessionStages {
  private final SecurityContextRepository contexts;
  private final MethodRepository methods;
  private final BackupCodes backupCodes;
  private final LatchkeyProperties properties;
  private final AllUserSessions sessions;
  private final Clock clock;

  public SessionStages(
      SecurityContextRepository contexts,
      MethodRepository methods,
      BackupCodes backupCodes,
      LatchkeyProperties properties,
      AllUserSessions sessions,
      Clock clock) {
    this.contexts = contexts;
    this.methods = methods;
    this.backupCodes = backupCodes;
    this.properties = properties;
    this.sessions = sessions;
    this.clock = clock;
  }

  /** The signed-in principal of this request, if any. */
  public static Optional<SignedInUser> current() {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    return authentication != null && authentication.getPrincipal() instanceof SignedInUser who
        ? Optional.of(who)
        : Optional.empty();
  }

  /**
   * Whether the user has something to prove at sign-in: a registered method, or backup codes left
   * (a user who removed their last authenticator must still use a backup code, or anyone with the
   * password alone could register a new one).
   */
  public boolean hasFactor(User user) {
    return !methods.listByUser(user.id()).isEmpty()
        || backupCodes.summary(user.id()).remaining() > 0;
  }

  /** Opens a session for {@code user} (a password or a link): a new session ID. */
  public void open(
      User user, SignedInUser.Via via, HttpServletRequest request, HttpServletResponse response) {
    if (request.getSession(false) != null) {
      request.changeSessionId();
    }
    save(
        new SignedInUser(user.id(), user.username().value(), user.admin(), via, null),
        request,
        response);
  }

  /** The session proved a second factor now: a new session ID and the time recorded. */
  public void factorProven(HttpServletRequest request, HttpServletResponse response) {
    SignedInUser who =
        current().orElseThrow(() -> new IllegalStateException("no signed-in session"));
    request.changeSessionId();
    save(who.withFactorAt(clock.instant()), request, response);
  }

  /** Whether this session proved a factor within the step-up window. */
  public boolean steppedUp() {
    Instant now = clock.instant();
    return current().map(w -> w.factorProvenWithin(properties.stepUpWindow(), now)).orElse(false);
  }

  /**
   * Whether this session may add an authenticator now: a recent factor, a registration link, or a
   * user with nothing to prove yet (the first registration).
   */
  public boolean mayRegister(User user) {
    Optional<SignedInUser> who = current();
    if (who.isEmpty()) {
      return false;
    }
    return steppedUp() || who.get().via() == SignedInUser.Via.REGISTRATION_LINK || !hasFactor(user);
  }

  /**
   * Signs the user out everywhere but here (a phone given away, a recovery; SECURITY-TESTS E4):
   * every other session of theirs in the database is deleted, on every node at once.
   *
   * @return how many sessions were ended
   */
  public int endOtherSessions(HttpServletRequest request) {
    SignedInUser who = current().orElseThrow();
    return sessions.endBrowsers(who.userId(), request.getSession().getId());
  }

  /** Where to send a session that must prove (again) a factor first. */
  public static String stepUpRedirect(String next) {
    return "redirect:/login/verify?next="
        + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8);
  }

  private void save(SignedInUser who, HttpServletRequest request, HttpServletResponse response) {
    SecurityContext context = SecurityContextHolder.createEmptyContext();
    context.setAuthentication(PasswordAuthenticationProvider.authenticated(who));
    SecurityContextHolder.setContext(context);
    contexts.saveContext(context, request, response);
  }
}
