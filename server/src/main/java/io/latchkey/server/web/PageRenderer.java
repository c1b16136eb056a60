package io.latchkey.server.web;

import io.latchkey.core.error.ErrorCode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.View;
import org.springframework.web.servlet.ViewResolver;
import org.springframework.web.servlet.support.RequestContextUtils;

/** Renders the error page outside a controller (security handlers), in the reader's language. */
@Component
public class PageRenderer {
  private final ViewResolver views;
  private final ErrorResponses errors;

  public PageRenderer(ViewResolver thymeleafViewResolver, ErrorResponses errors) {
    this.views = thymeleafViewResolver;
    this.errors = errors;
  }

  public void renderError(ErrorCode code, HttpServletRequest request, HttpServletResponse response)
      throws java.io.IOException {
    if (ErrorResponses.isApi(request)) {
      errors.writeJson(code, request, response);
      return;
    }
    try {
      View view = views.resolveViewName("error", RequestContextUtils.getLocale(request));
      response.setStatus(code.httpStatus());
      response.setHeader("Cache-Control", "no-store");
      view.render(Map.of("error", errors.envelope(code, request).error()), request, response);
    } catch (Exception e) {
      errors.writeJson(code, request, response);
    }
  }
}
