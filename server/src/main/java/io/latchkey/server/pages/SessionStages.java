package io.latchkey.server.pages;

import io.latchkey.core.backupcode.BackupCodes;
import io.latchkey.core.method.MethodRepository;
import io.latchkey.core.policy.Policies;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserRepository;
import io.latchkey.server.config.BrowserSessionProperties;
import io.latchkey.server.config.LatchkeyProperties;
import io.latchkey.server.security.AllUserSessions;
import io.latchkey.server.security.PageAccess;
import io.latchkey.server.security.PasswordAuthenticationProvider;
import io.latchkey.server.security.SignedInUser;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.stereotype.Component;

/**
 * The stages of a browser session (SECURITY-TESTS J3, issue 12): a password (or a registration
 * link) opens it, always as a brand-new session with nothing carried over; a user who has a factor
 * must then prove it before any page but the second-factor step; adding an authenticator and other
 * changes need it proven within the step-up window. Each change of stage is a new session ID, so a
 * session ID planted before sign-in is worth nothing after it. {@link #verdict} is the one decision
 * of what a session may do, for the {@link io.latchkey.server.security.StageGate}.
 */
@Component
public class SessionStages {
  /** The session attribute holding when the session was signed in (an {@link Instant}). */
  static final String SIGNED_IN_AT = SessionStages.class.getName() + ".signedInAt";

  private final SecurityContextRepository contexts;
  private final MethodRepository methods;
  private final BackupCodes backupCodes;
  private final LatchkeyProperties properties;
  private final AllUserSessions sessions;
  private final UserRepository users;
  private final Policies policies;
  private final BrowserSessionProperties lifetime;
  private final Clock clock;

  public SessionStages(
      SecurityContextRepository contexts,
      MethodRepository methods,
      BackupCodes backupCodes,
      LatchkeyProperties properties,
      AllUserSessions sessions,
      UserRepository users,
      Policies policies,
      BrowserSessionProperties lifetime,
      Clock clock) {
    this.contexts = contexts;
    this.methods = methods;
    this.backupCodes = backupCodes;
    this.properties = properties;
    this.sessions = sessions;
    this.users = users;
    this.policies = policies;
    this.lifetime = lifetime;
    this.clock = clock;
  }

  /** What a route gets from {@link #verdict}. */
  public enum Verdict {
    ALLOW,
    /** The session has the password (or a link) alone: prove the second factor first. */
    PROVE_FACTOR,
    /** The factor was proven longer ago than the step-up window: prove it again. */
    STEP_UP,
    /** Nothing to prove yet, and the route needs a factor: register one first. */
    REGISTER_FIRST,
    /** Nothing to prove, and the first registration after a reset or an enable needs a link. */
    LINK_REQUIRED,
    /** Not an administrator. */
    FORBIDDEN,
    /**
     * The password was set by an administrator (or is the first start's): change it first, on the
     * password page (issue 14).
     */
    CHANGE_PASSWORD
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

  /**
   * Opens a session for {@code user} (a password or a link): always a brand-new session, with a new
   * ID and nothing of the browser's earlier session (another user's registration in progress, a
   * saved page, a step-up), so that nothing one user started can be finished as another.
   */
  public void open(
      User user, SignedInUser.Via via, HttpServletRequest request, HttpServletResponse response) {
    HttpSession old = request.getSession(false);
    if (old != null) {
      old.invalidate();
    }
    SecurityContextHolder.clearContext();
    request.getSession(true).setAttribute(SIGNED_IN_AT, clock.instant());
    save(
        new SignedInUser(user.id(), user.username().value(), user.admin(), via, null),
        request,
        response);
  }

  /**
   * Whether the request's session was signed in longer ago than {@code
   * latchkey.session.absolute-lifetime}: it then ends, however active it has been. A session opened
   * before the sign-in time was recorded counts from its creation.
   */
  public boolean pastLifetime(HttpServletRequest request) {
    HttpSession session = request.getSession(false);
    if (session == null) {
      return false;
    }
    Instant signedInAt =
        session.getAttribute(SIGNED_IN_AT) instanceof Instant at
            ? at
            : Instant.ofEpochMilli(session.getCreationTime());
    return !clock.instant().isBefore(signedInAt.plus(lifetime.absoluteLifetime()));
  }

  /** How long after its sign-in a session ends. */
  public java.time.Duration lifetime() {
    return lifetime.absoluteLifetime();
  }

  /** The session proved a second factor now: a new session ID and the time recorded. */
  public void factorProven(HttpServletRequest request, HttpServletResponse response) {
    SignedInUser who =
        current().orElseThrow(() -> new IllegalStateException("no signed-in session"));
    request.changeSessionId();
    save(who.withFactorAt(clock.instant()), request, response);
    // A user who has proven a factor and later has none left (removed the last method, spent the
    // last backup code) registers again only with a link, as after a reset: never with the password
    // alone, which may be all an attacker has.
    users.setRegistrationLinkRequired(who.userId(), true);
  }

  /**
   * The one decision of what the session {@code who} of {@code user} (read fresh) may do on a route
   * that needs {@code need}.
   *
   * @param path the route's servlet path
   */
  public Verdict verdict(
      PageAccess.Requirement need,
      SignedInUser who,
      User user,
      String path,
      HttpServletRequest request) {
    boolean link = who.via() == SignedInUser.Via.REGISTRATION_LINK;
    boolean proven = who.factorProven();
    boolean fresh = who.factorProvenWithin(properties.stepUpWindow(), clock.instant());
    boolean mustChange =
        who.via() == SignedInUser.Via.PASSWORD
            && need != PageAccess.Requirement.OPEN
            && users.passwordChangeRequired(user.id());
    Verdict verdict = stageVerdict(need, user, path, request, link, proven, fresh, mustChange);
    // After the password (and the factor, if the user has one), every page but the password page
    // and sign-out leads to the password page until the password is changed.
    boolean passes =
        verdict == Verdict.ALLOW
            || verdict == Verdict.REGISTER_FIRST
            || verdict == Verdict.LINK_REQUIRED;
    return mustChange
            && passes
            && need != PageAccess.Requirement.SIGNED_IN
            && need != PageAccess.Requirement.PASSWORD
        ? Verdict.CHANGE_PASSWORD
        : verdict;
  }

  private Verdict stageVerdict(
      PageAccess.Requirement need,
      User user,
      String path,
      HttpServletRequest request,
      boolean link,
      boolean proven,
      boolean fresh,
      boolean mustChange) {
    return switch (need) {
      case OPEN -> Verdict.ALLOW;
      // A link's session only registers: it does not prove a factor in place of a password.
      case SIGNED_IN ->
          link && !proven && !path.equals("/logout") ? Verdict.REGISTER_FIRST : Verdict.ALLOW;
      case REGISTER -> mayRegister(user, link, proven, fresh);
      case OWN_PUSH_FLOW -> {
        Verdict register = mayRegister(user, link, proven, fresh);
        yield register == Verdict.ALLOW || ownsPushFlow(request, user) ? Verdict.ALLOW : register;
      }
      case FACTOR -> proven ? Verdict.ALLOW : withoutFactor(user, link);
      case STEP_UP -> fresh ? Verdict.ALLOW : proven ? Verdict.STEP_UP : withoutFactor(user, link);
      case PASSWORD ->
          mustChange
              ? proven || !hasFactor(user) ? Verdict.ALLOW : Verdict.PROVE_FACTOR
              : fresh ? Verdict.ALLOW : proven ? Verdict.STEP_UP : withoutFactor(user, link);
      case ADMIN ->
          !user.admin() ? Verdict.FORBIDDEN : proven ? Verdict.ALLOW : withoutFactor(user, link);
      case ADMIN_STEP_UP ->
          !user.admin()
              ? Verdict.FORBIDDEN
              : fresh ? Verdict.ALLOW : proven ? Verdict.STEP_UP : withoutFactor(user, link);
    };
  }

  /**
   * Whether the session may add an authenticator: a registration link, a factor proven within the
   * step-up window, or a user with nothing to prove yet (the first registration), unless a reset or
   * an enable asked for a link and the policy does not let the password alone.
   */
  private Verdict mayRegister(User user, boolean link, boolean proven, boolean fresh) {
    if (link || fresh) {
      return Verdict.ALLOW;
    }
    if (hasFactor(user)) {
      return proven ? Verdict.STEP_UP : Verdict.PROVE_FACTOR;
    }
    return linkRequired(user) ? Verdict.LINK_REQUIRED : Verdict.ALLOW;
  }

  /** A session that has not proven a factor, on a route that needs one. */
  private Verdict withoutFactor(User user, boolean link) {
    if (link || hasFactor(user)) {
      return link ? Verdict.REGISTER_FIRST : Verdict.PROVE_FACTOR;
    }
    return linkRequired(user) ? Verdict.LINK_REQUIRED : Verdict.REGISTER_FIRST;
  }

  private boolean linkRequired(User user) {
    return users.registrationLinkRequired(user.id())
        && !policies.current().policy().passwordAfterReset();
  }

  /** Whether this request's session may register an authenticator now (the REGISTER rule). */
  public boolean mayRegister(HttpServletRequest request, User user) {
    return current()
        .map(
            who ->
                verdict(PageAccess.Requirement.REGISTER, who, user, "/register", request)
                    == Verdict.ALLOW)
        .orElse(false);
  }

  /**
   * Remembers in the session that it started (or was shown) the registration attempt {@code
   * attempt} of {@code user}: only this session sees that attempt's secret or activation code, and
   * only it completes it (issue 12).
   */
  public static void hold(HttpServletRequest request, String marker, User user, UUID attempt) {
    request.getSession().setAttribute(marker, user.id().value() + ":" + attempt);
  }

  /** Whether the session holds exactly the attempt {@code attempt} of {@code user}. */
  public static boolean holds(HttpServletRequest request, String marker, User user, UUID attempt) {
    HttpSession session = request.getSession(false);
    return session != null
        && (user.id().value() + ":" + attempt).equals(session.getAttribute(marker));
  }

  /** The session shows a push registration it started itself, for this very user. */
  private static boolean ownsPushFlow(HttpServletRequest request, User user) {
    HttpSession session = request.getSession(false);
    return session != null
        && session.getAttribute(PushRegistrationController.FLOW) instanceof String marker
        && marker.startsWith(user.id().value() + ":");
  }

  /** The session's stage in words, for the audit record of a refusal. */
  public static String describe(SignedInUser who) {
    String how =
        who.via() == SignedInUser.Via.REGISTRATION_LINK ? "a registration link" : "a password";
    return who.factorProven()
        ? "began with " + how + " and proved a second factor at " + who.factorAt()
        : "began with " + how + " and has not proven a second factor";
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

  private void save(SignedInUser who, HttpServletRequest request, HttpServletResponse response) {
    SecurityContext context = SecurityContextHolder.createEmptyContext();
    context.setAuthentication(PasswordAuthenticationProvider.authenticated(who));
    SecurityContextHolder.setContext(context);
    contexts.saveContext(context, request, response);
  }
}
