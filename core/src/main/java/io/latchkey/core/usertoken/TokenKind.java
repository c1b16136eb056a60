package io.latchkey.core.usertoken;

import java.util.Optional;

/**
 * What an API token opens, told apart by its prefix before any lookup (and checked against the
 * stored kind after it, so a token of one kind never passes for another).
 */
public enum TokenKind {
  /** The user API ({@code /api/v1/user/**}): the password and a second factor, minutes. */
  USER("lku_"),
  /** The admin API and the metrics: an administrator's password and second factor, an hour. */
  ADMIN("lka_"),
  /**
   * Read-only metrics ({@code /actuator/**}) for a scraper; made with an admin token, long-lived.
   */
  METRICS("lkm_"),
  /**
   * An admin login waiting for its push approval: the token is the poll secret that alone may
   * collect the admin token once the phone approved; it opens nothing itself.
   */
  ADMIN_PUSH("lkp_");

  private final String prefix;

  TokenKind(String prefix) {
    this.prefix = prefix;
  }

  public String prefix() {
    return prefix;
  }

  /** The kind a token's prefix names; empty for anything else (an API key {@code lk_...}). */
  public static Optional<TokenKind> ofToken(String token) {
    if (token == null) {
      return Optional.empty();
    }
    for (TokenKind kind : values()) {
      if (token.startsWith(kind.prefix)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }
}
