package io.latchkey.server.pages;

import java.net.URI;

/** Redirect targets that stay on this server (no open redirect through a {@code next} value). */
final class LocalPaths {
  private LocalPaths() {}

  /** {@code candidate} (a path typed into a {@code next} parameter) if it is a local page. */
  static String safe(String candidate, String fallback) {
    return parse(candidate, false, fallback);
  }

  /** The local page of a URL this server saved itself (the request cache holds absolute URLs). */
  static String ofSavedRequest(String url, String fallback) {
    return parse(url, true, fallback);
  }

  private static String parse(String candidate, boolean absoluteAllowed, String fallback) {
    if (candidate == null || candidate.length() > 1000) {
      return fallback;
    }
    try {
      URI uri = URI.create(candidate);
      String path = uri.getRawPath();
      if ((!absoluteAllowed && (uri.getScheme() != null || uri.getRawAuthority() != null))
          || path == null
          || !path.startsWith("/")
          || path.startsWith("//")
          || path.contains("\\")
          || path.startsWith("/api/")
          || path.startsWith("/login")
          || path.startsWith("/logout")
          || path.endsWith("/status")) {
        return fallback;
      }
      return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    } catch (IllegalArgumentException e) {
      return fallback;
    }
  }
}
