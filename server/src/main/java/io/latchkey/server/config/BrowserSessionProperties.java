package io.latchkey.server.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Browser sessions ({@code latchkey.session.*}; README's configuration table). The idle limit is
 * {@code server.servlet.session.timeout}.
 *
 * @param absoluteLifetime how long after its sign-in a session ends, however active it is (default
 *     12 h; 5 minutes to 30 days)
 */
@ConfigurationProperties("latchkey.session")
public record BrowserSessionProperties(@DefaultValue("12h") Duration absoluteLifetime) {

  public BrowserSessionProperties {
    if (absoluteLifetime.compareTo(Duration.ofMinutes(5)) < 0
        || absoluteLifetime.compareTo(Duration.ofDays(30)) > 0) {
      throw new IllegalArgumentException(
          "latchkey.session.absolute-lifetime must be between 5m and 30d");
    }
  }
}
