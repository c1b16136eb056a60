package io.latchkey.bench;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The {@code Authorization} header of the load generators' admin API calls. Since issue 12 the
 * server takes an admin token only ({@code latchkey admin login}: the password and a second
 * factor), given here in {@code LATCHKEY_ADMIN_TOKEN}; without it, HTTP Basic with the password is
 * sent, which only a server from before issue 12 accepts (the 401 then says to sign in).
 */
final class AdminAuthorization {
  static final String TOKEN_VARIABLE = "LATCHKEY_ADMIN_TOKEN";

  /** What a 401 from the admin API most likely means. */
  static final String HINT =
      " (no admin login? sign in with 'latchkey admin login' and set " + TOKEN_VARIABLE + ")";

  private AdminAuthorization() {}

  static String header(String adminUser, String adminPassword) {
    String token = System.getenv(TOKEN_VARIABLE);
    if (token != null && !token.isBlank()) {
      return "Bearer " + token.strip();
    }
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((adminUser + ":" + adminPassword).getBytes(StandardCharsets.UTF_8));
  }
}
