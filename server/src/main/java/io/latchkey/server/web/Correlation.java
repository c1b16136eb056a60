package io.latchkey.server.web;

import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.audit.RequestContext;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/** Where a request's correlation ID lives while it is served. */
public final class Correlation {
  public static final String HEADER = "X-Correlation-Id";
  static final String ATTRIBUTE = Correlation.class.getName();

  private Correlation() {}

  public static CorrelationId of(HttpServletRequest request) {
    Object value = request.getAttribute(ATTRIBUTE);
    if (value instanceof CorrelationId id) {
      return id;
    }
    throw new IllegalStateException("no correlation ID: CorrelationFilter did not run");
  }

  public static Optional<CorrelationId> find(HttpServletRequest request) {
    return Optional.ofNullable(request.getAttribute(ATTRIBUTE))
        .filter(CorrelationId.class::isInstance)
        .map(CorrelationId.class::cast);
  }

  /** Who, where and which ID, for the domain's audit records. */
  public static RequestContext context(HttpServletRequest request, String actor) {
    String agent = request.getHeader("User-Agent");
    return new RequestContext(of(request), request.getRemoteAddr(), agent, actor);
  }
}
