package io.latchkey.core.push;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the activation QR code holds: {@code
 * latchkey://activate?server=URL&code=CODE&expires=INSTANT}. The server URL is where the app sends
 * its activation and then listens; the code is one-time and dies at {@code expires}.
 *
 * @param server the server's base URL, http or https, without query or fragment
 * @param code the one-time activation code (Crockford Base32 groups)
 * @param expires when the code stops working
 */
public record ActivationUri(URI server, String code, Instant expires) {
  public static final String PREFIX = "latchkey://activate?";
  private static final Pattern CODE = Pattern.compile("[0-9A-Z]{4}(-[0-9A-Z]{4}){3,7}");
  private static final int MAX_LENGTH = 2048;

  public ActivationUri {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(expires, "expires");
    String scheme = server.getScheme() == null ? "" : server.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")
        || server.getHost() == null
        || server.getRawQuery() != null
        || server.getRawFragment() != null
        || server.getRawUserInfo() != null) {
      throw new IllegalArgumentException("the server must be a plain http or https URL");
    }
    if (!CODE.matcher(code).matches()) {
      throw new IllegalArgumentException("the activation code is not in the expected form");
    }
  }

  public String toUriString() {
    return PREFIX
        + "server="
        + URLEncoder.encode(server.toString(), StandardCharsets.UTF_8)
        + "&code="
        + code
        + "&expires="
        + URLEncoder.encode(expires.toString(), StandardCharsets.UTF_8);
  }

  /**
   * Parses an activation URI.
   *
   * @throws IllegalArgumentException with a sentence saying what is wrong; never echoes the code
   */
  public static ActivationUri parse(String text) {
    if (text == null || text.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("this is not a Latchkey activation link");
    }
    String trimmed = text.strip();
    if (!trimmed.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      throw new IllegalArgumentException(
          "this is not a Latchkey activation link (it must start with latchkey://activate?)");
    }
    Map<String, String> query = new LinkedHashMap<>();
    for (String pair : trimmed.substring(PREFIX.length()).split("&", -1)) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("the activation link is damaged");
      }
      String key = pair.substring(0, eq);
      String value;
      try {
        value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("the activation link is damaged", e);
      }
      if (query.put(key, value) != null) {
        throw new IllegalArgumentException("the activation link repeats " + key);
      }
    }
    String server = query.get("server");
    String code = query.get("code");
    String expires = query.get("expires");
    if (server == null || code == null || expires == null) {
      throw new IllegalArgumentException(
          "the activation link lacks its server, code or expiry; scan the QR code again");
    }
    try {
      return new ActivationUri(
          URI.create(server), code.toUpperCase(Locale.ROOT), Instant.parse(expires));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("the activation link's expiry is not a time", e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the activation link is damaged: " + firstSentence(e.getMessage()), e);
    }
  }

  private static String firstSentence(String message) {
    return message == null ? "unreadable" : message.split("[:;]", 2)[0];
  }

  /** Hides the code: for logs and error messages. */
  @Override
  public String toString() {
    return "ActivationUri[server=" + server + ", expires=" + expires + "]";
  }
}
