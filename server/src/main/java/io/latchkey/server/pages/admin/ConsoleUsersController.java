package io.latchkey.server.pages.admin;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.method.MethodRepository;
import io.latchkey.core.user.Accounts;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserCsv;
import io.latchkey.core.user.UserImport;
import io.latchkey.core.user.UserRepository;
import io.latchkey.core.user.UserSearch;
import io.latchkey.core.user.UserStatus;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;

/**
 * Users: search and a page of the list, creating one (a generated password shown once, or none),
 * and importing many from a CSV file. Creating and importing go through the same core services as
 * the REST API, audited with the acting administrator.
 */
@Controller
public class ConsoleUsersController implements AdminPage {
  static final int PAGE_SIZE = 50;

  private final ActingAdmin admin;
  private final Accounts accounts;
  private final UserRepository users;
  private final MethodRepository methods;
  private final UserImport userImport;
  private final ConsoleErrors errors;

  public ConsoleUsersController(
      ActingAdmin admin,
      Accounts accounts,
      UserRepository users,
      MethodRepository methods,
      UserImport userImport,
      ConsoleErrors errors) {
    this.admin = admin;
    this.accounts = accounts;
    this.users = users;
    this.methods = methods;
    this.userImport = userImport;
    this.errors = errors;
  }

  @GetMapping("/admin/users")
  public String list(
      @RequestParam(name = "q", required = false) String q,
      @RequestParam(name = "status", required = false) String status,
      @RequestParam(name = "page", defaultValue = "1") int page,
      Model model) {
    admin.require();
    return usersPage(q, status, page, model);
  }

  /** Creates one user; a generated password is on the answer and nowhere else. */
  @PostMapping("/admin/users")
  public String create(
      @RequestParam(name = "username", defaultValue = "") String username,
      @RequestParam(name = "displayName", defaultValue = "") String displayName,
      @RequestParam(name = "admin", defaultValue = "false") boolean administrator,
      @RequestParam(name = "password", defaultValue = "none") String passwordChoice,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model) {
    try {
      String password =
          switch (passwordChoice) {
            case "generate" -> accounts.generatePassword();
            case "none" -> null;
            default ->
                throw new LatchkeyException(ErrorCode.BAD_REQUEST, "password is generate or none");
          };
      User user =
          accounts.create(username, displayName, password, administrator, admin.context(request));
      response.setHeader("Cache-Control", "no-store");
      model.addAttribute("user", ConsoleViews.UserRow.of(user, 0));
      model.addAttribute("password", password);
      return "admin/created";
    } catch (LatchkeyException refused) {
      model.addAttribute("form", Map.of("username", username, "displayName", displayName));
      return refusedPage(refused, request, response, model);
    }
  }

  /** Imports a CSV file: every row answered, or nothing created when the file is malformed. */
  @PostMapping("/admin/users/import")
  public String importCsv(
      @RequestParam(name = "file", required = false) MultipartFile file,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model)
      throws IOException {
    try {
      if (file == null || file.isEmpty()) {
        throw new LatchkeyException(
            ErrorCode.BAD_REQUEST,
            "choose a CSV file (" + UserCsv.header() + ")",
            List.of(UserCsv.EXPLANATION));
      }
      UserImport.Report report = userImport.importCsv(file.getBytes(), admin.context(request));
      model.addAttribute("rows", report.rows());
      model.addAttribute("created", report.count(UserImport.Outcome.CREATED));
      model.addAttribute("exists", report.count(UserImport.Outcome.EXISTS));
      model.addAttribute("refused", report.count(UserImport.Outcome.REFUSED));
      return "admin/imported";
    } catch (LatchkeyException refused) {
      return refusedPage(refused, request, response, model);
    }
  }

  private String refusedPage(
      LatchkeyException refused,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model) {
    if (refused.code() == ErrorCode.USER_BLOCKED
        || refused.code() == ErrorCode.USER_DISABLED
        || refused.code() == ErrorCode.SESSION_LOST
        || refused.code() == ErrorCode.FORBIDDEN) {
      throw refused;
    }
    response.setStatus(refused.code().httpStatus());
    model.addAttribute("error", errors.envelope(refused, request));
    return usersPage(null, null, 1, model);
  }

  private String usersPage(String q, String status, int page, Model model) {
    UserStatus wanted =
        status == null || status.isBlank()
            ? null
            : UserStatus.fromWireName(status)
                .orElseThrow(
                    () ->
                        new LatchkeyException(
                            ErrorCode.BAD_REQUEST, "status is active, blocked or disabled"));
    if (page < 1 || page > 1_000_000) {
      throw new LatchkeyException(ErrorCode.BAD_REQUEST, "page is a number from 1");
    }
    UserSearch search = new UserSearch(q, wanted, (page - 1) * PAGE_SIZE, PAGE_SIZE);
    List<User> found = users.search(search);
    long total = users.count(search);
    Map<io.latchkey.core.user.UserId, Integer> counts =
        methods.countByUser(found.stream().map(User::id).toList());
    model.addAttribute(
        "users",
        found.stream()
            .map(u -> ConsoleViews.UserRow.of(u, counts.getOrDefault(u.id(), 0)))
            .toList());
    model.addAttribute("q", search.text());
    model.addAttribute("status", wanted == null ? "" : wanted.wireName());
    model.addAttribute(
        "statuses", List.of(UserStatus.values()).stream().map(UserStatus::wireName).toList());
    model.addAttribute("total", total);
    model.addAttribute("page", page);
    model.addAttribute("pages", Math.max(1, (total + PAGE_SIZE - 1) / PAGE_SIZE));
    model.addAttribute("csvHeader", UserCsv.header());
    model.addAttribute("maxRows", UserCsv.MAX_ROWS);
    return "admin/users";
  }
}
