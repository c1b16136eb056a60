package io.latchkey.server.config;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Everything an administrator configures, with its default. Each option is in the README's
 * configuration table; each can be set as {@code --latchkey.x=...} or {@code LATCHKEY_X}.
 *
 * @param data the data folder: embedded database, key file, initial admin password
 * @param issuer the name authenticator apps show next to the account
 * @param registrationStepDeadline how long each registration step may take
 * @param driftWindow TOTP steps accepted either side of the server's current step
 * @param lockoutThreshold consecutive failed codes after which a user is blocked
 * @param maxRequestBytes largest request body accepted
 */
@ConfigurationProperties("latchkey")
public record LatchkeyProperties(
    @DefaultValue("./data") Path data,
    @DefaultValue("Latchkey") String issuer,
    @DefaultValue("5m") Duration registrationStepDeadline,
    @DefaultValue("1") int driftWindow,
    @DefaultValue("10") int lockoutThreshold,
    @DefaultValue("65536") int maxRequestBytes) {

  public LatchkeyProperties {
    if (driftWindow < 0 || driftWindow > 10) {
      throw new IllegalArgumentException("latchkey.drift-window must be between 0 and 10");
    }
    if (maxRequestBytes < 1024) {
      throw new IllegalArgumentException("latchkey.max-request-bytes must be at least 1024");
    }
  }
}
