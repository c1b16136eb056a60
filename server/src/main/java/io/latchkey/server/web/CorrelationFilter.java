package io.latchkey.server.web;

import io.latchkey.core.audit.CorrelationId;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.SecureRandom;
import org.slf4j.MDC;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every request its own correlation ID, before anything else runs: in the response header, in
 * the log context ({@code cid}) and for the error envelope. Never taken from the client, so an ID
 * in the audit log always names exactly one request.
 */
public final class CorrelationFilter extends OncePerRequestFilter {
  private final SecureRandom random;

  public CorrelationFilter(SecureRandom random) {
    this.random = random;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    CorrelationId id = CorrelationId.random(random);
    request.setAttribute(Correlation.ATTRIBUTE, id);
    response.setHeader(Correlation.HEADER, id.value());
    MDC.put("cid", id.value());
    try {
      chain.doFilter(request, response);
    } finally {
      MDC.remove("cid");
    }
  }

  @Override
  protected boolean shouldNotFilterErrorDispatch() {
    return true;
  }
}
