package io.latchkey.server.config;

import io.latchkey.server.web.BodySizeLimitFilter;
import io.latchkey.server.web.ContainerErrorValve;
import io.latchkey.server.web.CorrelationFilter;
import io.latchkey.server.web.PageRenderer;
import io.latchkey.server.web.SessionCookies;
import io.latchkey.server.web.TrustedProxies;
import io.latchkey.server.web.TrustedProxyFilter;
import jakarta.servlet.http.HttpServletRequest;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.session.web.http.CookieSerializer;
import org.springframework.web.servlet.LocaleResolver;
import org.springframework.web.servlet.i18n.AcceptHeaderLocaleResolver;

/** Filters that run before everything else, and the reader's language from Accept-Language. */
@Configuration(proxyBeanMethods = false)
public class WebConfiguration {

  @Bean
  FilterRegistrationBean<CorrelationFilter> correlationFilter(SecureRandom random) {
    var registration = new FilterRegistrationBean<>(new CorrelationFilter(random));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return registration;
  }

  /** The trusted proxies' forwarded headers, before anything reads the address or the scheme. */
  @Bean
  FilterRegistrationBean<TrustedProxyFilter> trustedProxyFilter(TrustedProxies proxies) {
    var registration = new FilterRegistrationBean<>(new TrustedProxyFilter(proxies));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
    return registration;
  }

  /** The session cookie: {@code __Host-} and {@code Secure} over TLS (SessionCookies). */
  @Bean
  CookieSerializer sessionCookies() {
    return new SessionCookies();
  }

  /**
   * {@code latchkey.trusted-proxies}: refused at start when an entry is not an address or range.
   */
  @Bean
  TrustedProxies trustedProxies(@Value("${latchkey.trusted-proxies:}") List<String> entries) {
    return TrustedProxies.of(entries);
  }

  @Bean
  FilterRegistrationBean<BodySizeLimitFilter> bodySizeLimitFilter(
      PageRenderer pages, LatchkeyProperties properties, UserApiProperties userApi) {
    long backupLimit = Math.max(properties.maxRequestBytes(), userApi.maxBackupBytes());
    var registration =
        new FilterRegistrationBean<>(
            new BodySizeLimitFilter(
                pages,
                request ->
                    io.latchkey.server.api.UserBackupController.PATH.equals(request.getRequestURI())
                        ? backupLimit
                        : properties.maxRequestBytes()));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
    return registration;
  }

  /**
   * Replaces Tomcat's error report (and the one Spring Boot configures) with {@link
   * ContainerErrorValve}, so that requests Tomcat refuses itself also get a correlation ID and the
   * envelope. Registered as the host's error report valve class, so Tomcat adds no other.
   */
  @Bean
  WebServerFactoryCustomizer<TomcatServletWebServerFactory> containerErrorValve(
      ObjectProvider<PageRenderer> pages, SecureRandom random) {
    return factory ->
        factory.addContextCustomizers(
            context -> {
              StandardHost host = (StandardHost) context.getParent();
              for (Valve valve : host.getPipeline().getValves()) {
                if (valve instanceof ErrorReportValve) {
                  host.getPipeline().removeValve(valve);
                }
              }
              host.setErrorReportValveClass(ContainerErrorValve.class.getName());
              host.getPipeline()
                  .addValve(
                      new ContainerErrorValve(
                          pages::getObject, context.getServletContext(), random));
            });
  }

  /**
   * English or Japanese, by Accept-Language; English for anything else, including a header Spring
   * Security's firewall will not hand out: it throws on reading a value with bytes outside ASCII,
   * and the error page, which needs a language too, then failed the same way (a 400 with no body;
   * issue 13, found by HttpFuzzIT).
   */
  @Bean
  LocaleResolver localeResolver() {
    AcceptHeaderLocaleResolver resolver =
        new AcceptHeaderLocaleResolver() {
          @Override
          public Locale resolveLocale(HttpServletRequest request) {
            try {
              return super.resolveLocale(request);
            } catch (RequestRejectedException unreadable) {
              return Locale.ENGLISH;
            }
          }
        };
    resolver.setSupportedLocales(List.of(Locale.ENGLISH, Locale.JAPANESE));
    resolver.setDefaultLocale(Locale.ENGLISH);
    return resolver;
  }
}
