package io.latchkey.server.security;

import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.usertoken.TokenKind;
import io.latchkey.core.usertoken.UserTokens;
import io.latchkey.server.web.Correlation;
import io.latchkey.server.web.ErrorResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code Authorization: Bearer lku_... | lka_... | lkm_...}: a token of {@link TokenKind}. The
 * token is checked, and its user read afresh, on every request: a blocked or disabled user is
 * refused at once ({@code user_blocked}, {@code user_disabled}); an unknown, expired or revoked
 * token gets {@code unauthorized}. Each kind has its own role, never {@code USER} or {@code ADMIN}
 * (the browser's): a user token ({@code USER_API}) opens the user API only; an admin token ({@code
 * ADMIN_API}, {@code METRICS}) the admin API and the metrics, not the user API (an administrator's
 * own backup goes through a user token, so one leaked token never opens both); a metrics token
 * ({@code METRICS}) the metrics only.
 */
public final class UserTokenFilter extends OncePerRequestFilter {
  public static final String ROLE = "USER_API";
  public static final String ADMIN_ROLE = "ADMIN_API";
  public static final String METRICS_ROLE = "METRICS";

  private final UserTokens tokens;
  private final ErrorResponses errors;
  private final AuthenticationEntryPoint refused;

  /**
   * @param refused answers a token that is unknown, expired or revoked (the chain's entry point: on
   *     the admin API it says how to sign in again)
   */
  public UserTokenFilter(
      UserTokens tokens, ErrorResponses errors, AuthenticationEntryPoint refused) {
    this.tokens = tokens;
    this.errors = errors;
    this.refused = refused;
  }

  /**
   * Whether an {@code Authorization} header carries a token of a {@link TokenKind} (no API key).
   */
  public static boolean carriesUserToken(String header) {
    return header != null
        && header.regionMatches(true, 0, "Bearer ", 0, 7)
        && TokenKind.ofToken(header.substring(7).strip()).isPresent();
  }

  private static List<SimpleGrantedAuthority> roles(TokenKind kind) {
    return switch (kind) {
      case USER -> List.of(new SimpleGrantedAuthority("ROLE_" + ROLE));
      case ADMIN ->
          List.of(
              new SimpleGrantedAuthority("ROLE_" + ADMIN_ROLE),
              new SimpleGrantedAuthority("ROLE_" + METRICS_ROLE));
      case METRICS -> List.of(new SimpleGrantedAuthority("ROLE_" + METRICS_ROLE));
      case ADMIN_PUSH -> List.of();
    };
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String header = request.getHeader("Authorization");
    if (!carriesUserToken(header)) {
      chain.doFilter(request, response);
      return;
    }
    UserTokens.Authenticated session;
    try {
      var found =
          tokens.authenticate(
              header.substring(7).strip(), Correlation.context(request, "api-token"));
      if (found.isEmpty()) {
        refused.commence(
            request, response, new BadCredentialsException("unknown, expired or revoked token"));
        return;
      }
      session = found.get();
    } catch (LatchkeyException e) {
      errors.writeJson(e.code(), request, response);
      return;
    }
    var authentication =
        UsernamePasswordAuthenticationToken.authenticated(
            new ApiUser(session), null, roles(session.session().kind()));
    SecurityContextHolder.getContext().setAuthentication(authentication);
    chain.doFilter(request, response);
  }
}
