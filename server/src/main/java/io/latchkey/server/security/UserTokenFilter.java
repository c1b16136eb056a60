package io.latchkey.server.security;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.usertoken.UserTokens;
import io.latchkey.server.web.Correlation;
import io.latchkey.server.web.ErrorResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code Authorization: Bearer lku_...}: a user who signed in to the user API with a second factor.
 * The token is checked, and its user read afresh, on every request: a blocked or disabled user is
 * refused at once ({@code user_blocked}, {@code user_disabled}); an unknown, expired or revoked
 * token gets {@code unauthorized}. The role is {@code USER_API}, never {@code USER}: HTTP Basic
 * with a password alone must not reach what needs a second factor.
 */
public final class UserTokenFilter extends OncePerRequestFilter {
  public static final String ROLE = "USER_API";

  private final UserTokens tokens;
  private final ErrorResponses errors;

  public UserTokenFilter(UserTokens tokens, ErrorResponses errors) {
    this.tokens = tokens;
    this.errors = errors;
  }

  /** Whether an {@code Authorization} header carries a user API token (not an API key). */
  public static boolean carriesUserToken(String header) {
    return header != null
        && header.regionMatches(true, 0, "Bearer ", 0, 7)
        && header.substring(7).strip().startsWith(UserTokens.TOKEN_PREFIX);
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
              header.substring(7).strip(), Correlation.context(request, "user-api"));
      if (found.isEmpty()) {
        response.setHeader("WWW-Authenticate", "Bearer");
        errors.writeJson(ErrorCode.UNAUTHORIZED, request, response);
        return;
      }
      session = found.get();
    } catch (LatchkeyException e) {
      errors.writeJson(e.code(), request, response);
      return;
    }
    var authentication =
        UsernamePasswordAuthenticationToken.authenticated(
            new ApiUser(session), null, List.of(new SimpleGrantedAuthority("ROLE_" + ROLE)));
    SecurityContextHolder.getContext().setAuthentication(authentication);
    chain.doFilter(request, response);
  }
}
