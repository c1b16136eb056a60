package io.latchkey.server.pages;

import io.latchkey.server.security.SignedInUser;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** What every page's header needs, and UTC formatting shared by the pages. */
@ControllerAdvice(basePackages = "io.latchkey.server.pages")
public class PageModel {
  private static final DateTimeFormatter MINUTES =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  @ModelAttribute("signedInAs")
  public String signedInAs() {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    return authentication != null && authentication.getPrincipal() instanceof SignedInUser who
        ? who.username()
        : null;
  }

  static String minutes(Instant at) {
    return at == null ? null : MINUTES.format(at);
  }

  static String time(Instant at) {
    return TIME.format(at);
  }
}
