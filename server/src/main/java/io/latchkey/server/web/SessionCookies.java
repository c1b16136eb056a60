package io.latchkey.server.web;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.session.web.http.CookieSerializer;
import org.springframework.session.web.http.DefaultCookieSerializer;

/**
 * The browser session's cookie. Over TLS (the server's own, or a trusted proxy's: {@link
 * TrustedProxyFilter}) it is {@code __Host-LATCHKEY_SESSION}: {@code Secure}, {@code Path=/}, no
 * {@code Domain}, so the browser never sends it over plain HTTP and no other host (a sibling
 * subdomain) can set or overwrite it; and only that cookie is read, never a plain one planted
 * beside it. Over plain HTTP (loopback, a first try) it is {@code LATCHKEY_SESSION}. Both are
 * {@code HttpOnly} and {@code SameSite=Lax}.
 */
public final class SessionCookies implements CookieSerializer {
  public static final String PLAIN = "LATCHKEY_SESSION";
  public static final String HOST_PREFIXED = "__Host-" + PLAIN;

  private final DefaultCookieSerializer plain = serializer(PLAIN, false);
  private final DefaultCookieSerializer secure = serializer(HOST_PREFIXED, true);

  private static DefaultCookieSerializer serializer(String name, boolean secure) {
    DefaultCookieSerializer serializer = new DefaultCookieSerializer();
    serializer.setCookieName(name);
    serializer.setCookiePath("/");
    serializer.setUseHttpOnlyCookie(true);
    serializer.setSameSite("Lax");
    serializer.setUseSecureCookie(secure);
    return serializer;
  }

  private CookieSerializer of(HttpServletRequest request) {
    return request.isSecure() ? secure : plain;
  }

  @Override
  public void writeCookieValue(CookieValue value) {
    of(value.getRequest()).writeCookieValue(value);
  }

  @Override
  public List<String> readCookieValues(HttpServletRequest request) {
    return of(request).readCookieValues(request);
  }
}
