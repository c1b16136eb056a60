package io.latchkey.server.security;

import io.latchkey.core.user.UserId;
import io.latchkey.core.usertoken.UserTokens;
import java.util.UUID;

/**
 * A caller authenticated by a token of a {@link io.latchkey.core.usertoken.TokenKind}: a user on
 * the user API (from {@code POST /api/v1/user/sessions}), an administrator on the admin API (from
 * {@code POST /api/v1/admin/sessions}; the password and a second factor proven at the token's
 * creation), or a metrics scraper. Carries the session so it can be revoked.
 */
public record ApiUser(UserTokens.Authenticated session) {
  public UserId userId() {
    return session.user().id();
  }

  public String username() {
    return session.user().username().value();
  }

  public UUID sessionId() {
    return session.session().id();
  }

  public io.latchkey.core.usertoken.TokenKind kind() {
    return session.session().kind();
  }

  /** When the token's holder proved the second factor: when it was issued. */
  public java.time.Instant factorProvenAt() {
    return session.session().createdAt();
  }

  public String actor() {
    return kind() == io.latchkey.core.usertoken.TokenKind.METRICS
        ? "metrics-token:" + session.session().name()
        : username();
  }
}
