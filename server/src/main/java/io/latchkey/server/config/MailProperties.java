package io.latchkey.server.config;

import io.latchkey.core.notice.NoticePolicy;
import io.latchkey.core.user.EmailAddress;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Security notices by email ({@code latchkey.mail.*}, or {@code LATCHKEY_MAIL_*}), each in the
 * README's configuration table. Mail is off while {@code host} is empty: notices are then only
 * shown on the user's page.
 *
 * @param host the SMTP server; empty: no mail
 * @param port its port (25 for a relay, 587 for submission with STARTTLS)
 * @param from the sender address of every notice (required with a host)
 * @param username SMTP user name; empty: no authentication
 * @param password SMTP password
 * @param starttls require STARTTLS (the connection fails rather than falls back to plain text)
 * @param maxAttempts delivery attempts before a notice is marked failed
 * @param retryDelay the wait after the first failed attempt (doubling after each further one)
 * @param pollInterval how often each node looks for notices to send
 * @param timeout connect, read and write timeout of one SMTP conversation
 */
@ConfigurationProperties("latchkey.mail")
public record MailProperties(
    @DefaultValue("") String host,
    @DefaultValue("25") int port,
    @DefaultValue("") String from,
    @DefaultValue("") String username,
    @DefaultValue("") String password,
    @DefaultValue("false") boolean starttls,
    @DefaultValue("5") int maxAttempts,
    @DefaultValue("1m") Duration retryDelay,
    @DefaultValue("10s") Duration pollInterval,
    @DefaultValue("20s") Duration timeout) {

  public MailProperties {
    host = host == null ? "" : host.strip();
    from = from == null ? "" : from.strip();
    username = username == null ? "" : username;
    password = password == null ? "" : password;
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("latchkey.mail.port must be between 1 and 65535");
    }
    if (!host.isEmpty() && from.isEmpty()) {
      throw new IllegalArgumentException(
          "latchkey.mail.from is required when latchkey.mail.host is set");
    }
    if (!from.isEmpty()) {
      try {
        EmailAddress.of(from);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "latchkey.mail.from is not a valid address: " + e.getMessage());
      }
    }
    if (pollInterval.compareTo(Duration.ofMillis(50)) < 0) {
      throw new IllegalArgumentException("latchkey.mail.poll-interval must be at least 50ms");
    }
    if (timeout.compareTo(Duration.ofSeconds(1)) < 0
        || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new IllegalArgumentException("latchkey.mail.timeout must be between 1s and 5m");
    }
    policy(host, maxAttempts, retryDelay, timeout); // the core's range checks, at start-up
  }

  public boolean enabled() {
    return !host.isEmpty();
  }

  public NoticePolicy policy() {
    return policy(host, maxAttempts, retryDelay, timeout);
  }

  /**
   * A claim outlives a sender that died mid-conversation: three timeouts (connect, write, read) and
   * a margin, so a slow but live sender is never overtaken.
   */
  private static NoticePolicy policy(
      String host, int maxAttempts, Duration retryDelay, Duration timeout) {
    return new NoticePolicy(
        !host.isEmpty(), maxAttempts, retryDelay, timeout.multipliedBy(3).plusMinutes(1));
  }
}
