package io.latchkey.server.security;

import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.user.Accounts;
import io.latchkey.core.user.User;
import io.latchkey.server.web.Correlation;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/** Username and password through {@link Accounts#signIn}, so every attempt is audited. */
public final class PasswordAuthenticationProvider implements AuthenticationProvider {
  private final Accounts accounts;

  public PasswordAuthenticationProvider(Accounts accounts) {
    this.accounts = accounts;
  }

  @Override
  public Authentication authenticate(Authentication authentication) {
    HttpServletRequest request =
        ((ServletRequestAttributes) RequestContextHolder.currentRequestAttributes()).getRequest();
    String username = String.valueOf(authentication.getPrincipal());
    String password = String.valueOf(authentication.getCredentials());
    try {
      User user =
          accounts.checkCredentials(username, password, Correlation.context(request, username));
      // A blocked or disabled administrator's scripts stop working at once.
      io.latchkey.core.verification.Lockout.requireActive(user);
      return authenticated(user);
    } catch (LatchkeyException e) {
      throw new BadCredentialsException("wrong username or password");
    }
  }

  /**
   * The authentication of a password (the API's HTTP Basic, or the first step of a browser sign-in,
   * which has proven no second factor yet).
   */
  public static UsernamePasswordAuthenticationToken authenticated(User user) {
    return authenticated(
        new SignedInUser(
            user.id(), user.username().value(), user.admin(), SignedInUser.Via.PASSWORD, null));
  }

  /** The authentication a signed-in user carries: ROLE_USER, and ROLE_ADMIN for admins. */
  public static UsernamePasswordAuthenticationToken authenticated(SignedInUser principal) {
    List<GrantedAuthority> roles = new ArrayList<>();
    roles.add(new SimpleGrantedAuthority("ROLE_USER"));
    if (principal.admin()) {
      roles.add(new SimpleGrantedAuthority("ROLE_ADMIN"));
    }
    return UsernamePasswordAuthenticationToken.authenticated(principal, null, roles);
  }

  @Override
  public boolean supports(Class<?> type) {
    return UsernamePasswordAuthenticationToken.class.isAssignableFrom(type);
  }
}
