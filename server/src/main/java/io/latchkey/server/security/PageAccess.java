package io.latchkey.server.security;

import java.util.List;
import java.util.Locale;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * What each page route asks of a browser session: the one table {@link StageGate} decides by (issue
 * 12). The first row that matches the method and path wins; a route in no row needs a proven
 * factor, so a page added without thought is closed rather than open.
 */
public final class PageAccess {
  /** What a route needs of the session's stage. */
  public enum Requirement {
    /** Anyone, signed in or not: sign-in, static files, a registration link's page. */
    OPEN,
    /** Any signed-in session, even with the password alone: the second-factor step, sign-out. */
    SIGNED_IN,
    /**
     * May register an authenticator: a session opened by a registration link, a factor proven
     * within the step-up window, or a user with nothing to prove yet (the first registration; after
     * a reset or an enable only if the policy lets the password alone).
     */
    REGISTER,
    /**
     * Shows a push registration this very session started for this user ({@link #REGISTER}, or its
     * own flow marker): the page notices the phone's approval, which proves the new factor.
     */
    OWN_PUSH_FLOW,
    /** A second factor proven in this session, however long ago. */
    FACTOR,
    /** A second factor proven within the step-up window: changes to the account. */
    STEP_UP,
    /**
     * The password page (issue 14): as {@link #STEP_UP} for a change of one's own password; for a
     * session whose password must be changed (set by an administrator, or the first start's), its
     * password and the factor proven at this sign-in (or nothing more, for a user with no factor).
     */
    PASSWORD,
    /** An administrator (read fresh) whose session proved a second factor. */
    ADMIN,
    /** An administrator who proved a second factor within the step-up window. */
    ADMIN_STEP_UP
  }

  /** One row: methods ("*" for any), a path pattern, and what it needs. */
  public record Rule(String methods, PathPattern pattern, Requirement requirement) {
    boolean matches(String method, PathContainer path) {
      return (methods.equals("*") || List.of(methods.split(",")).contains(method))
          && pattern.matches(path);
    }

    @Override
    public String toString() {
      return methods + " " + pattern.getPatternString() + " -> " + requirement;
    }
  }

  private static final PathPatternParser PARSER = PathPatternParser.defaultInstance;

  private static final List<Rule> RULES =
      List.of(
          rule("*", "/login", Requirement.OPEN),
          rule("*", "/error", Requirement.OPEN),
          rule("*", "/css/**", Requirement.OPEN),
          rule("*", "/js/**", Requirement.OPEN),
          rule("*", "/favicon.ico", Requirement.OPEN),
          // Redeeming a link opens a new session of the link's user, whoever was here before.
          rule("GET,POST", "/enroll/{token}", Requirement.OPEN),
          rule("*", "/logout", Requirement.SIGNED_IN),
          rule("*", "/login/verify", Requirement.SIGNED_IN),
          rule("*", "/login/verify/**", Requirement.SIGNED_IN),
          rule("GET", "/", Requirement.SIGNED_IN),
          rule("GET", "/register/done", Requirement.FACTOR),
          rule("GET", "/register/push", Requirement.OWN_PUSH_FLOW),
          rule("GET", "/register/push/status", Requirement.OWN_PUSH_FLOW),
          rule("*", "/register", Requirement.REGISTER),
          rule("*", "/register/**", Requirement.REGISTER),
          rule("GET", "/account", Requirement.FACTOR),
          rule("GET,POST", "/account/password", Requirement.PASSWORD),
          rule("*", "/account/**", Requirement.STEP_UP),
          // Protective actions stay one click away for an administrator whose factor is older.
          rule("POST", "/admin/users/{username}/block", Requirement.ADMIN),
          rule("POST", "/admin/alerts/{id}/acknowledge", Requirement.ADMIN),
          rule("GET,HEAD", "/admin", Requirement.ADMIN),
          rule("GET,HEAD", "/admin/**", Requirement.ADMIN),
          rule("*", "/admin", Requirement.ADMIN_STEP_UP),
          rule("*", "/admin/**", Requirement.ADMIN_STEP_UP));

  private PageAccess() {}

  private static Rule rule(String methods, String pattern, Requirement requirement) {
    return new Rule(methods, PARSER.parse(pattern), requirement);
  }

  /** The rows, in the order they are tried. */
  public static List<Rule> rules() {
    return RULES;
  }

  /** What {@code method} on {@code path} (the servlet path, without the context) needs. */
  public static Requirement of(String method, String path) {
    PathContainer container = PathContainer.parsePath(path);
    String verb = method.toUpperCase(Locale.ROOT);
    for (Rule rule : RULES) {
      if (rule.matches(verb, container)) {
        return rule.requirement();
      }
    }
    return Requirement.FACTOR;
  }

  /**
   * Where a session that must prove its factor (again) comes back to afterwards: the page itself
   * for a GET, the page the form was on for a POST.
   */
  public static String returnTo(String method, String path) {
    if ("GET".equalsIgnoreCase(method)) {
      return path;
    }
    if (path.startsWith("/register")) {
      return "/register";
    }
    if (path.equals("/account/password")) {
      return "/account/password";
    }
    if (path.startsWith("/account")) {
      return "/account";
    }
    if (path.startsWith("/admin/users/")) {
      // /admin/users/NAME/ACTION goes back to the user's page; /admin/users/import to the list
      String[] parts = path.split("/");
      return parts.length >= 5 ? "/admin/users/" + parts[3] : "/admin/users";
    }
    if (path.startsWith("/admin/")) {
      String[] parts = path.split("/");
      return parts.length >= 3 ? "/admin/" + parts[2] : "/admin";
    }
    return "/account";
  }
}
