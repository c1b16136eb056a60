package io.latchkey.server.web;

import io.latchkey.core.error.ErrorCode;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Caps request bodies: a declared length over the limit is refused at once with {@code
 * payload_too_large} (the JSON envelope for the API, the error page for pages); a body without a
 * declared length is cut off when it passes the limit.
 */
public final class BodySizeLimitFilter extends OncePerRequestFilter {
  private final PageRenderer pages;
  private final java.util.function.ToLongFunction<HttpServletRequest> limits;

  public BodySizeLimitFilter(PageRenderer pages, long limit) {
    this(pages, request -> limit);
  }

  /**
   * @param limits the cap of each request (one endpoint, the app's encrypted backup, takes more)
   */
  public BodySizeLimitFilter(
      PageRenderer pages, java.util.function.ToLongFunction<HttpServletRequest> limits) {
    this.pages = pages;
    this.limits = limits;
  }

  /** Thrown while reading a body that grew past the limit. */
  public static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge() {
      super("request body too large");
    }
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long limit = limits.applyAsLong(request);
    if (request.getContentLengthLong() > limit) {
      pages.renderError(ErrorCode.PAYLOAD_TOO_LARGE, request, response);
      return;
    }
    chain.doFilter(new Capped(request, limit), response);
  }

  private static final class Capped extends HttpServletRequestWrapper {
    private final long limit;
    private ServletInputStream stream;

    Capped(HttpServletRequest request, long limit) {
      super(request);
      this.limit = limit;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (stream == null) {
        stream = new CappedStream(super.getInputStream(), limit);
      }
      return stream;
    }
  }

  private static final class CappedStream extends ServletInputStream {
    private final ServletInputStream in;
    private final long limit;
    private long read;

    CappedStream(ServletInputStream in, long limit) {
      this.in = in;
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = in.read(buffer, offset, length);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(int n) throws TooLarge {
      read += n;
      if (read > limit) {
        throw new TooLarge();
      }
    }

    @Override
    public boolean isFinished() {
      return in.isFinished();
    }

    @Override
    public boolean isReady() {
      return in.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
      in.setReadListener(listener);
    }
  }
}
