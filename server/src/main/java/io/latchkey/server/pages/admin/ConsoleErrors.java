package io.latchkey.server.pages.admin;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.server.web.ErrorEnvelope;
import io.latchkey.server.web.ErrorHandling;
import io.latchkey.server.web.ErrorResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.ModelAndView;

/**
 * A refusal on a console page: the error box in the reader's language, as everywhere, plus the
 * precise reason (administrators are told it, as in the API), with the console's navigation. A
 * blocked or disabled administrator, or a lost session, is handled as on every other page.
 */
@ControllerAdvice(assignableTypes = AdminPage.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ConsoleErrors {
  private static final Set<ErrorCode> NOT_OURS =
      Set.of(ErrorCode.USER_BLOCKED, ErrorCode.USER_DISABLED, ErrorCode.SESSION_LOST);

  private final ErrorResponses errors;
  private final ErrorHandling.Advice everywhere;

  public ConsoleErrors(ErrorResponses errors, ErrorHandling.Advice everywhere) {
    this.errors = errors;
    this.everywhere = everywhere;
  }

  /**
   * Console pages are read by an administrator: the error box's hint speaks to them, not "if you
   * contact your administrator" (issue 15).
   */
  @org.springframework.web.bind.annotation.ModelAttribute("adminReader")
  public boolean adminReader() {
    return true;
  }

  @ExceptionHandler(LatchkeyException.class)
  public Object refused(
      LatchkeyException refused, HttpServletRequest request, HttpServletResponse response) {
    if (NOT_OURS.contains(refused.code())) {
      return everywhere.handle(refused, request, response);
    }
    response.setHeader("Cache-Control", "no-store");
    ModelAndView page = new ModelAndView("admin/error");
    page.setStatus(HttpStatusCode.valueOf(refused.code().httpStatus()));
    page.addObject("error", envelope(refused, request));
    page.addObject("adminReader", true);
    return page;
  }

  /** The envelope of a refusal, with its explanations and, for the administrator, its detail. */
  ErrorEnvelope.Body envelope(LatchkeyException refused, HttpServletRequest request) {
    return errors
        .envelope(refused.code(), refused.explanations(), request)
        .error()
        .withDetail(refused.detail());
  }
}
