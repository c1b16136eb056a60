package io.latchkey.server.web;

import io.latchkey.core.error.ErrorCode;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * While the database is down, the answer is {@code service_unavailable} in the envelope (JSON for
 * the API, the error page for pages), never Tomcat's 500.
 *
 * <p>It runs outside the session filter (browser sessions live in the database), so that writing
 * this answer needs no database: the error page rendered inside would save the session again when
 * the response is committed, fail again after the pool's time-out, and end in a 500. Every failure
 * a controller can answer is answered there ({@link ErrorHandling}); this catches what is thrown
 * around it: loading the session or the API key in a filter, saving the session when the page is
 * written.
 */
@Component
public final class DatabaseUnavailableFilter extends OncePerRequestFilter implements Ordered {
  private static final Logger log = LoggerFactory.getLogger(DatabaseUnavailableFilter.class);

  private final PageRenderer pages;
  private final StorageRecovery storage;

  public DatabaseUnavailableFilter(PageRenderer pages, StorageRecovery storage) {
    this.pages = pages;
    this.storage = storage;
  }

  /** After the correlation ID and the body cap, before the session and security filters. */
  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE + 2;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    try {
      chain.doFilter(request, response);
    } catch (ServletException | IOException | RuntimeException e) {
      if (!ErrorCodes.databaseUnavailable(e) || response.isCommitted()) {
        throw e;
      }
      log.warn("database unavailable: {}", rootCause(e).toString());
      storage.onFailure(e);
      response.resetBuffer();
      pages.renderError(ErrorCode.SERVICE_UNAVAILABLE, request, response);
    }
  }

  private static Throwable rootCause(Throwable error) {
    Throwable t = error;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }
}
