package io.latchkey.server.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Believes {@code X-Forwarded-For} and {@code X-Forwarded-Proto} from the trusted proxies only
 * ({@link TrustedProxies}), before anything reads the client's address or the scheme: the audit,
 * the sign-in throttle, the push network check, the session cookie's {@code Secure} flag and name,
 * and HSTS all see the result. From anyone else the headers change nothing.
 */
public final class TrustedProxyFilter extends OncePerRequestFilter {
  private final TrustedProxies proxies;

  public TrustedProxyFilter(TrustedProxies proxies) {
    this.proxies = proxies;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String peer = request.getRemoteAddr();
    if (proxies.isEmpty() || !proxies.trusts(peer)) {
      chain.doFilter(request, response);
      return;
    }
    List<String> forwardedFor = Collections.list(request.getHeaders("X-Forwarded-For"));
    String client = proxies.clientAddress(peer, forwardedFor);
    boolean tls = request.isSecure() || "https".equals(forwardedProto(request));
    chain.doFilter(new Forwarded(request, client, tls), response);
  }

  /** The scheme the nearest proxy was reached with: the last value of the header. */
  private static String forwardedProto(HttpServletRequest request) {
    String last = null;
    for (String header : Collections.list(request.getHeaders("X-Forwarded-Proto"))) {
      for (String value : header.split(",")) {
        last = value.strip().toLowerCase(Locale.ROOT);
      }
    }
    return last;
  }

  /** The request as the client sent it to the proxy: its address, and TLS if the proxy had it. */
  private static final class Forwarded extends HttpServletRequestWrapper {
    private final String client;
    private final boolean tls;

    Forwarded(HttpServletRequest request, String client, boolean tls) {
      super(request);
      this.client = client;
      this.tls = tls;
    }

    @Override
    public String getRemoteAddr() {
      return client;
    }

    @Override
    public String getRemoteHost() {
      return client;
    }

    @Override
    public boolean isSecure() {
      return tls;
    }

    @Override
    public String getScheme() {
      return tls ? "https" : super.getScheme();
    }

    @Override
    public int getServerPort() {
      if (tls && !super.isSecure()) {
        // The proxy's TLS port: the Host header's port if it names one, else 443.
        String host = getHeader("Host");
        int colon = host == null ? -1 : host.lastIndexOf(':');
        if (colon > 0 && !host.endsWith("]") && host.substring(colon + 1).matches("\\d{1,5}")) {
          return Integer.parseInt(host.substring(colon + 1));
        }
        return 443;
      }
      return super.getServerPort();
    }

    @Override
    public StringBuffer getRequestURL() {
      StringBuffer url = new StringBuffer();
      String scheme = getScheme();
      int port = getServerPort();
      url.append(scheme).append("://").append(getServerName());
      if (!(("https".equals(scheme) && port == 443) || ("http".equals(scheme) && port == 80))) {
        url.append(':').append(port);
      }
      url.append(getRequestURI());
      return url;
    }
  }
}
