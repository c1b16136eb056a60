package io.latchkey.server.security;

import io.latchkey.core.apikey.ApiKeys;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.user.Accounts;
import io.latchkey.core.user.UserRepository;
import io.latchkey.server.pages.SessionStages;
import io.latchkey.server.web.ErrorResponses;
import io.latchkey.server.web.PageRenderer;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;

/**
 * All of the security set-up in one place (STYLE, Spring reference apps). Two chains: the API
 * ({@code /api/**}: stateless, API keys for applications, HTTP Basic for administrators' scripts)
 * and the pages (session cookie, CSRF on every form, strict headers).
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {
  private static final String CSP =
      "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
          + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  private static final String BASIC = "Basic realm=\"latchkey\"";
  private static final String BEARER_OR_BASIC = "Bearer, " + BASIC;

  /** 401 in the envelope, with the schemes the caller may use. */
  private static AuthenticationEntryPoint unauthorized(ErrorResponses errors, String challenge) {
    return (request, response, e) -> {
      response.setHeader("WWW-Authenticate", challenge);
      errors.writeJson(ErrorCode.UNAUTHORIZED, request, response);
    };
  }

  @Bean
  SecurityContextRepository securityContextRepository() {
    return new HttpSessionSecurityContextRepository();
  }

  /**
   * Operations: health (liveness and readiness, for load balancers) is open; Prometheus metrics
   * need an administrator's HTTP Basic credentials.
   */
  @Bean
  @Order(0)
  SecurityFilterChain operations(
      HttpSecurity http, Accounts accounts, ErrorResponses errors, AuditLog audit, Clock clock)
      throws Exception {
    http.securityMatcher("/actuator/**")
        .csrf(csrf -> csrf.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .authenticationManager(new ProviderManager(new PasswordAuthenticationProvider(accounts)))
        .httpBasic(basic -> basic.authenticationEntryPoint(unauthorized(errors, BASIC)))
        .exceptionHandling(
            ex ->
                ex.authenticationEntryPoint(unauthorized(errors, BASIC))
                    .accessDeniedHandler(new ApiAccessDenied(errors, audit, clock)))
        .authorizeHttpRequests(
            auth ->
                auth.requestMatchers("/actuator/health", "/actuator/health/**")
                    .permitAll()
                    .anyRequest()
                    .hasRole("ADMIN"));
    return http.build();
  }

  @Bean
  @Order(1)
  SecurityFilterChain api(
      HttpSecurity http,
      ApiKeys apiKeys,
      Accounts accounts,
      io.latchkey.core.usertoken.UserTokens userTokens,
      ErrorResponses errors,
      AuditLog audit,
      Clock clock)
      throws Exception {
    http.securityMatcher("/api/**")
        .csrf(csrf -> csrf.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .authenticationManager(new ProviderManager(new PasswordAuthenticationProvider(accounts)))
        .addFilterBefore(new UserTokenFilter(userTokens, errors), BasicAuthenticationFilter.class)
        .addFilterBefore(new ApiKeyFilter(apiKeys, errors), BasicAuthenticationFilter.class)
        .httpBasic(basic -> basic.authenticationEntryPoint(unauthorized(errors, BEARER_OR_BASIC)))
        .exceptionHandling(
            ex ->
                ex.authenticationEntryPoint(unauthorized(errors, BEARER_OR_BASIC))
                    .accessDeniedHandler(new ApiAccessDenied(errors, audit, clock)))
        .headers(h -> h.contentSecurityPolicy(csp -> csp.policyDirectives("default-src 'none'")))
        .authorizeHttpRequests(
            auth ->
                auth.requestMatchers("/api/openapi.json", "/api/openapi.json/**")
                    .permitAll()
                    .requestMatchers("/api/v1/device/**")
                    .permitAll()
                    // The user API: sign in with a second factor, then its token (cloud backup).
                    .requestMatchers(
                        org.springframework.http.HttpMethod.POST, "/api/v1/user/sessions")
                    .permitAll()
                    .requestMatchers("/api/v1/user/**")
                    .hasRole(UserTokenFilter.ROLE)
                    .requestMatchers("/api/v1/verify", "/api/v1/push/**")
                    .hasRole("APP")
                    .requestMatchers("/api/v1/admin/**", "/api/v1/diagnostics/**")
                    .hasRole("ADMIN")
                    .anyRequest()
                    .authenticated());
    return http.build();
  }

  @Bean
  @Order(2)
  SecurityFilterChain pages(
      HttpSecurity http,
      PageRenderer pages,
      AuditLog audit,
      Clock clock,
      SecurityContextRepository contexts,
      SessionStages stages,
      UserRepository users)
      throws Exception {
    PageSecurityHandlers handlers = new PageSecurityHandlers(pages, audit, clock);
    http.securityContext(c -> c.securityContextRepository(contexts))
        // The session's stage against the route's needs: one decision for every page (issue 12).
        .addFilterAfter(
            new StageGate(stages, users, audit, pages, clock), AuthorizationFilter.class)
        .exceptionHandling(
            ex -> ex.authenticationEntryPoint(handlers).accessDeniedHandler(handlers))
        .headers(
            h ->
                h.contentSecurityPolicy(csp -> csp.policyDirectives(CSP))
                    .referrerPolicy(
                        r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER))
                    .frameOptions(f -> f.deny()))
        .logout(l -> l.logoutUrl("/logout").logoutSuccessUrl("/login?signedOut"))
        .authorizeHttpRequests(
            auth ->
                // The open routes are PageAccess's: one table for both decisions.
                auth.requestMatchers(
                        request ->
                            PageAccess.of(request.getMethod(), request.getServletPath())
                                == PageAccess.Requirement.OPEN)
                    .permitAll()
                    // The admin console: administrators only; anyone else gets the 403 page.
                    .requestMatchers("/admin", "/admin/**")
                    .hasRole("ADMIN")
                    .anyRequest()
                    .authenticated());
    return http.build();
  }
}
