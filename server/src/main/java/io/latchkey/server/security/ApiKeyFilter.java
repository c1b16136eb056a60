package io.latchkey.server.security;

import io.latchkey.core.apikey.ApiKeys;
import io.latchkey.core.error.ErrorCode;
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
 * {@code Authorization: Bearer lk_...}: a relying application. An unknown or revoked token is
 * refused here with {@code unauthorized}; it never falls through to another scheme.
 */
public final class ApiKeyFilter extends OncePerRequestFilter {
  private final ApiKeys apiKeys;
  private final ErrorResponses errors;

  public ApiKeyFilter(ApiKeys apiKeys, ErrorResponses errors) {
    this.apiKeys = apiKeys;
    this.errors = errors;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String header = request.getHeader("Authorization");
    if (header == null
        || !header.regionMatches(true, 0, "Bearer ", 0, 7)
        || UserTokenFilter.carriesUserToken(header)) { // a user API token: UserTokenFilter's
      chain.doFilter(request, response);
      return;
    }
    var key = apiKeys.authenticate(header.substring(7).strip());
    if (key.isEmpty()) {
      response.setHeader("WWW-Authenticate", "Bearer");
      errors.writeJson(ErrorCode.UNAUTHORIZED, request, response);
      return;
    }
    var client = new ApiClient(key.get().id(), key.get().name());
    var authentication =
        UsernamePasswordAuthenticationToken.authenticated(
            client, null, List.of(new SimpleGrantedAuthority("ROLE_APP")));
    SecurityContextHolder.getContext().setAuthentication(authentication);
    chain.doFilter(request, response);
  }
}
