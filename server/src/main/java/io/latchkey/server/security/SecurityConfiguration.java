package io.latchkey.server.security;

import io.latchkey.core.apikey.ApiKeys;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.user.UserRepository;
import io.latchkey.core.usertoken.UserTokens;
import io.latchkey.server.pages.SessionStages;
import io.latchkey.server.web.ErrorResponses;
import io.latchkey.server.web.PageRenderer;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;

/**
 * All of the security set-up in one place (STYLE, Spring reference apps). Three chains: the
 * operations endpoints ({@code /actuator/**}: metrics and admin tokens), the API ({@code /api/**}:
 * stateless, API keys for applications, tokens for users and administrators, never HTTP Basic) and
 * the pages (session cookie, CSRF on every form, strict headers).
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {
  private static final String CSP =
      "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
          + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  @Bean
  SecurityContextRepository securityContextRepository() {
    return new HttpSessionSecurityContextRepository();
  }

  /**
   * Operations: health (liveness and readiness, for load balancers) is open; the metrics need a
   * metrics token or an admin token. HTTP Basic is not accepted (issue 12): a password alone never
   * opens anything here.
   */
  @Bean
  @Order(0)
  SecurityFilterChain operations(
      HttpSecurity http, UserTokens tokens, ErrorResponses errors, AdminApiAccess admin)
      throws Exception {
    http.securityMatcher("/actuator/**")
        .csrf(csrf -> csrf.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .addFilterBefore(new UserTokenFilter(tokens, errors, admin), AuthorizationFilter.class)
        .exceptionHandling(ex -> ex.authenticationEntryPoint(admin).accessDeniedHandler(admin))
        .authorizeHttpRequests(
            auth ->
                auth.requestMatchers("/actuator/health", "/actuator/health/**")
                    .permitAll()
                    .anyRequest()
                    .hasRole(UserTokenFilter.METRICS_ROLE));
    return http.build();
  }

  /**
   * The API: stateless; API keys for applications, tokens for users and administrators, no HTTP
   * Basic. The admin API needs an admin token; the sensitive changes below need one whose factor is
   * within the step-up window ({@link AdminApiAccess}; creating an administrator is checked where
   * the body is read).
   */
  @Bean
  @Order(1)
  SecurityFilterChain api(
      HttpSecurity http,
      ApiKeys apiKeys,
      UserTokens userTokens,
      ErrorResponses errors,
      AdminApiAccess admin)
      throws Exception {
    http.securityMatcher("/api/**")
        .csrf(csrf -> csrf.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .addFilterBefore(new UserTokenFilter(userTokens, errors, admin), AuthorizationFilter.class)
        .addFilterBefore(new ApiKeyFilter(apiKeys, errors), AuthorizationFilter.class)
        .exceptionHandling(ex -> ex.authenticationEntryPoint(admin).accessDeniedHandler(admin))
        .headers(h -> h.contentSecurityPolicy(csp -> csp.policyDirectives("default-src 'none'")))
        .authorizeHttpRequests(
            auth ->
                auth.requestMatchers(
                        "/api/openapi.json", "/api/openapi.json/**", "/api/openapi.json.yaml")
                    .permitAll()
                    .requestMatchers("/api/v1/device/**")
                    .permitAll()
                    // The user API: sign in with a second factor, then its token (cloud backup).
                    .requestMatchers(HttpMethod.POST, "/api/v1/user/sessions")
                    .permitAll()
                    .requestMatchers("/api/v1/user/**")
                    .hasRole(UserTokenFilter.ROLE)
                    .requestMatchers("/api/v1/verify", "/api/v1/push/**")
                    .hasRole("APP")
                    // Admin login: the password and a second factor give the admin token.
                    .requestMatchers(
                        HttpMethod.POST, "/api/v1/admin/sessions", "/api/v1/admin/sessions/push/*")
                    .permitAll()
                    // Protective one-click actions and signing out work with an older factor,
                    // as in the console.
                    .requestMatchers(
                        HttpMethod.POST,
                        "/api/v1/admin/users/*/block",
                        "/api/v1/admin/alerts/*/acknowledge")
                    .hasRole(UserTokenFilter.ADMIN_ROLE)
                    .requestMatchers(HttpMethod.DELETE, "/api/v1/admin/sessions/current")
                    .hasRole(UserTokenFilter.ADMIN_ROLE)
                    // Step-up (issue 12): every other change (an account handed over, the rules,
                    // a notice address, a new credential such as an API key or a metrics token)
                    // needs a factor proven within the step-up window, like the console's.
                    .requestMatchers(HttpMethod.POST, "/api/v1/admin/**")
                    .access(admin.freshFactor())
                    .requestMatchers(HttpMethod.PUT, "/api/v1/admin/**")
                    .access(admin.freshFactor())
                    .requestMatchers(HttpMethod.PATCH, "/api/v1/admin/**")
                    .access(admin.freshFactor())
                    .requestMatchers(HttpMethod.DELETE, "/api/v1/admin/**")
                    .access(admin.freshFactor())
                    .requestMatchers("/api/v1/admin/**", "/api/v1/diagnostics/**")
                    .hasRole(UserTokenFilter.ADMIN_ROLE)
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
