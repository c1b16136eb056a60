package io.latchkey.server.web;

import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.error.ErrorCode;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tomcat's error report, replaced: errors that Tomcat raises before any filter runs (a URI it
 * refuses, such as an encoded slash, backslash or NUL, a bad %-escape or invalid UTF-8; a TRACE)
 * get what every other error gets: a correlation ID of their own in the header and the envelope
 * (JSON for the API, the error page otherwise), never Tomcat's bare page. An error the application
 * already answered is left alone.
 */
public final class ContainerErrorValve extends ErrorReportValve {
  private static final Logger log = LoggerFactory.getLogger(ContainerErrorValve.class);

  private final Supplier<PageRenderer> pages;
  private final ServletContext servletContext;
  private final SecureRandom random;

  /**
   * @param pages looked up on first use, since Tomcat is built before the application's beans
   * @param servletContext the application's, for requests Tomcat refused before giving them one
   */
  public ContainerErrorValve(
      Supplier<PageRenderer> pages, ServletContext servletContext, SecureRandom random) {
    this.pages = pages;
    this.servletContext = servletContext;
    this.random = random;
    setShowReport(false);
    setShowServerInfo(false);
  }

  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    int status = response.getStatus();
    if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
      return;
    }
    CorrelationId id =
        Correlation.find(request)
            .orElseGet(
                () -> {
                  CorrelationId fresh = CorrelationId.random(random);
                  request.setAttribute(Correlation.ATTRIBUTE, fresh);
                  return fresh;
                });
    response.setHeader(Correlation.HEADER, id.value());
    ErrorCode code = ErrorCodes.ofStatus(status);
    log.debug("[{}] refused by the container: {} {}", id, status, code.code());
    try {
      pages.get().renderError(code, mapped(request), response);
    } catch (IOException | RuntimeException e) {
      log.warn("[{}] could not write the error envelope: {}", id, e.toString());
    }
  }

  /**
   * The request as the error page needs it: in the application, even if Tomcat never mapped it, and
   * with a language even if its Accept-Language cannot be read. Tomcat refuses a header line with a
   * control character before reading the rest, and its {@code getLocale()} then throws a
   * NullPointerException on the half-read header (issue 13, found by HttpFuzzIT): English, the
   * default, instead of no answer at all.
   */
  private HttpServletRequest mapped(Request request) {
    boolean unmapped = request.getContext() == null;
    return new HttpServletRequestWrapper(request) {
      @Override
      public ServletContext getServletContext() {
        return unmapped ? servletContext : super.getServletContext();
      }

      @Override
      public String getContextPath() {
        return unmapped ? servletContext.getContextPath() : super.getContextPath();
      }

      @Override
      public Locale getLocale() {
        try {
          return super.getLocale();
        } catch (RuntimeException e) {
          return Locale.ENGLISH;
        }
      }

      @Override
      public Enumeration<Locale> getLocales() {
        try {
          return super.getLocales();
        } catch (RuntimeException e) {
          return Collections.enumeration(List.of(Locale.ENGLISH));
        }
      }
    };
  }
}
