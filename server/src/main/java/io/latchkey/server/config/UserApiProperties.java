package io.latchkey.server.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The user API ({@code /api/v1/user/**}: sign-in with a second factor, the app's encrypted backup,
 * re-binding a push device). Each option is in the README's configuration table.
 *
 * @param tokenTtl how long a token from {@code POST /api/v1/user/sessions} works (at most 1 h)
 * @param maxBackupBytes the largest backup the server keeps per user
 */
@ConfigurationProperties("latchkey.user-api")
public record UserApiProperties(
    @DefaultValue("10m") Duration tokenTtl, @DefaultValue("1048576") int maxBackupBytes) {

  public UserApiProperties {
    if (tokenTtl.isNegative() || tokenTtl.isZero() || tokenTtl.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("latchkey.user-api.token-ttl must be between 1s and 1h");
    }
    if (maxBackupBytes < 1024 || maxBackupBytes > 16 * 1024 * 1024) {
      throw new IllegalArgumentException(
          "latchkey.user-api.max-backup-bytes must be between 1024 and 16777216");
    }
  }
}
