package io.latchkey.server.config;

import io.latchkey.server.web.BodySizeLimitFilter;
import io.latchkey.server.web.CorrelationFilter;
import io.latchkey.server.web.ErrorResponses;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
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

  @Bean
  FilterRegistrationBean<BodySizeLimitFilter> bodySizeLimitFilter(
      ErrorResponses errors, LatchkeyProperties properties) {
    var registration =
        new FilterRegistrationBean<>(new BodySizeLimitFilter(errors, properties.maxRequestBytes()));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
    return registration;
  }

  /** English or Japanese, by Accept-Language; English for anything else. */
  @Bean
  LocaleResolver localeResolver() {
    AcceptHeaderLocaleResolver resolver = new AcceptHeaderLocaleResolver();
    resolver.setSupportedLocales(List.of(Locale.ENGLISH, Locale.JAPANESE));
    resolver.setDefaultLocale(Locale.ENGLISH);
    return resolver;
  }
}
