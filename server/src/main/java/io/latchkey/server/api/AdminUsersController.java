package io.latchkey.server.api;

import io.latchkey.core.method.Method;
import io.latchkey.core.method.MethodRepository;
import io.latchkey.core.user.Accounts;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserImport;
import io.latchkey.core.user.UserRepository;
import io.latchkey.core.user.UserSearch;
import io.latchkey.core.user.UserStatus;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** Administrators manage users. */
@RestController
@RequestMapping(path = "/api/v1/admin/users", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "admin: users")
public class AdminUsersController {
  private final Accounts accounts;
  private final UserRepository users;
  private final MethodRepository methods;

  private final io.latchkey.core.push.ChallengeService pushes;
  private final io.latchkey.core.user.AccountLifecycle lifecycle;
  private final UserImport userImport;
  private final io.latchkey.server.security.AdminApiAccess access;
  private final io.latchkey.core.user.PasswordChanges passwords;

  public AdminUsersController(
      Accounts accounts,
      UserRepository users,
      MethodRepository methods,
      io.latchkey.core.push.ChallengeService pushes,
      io.latchkey.core.user.AccountLifecycle lifecycle,
      UserImport userImport,
      io.latchkey.server.security.AdminApiAccess access,
      io.latchkey.core.user.PasswordChanges passwords) {
    this.access = access;
    this.passwords = passwords;
    this.accounts = accounts;
    this.users = users;
    this.methods = methods;
    this.pushes = pushes;
    this.lifecycle = lifecycle;
    this.userImport = userImport;
  }

  @Operation(
      summary = "Disable a user",
      description = "Body {\"reason\": \"...\"}. Nothing is accepted from the user until enabled.")
  @PostMapping(path = "/{username}/disable", consumes = MediaType.APPLICATION_JSON_VALUE)
  public Map<String, Object> disable(
      @PathVariable("username") String username,
      @RequestBody JsonNode body,
      HttpServletRequest request) {
    lifecycle.disable(
        accounts.require(username),
        JsonFields.optionalText(body, "reason", 500),
        AdminContext.of(request));
    return get(username);
  }

  @Operation(
      summary = "Enable a disabled user",
      description =
          "Body {\"reason\": \"...\"}. Every method is removed: MFA is off until the user"
              + " registers again (methodsRemoved says how many).")
  @PostMapping(path = "/{username}/enable", consumes = MediaType.APPLICATION_JSON_VALUE)
  public Map<String, Object> enable(
      @PathVariable("username") String username,
      @RequestBody JsonNode body,
      HttpServletRequest request) {
    int removed =
        lifecycle.enable(
            accounts.require(username),
            JsonFields.optionalText(body, "reason", 500),
            AdminContext.of(request));
    Map<String, Object> out = get(username);
    out.put("methodsRemoved", removed);
    return out;
  }

  @Operation(
      summary = "Reset a user's MFA",
      description =
          "Body {\"reason\": \"...\"}. Removes every method; the user registers again at the"
              + " next sign-in.")
  @PostMapping(path = "/{username}/reset-mfa", consumes = MediaType.APPLICATION_JSON_VALUE)
  public Map<String, Object> resetMfa(
      @PathVariable("username") String username,
      @RequestBody JsonNode body,
      HttpServletRequest request) {
    int removed =
        lifecycle.resetMfa(
            accounts.require(username),
            JsonFields.optionalText(body, "reason", 500),
            AdminContext.of(request));
    Map<String, Object> out = get(username);
    out.put("methodsRemoved", removed);
    return out;
  }

  @Operation(
      summary = "Set a user's password",
      description =
          "Body {\"password\": \"...\"} (8 to 256 characters, not a common password; the"
              + " minimum is latchkey.password.min-length). The user must change it at the next"
              + " sign-in; every browser session and API token of the user ends at once, and the"
              + " user is sent a notice. Needs an admin login within the step-up window."
              + " password_too_short, password_too_long or password_too_common otherwise.")
  @org.springframework.web.bind.annotation.PutMapping(
      path = "/{username}/password",
      consumes = MediaType.APPLICATION_JSON_VALUE)
  public Map<String, Object> setPassword(
      @PathVariable("username") String username,
      @RequestBody JsonNode body,
      HttpServletRequest request) {
    int ended =
        passwords.setByAdmin(
            accounts.require(username),
            JsonFields.text(body, "password", 1000),
            AdminContext.of(request));
    Map<String, Object> out = get(username);
    out.put("sessionsEnded", ended);
    return out;
  }

  @Operation(
      summary = "Create a user",
      description =
          "Body {\"username\", \"displayName\"?, \"password\"?, \"admin\"?, \"email\"?}"
              + " (email: where security notices go)")
  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @ResponseStatus(HttpStatus.CREATED)
  public Map<String, Object> create(@RequestBody JsonNode body, HttpServletRequest request) {
    if (JsonFields.optionalBoolean(body, "admin")) {
      // The body decides, so this rule is here rather than in the security chain's list.
      access.requireFreshFactor(request);
    }
    User user =
        accounts.create(
            JsonFields.text(body, "username", 200),
            JsonFields.optionalText(body, "displayName", 200),
            JsonFields.optionalText(body, "password", 1000),
            JsonFields.optionalBoolean(body, "admin"),
            JsonFields.optionalText(body, "email", io.latchkey.core.user.EmailAddress.MAX_LENGTH),
            AdminContext.of(request));
    return view(user, List.of());
  }

  @Operation(
      summary = "List or search users",
      description =
          "q: a piece of the username (any case or width) or of the display name; names that"
              + " start with it come first. status: active, blocked or disabled. total counts"
              + " every match; offset and limit (max 1000) page through them.")
  @GetMapping
  public Map<String, Object> list(
      @RequestParam(name = "q", required = false) String q,
      @RequestParam(name = "status", required = false) String status,
      @RequestParam(name = "offset", defaultValue = "0") int offset,
      @RequestParam(name = "limit", defaultValue = "100") int limit) {
    UserSearch search =
        new UserSearch(q, status(status), offset, Math.min(Math.max(1, limit), 1000));
    List<Map<String, Object>> list = users.search(search).stream().map(u -> view(u, null)).toList();
    return Map.of("users", list, "total", users.count(search));
  }

  /** A status filter as the API and the console take it; null for none. */
  public static UserStatus status(String wireName) {
    if (wireName == null || wireName.isBlank()) {
      return null;
    }
    return UserStatus.fromWireName(wireName)
        .orElseThrow(
            () ->
                new io.latchkey.core.error.LatchkeyException(
                    io.latchkey.core.error.ErrorCode.BAD_REQUEST,
                    "status is active, blocked or disabled"));
  }

  @Operation(
      summary = "Import users from a CSV file",
      description =
          "Body: UTF-8 CSV (RFC 4180) with a header row naming the columns username,"
              + " display_name, admin (any order; the last two may be left out; admin is"
              + " true/false, yes/no, 1/0 or empty), at most 1000 rows. A malformed file is refused"
              + " with bad_request naming the line, and nothing is created. Otherwise each row is"
              + " answered: created, exists, or refused with a reason (invalid_username,"
              + " duplicate_in_file, invalid_admin, invalid_display_name) and its line. Imported"
              + " users have no password: they register through a one-time registration link.",
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @io.swagger.v3.oas.annotations.media.Content(
                      mediaType = "text/csv",
                      schema =
                          @io.swagger.v3.oas.annotations.media.Schema(
                              type = "string",
                              example =
                                  "username,display_name,admin\r\nalice,Alice Liddell,false\r\n"))))
  @PostMapping(path = "/import", consumes = "text/csv")
  public Map<String, Object> importCsv(@RequestBody byte[] file, HttpServletRequest request) {
    return importView(userImport.importCsv(file, AdminContext.of(request)));
  }

  static Map<String, Object> importView(UserImport.Report report) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("created", report.count(UserImport.Outcome.CREATED));
    out.put("exists", report.count(UserImport.Outcome.EXISTS));
    out.put("refused", report.count(UserImport.Outcome.REFUSED));
    out.put(
        "rows",
        report.rows().stream()
            .map(
                row -> {
                  Map<String, Object> r = new LinkedHashMap<>();
                  r.put("line", row.line());
                  r.put("username", row.username());
                  r.put("outcome", row.outcome().wireName());
                  r.put("reason", row.reason());
                  r.put("detail", row.detail());
                  return r;
                })
            .toList());
    return out;
  }

  @Operation(summary = "One user, with their registered methods and any pause of pushes")
  @GetMapping("/{username}")
  public Map<String, Object> get(@PathVariable("username") String username) {
    User user = accounts.require(username);
    Map<String, Object> out = view(user, methods.listByUser(user.id()));
    out.put("passwordChangeRequired", users.passwordChangeRequired(user.id()));
    out.put(
        "pushPaused",
        pushes
            .pause(user)
            .map(
                p -> {
                  Map<String, Object> pause = new LinkedHashMap<>();
                  pause.put("reason", p.reason());
                  pause.put("since", p.blockedAt().toString());
                  pause.put("correlationId", p.cause() == null ? null : p.cause().value());
                  return pause;
                })
            .orElse(null));
    return out;
  }

  @Operation(
      summary = "Resume pushes paused after denied or reported requests",
      description = "Body {\"reason\": \"...\"}. 409 conflict if pushes were not paused.")
  @PostMapping(path = "/{username}/push/resume", consumes = MediaType.APPLICATION_JSON_VALUE)
  public Map<String, Object> resumePushes(
      @PathVariable("username") String username,
      @RequestBody JsonNode body,
      HttpServletRequest request) {
    User user = accounts.require(username);
    if (!pushes.liftPause(
        user, JsonFields.optionalText(body, "reason", 500), AdminContext.of(request))) {
      throw new io.latchkey.core.error.LatchkeyException(
          io.latchkey.core.error.ErrorCode.CONFLICT, "pushes to this user are not paused");
    }
    return get(username);
  }

  @Operation(summary = "Block a user", description = "Body {\"reason\": \"...\"}")
  @PostMapping(path = "/{username}/block", consumes = MediaType.APPLICATION_JSON_VALUE)
  public Map<String, Object> block(
      @PathVariable("username") String username,
      @RequestBody JsonNode body,
      HttpServletRequest request) {
    lifecycle.block(
        accounts.require(username),
        JsonFields.optionalText(body, "reason", 500),
        AdminContext.of(request));
    return get(username);
  }

  @Operation(summary = "Unblock a user", description = "Body {\"reason\": \"...\"}")
  @PostMapping(path = "/{username}/unblock", consumes = MediaType.APPLICATION_JSON_VALUE)
  public Map<String, Object> unblock(
      @PathVariable("username") String username,
      @RequestBody JsonNode body,
      HttpServletRequest request) {
    lifecycle.unblock(
        accounts.require(username),
        JsonFields.optionalText(body, "reason", 500),
        AdminContext.of(request));
    return get(username);
  }

  static Map<String, Object> view(User user, List<Method> registered) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", user.id().toString());
    out.put("username", user.username().value());
    out.put("displayName", user.displayName());
    out.put("status", user.status().name().toLowerCase(java.util.Locale.ROOT));
    out.put("admin", user.admin());
    out.put("failedAttempts", user.failedAttempts());
    out.put("blockedReason", user.blockedReason());
    out.put("blockedAt", user.blockedAt() == null ? null : user.blockedAt().toString());
    out.put("createdAt", user.createdAt().toString());
    out.put("email", user.email() == null ? null : user.email().value());
    if (registered != null) {
      out.put(
          "methods",
          registered.stream()
              .map(
                  m -> {
                    Map<String, Object> method = new LinkedHashMap<>();
                    method.put("id", m.id().toString());
                    method.put("kind", m.kind().name().toLowerCase(java.util.Locale.ROOT));
                    method.put("label", m.label());
                    method.put("createdAt", m.createdAt().toString());
                    method.put("registeredIp", m.registeredIp());
                    method.put(
                        "lastUsedAt", m.lastUsedAt() == null ? null : m.lastUsedAt().toString());
                    return method;
                  })
              .toList());
    }
    return out;
  }
}
