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
 * @param stepUpWindow how recently a browser session must have proven a second factor to add,
 *     remove or replace a method or issue backup codes (SECURITY-TESTS D3), and how recently an
 *     admin token's factor was proven for a sensitive admin API call (issue 12)
 * @param adminTokenLifetime how long a token from {@code latchkey admin login} works (1m to 12h)
 */
@ConfigurationProperties("latchkey")
public record LatchkeyProperties(
    @DefaultValue("./data") Path data,
    @DefaultValue("Latchkey") String issuer,
    @DefaultValue("5m") Duration registrationStepDeadline,
    @DefaultValue("1") int driftWindow,
    @DefaultValue("10") int lockoutThreshold,
    @DefaultValue("65536") int maxRequestBytes,
    @DefaultValue("10m") Duration stepUpWindow,
    @DefaultValue("1h") Duration adminTokenLifetime) {

  public LatchkeyProperties {
    if (driftWindow < 0 || driftWindow > 10) {
      throw new IllegalArgumentException("latchkey.drift-window must be between 0 and 10");
    }
    if (stepUpWindow.compareTo(Duration.ofMinutes(1)) < 0
        || stepUpWindow.compareTo(Duration.ofHours(12)) > 0) {
      throw new IllegalArgumentException("latchkey.step-up-window must be from 1m to 12h");
    }
    if (adminTokenLifetime.compareTo(Duration.ofMinutes(1)) < 0
        || adminTokenLifetime.compareTo(io.latchkey.core.usertoken.AdminTokens.MAX_LIFETIME) > 0) {
      throw new IllegalArgumentException("latchkey.admin-token-lifetime must be from 1m to 12h");
    }
    if (maxRequestBytes < 1024) {
      throw new IllegalArgumentException("latchkey.max-request-bytes must be at least 1024");
    }
  }
}
