package io.latchkey.server.config;

import io.latchkey.core.user.PasswordRules;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What a new password must be (issue 14, NIST SP 800-63B): {@code latchkey.password.min-length}
 * code points at least, from 8 (the default) to 64. The other rules are fixed: at most 256
 * characters, no composition rule, not in the shipped list of common passwords ({@link
 * PasswordRules}).
 */
@ConfigurationProperties("latchkey.password")
public record PasswordProperties(@DefaultValue("8") int minLength) {
  public PasswordProperties {
    if (minLength < PasswordRules.DEFAULT_MIN_LENGTH || minLength > PasswordRules.MAX_MIN_LENGTH) {
      throw new IllegalArgumentException(
          "latchkey.password.min-length must be from "
              + PasswordRules.DEFAULT_MIN_LENGTH
              + " to "
              + PasswordRules.MAX_MIN_LENGTH);
    }
  }
}
