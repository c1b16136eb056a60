package io.latchkey.server.config;

import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.notice.Notices;
import io.latchkey.core.tx.Transactions;
import io.latchkey.core.user.Accounts;
import io.latchkey.core.user.BoundedPasswordHasher;
import io.latchkey.core.user.PasswordChanges;
import io.latchkey.core.user.PasswordRules;
import io.latchkey.core.user.UserRepository;
import io.latchkey.core.user.UserSessions;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The password rules and every change of a password (issue 14). */
@Configuration(proxyBeanMethods = false)
public class PasswordConfiguration {
  @Bean
  PasswordRules passwordRules(PasswordProperties properties) {
    return PasswordRules.shipped(properties.minLength());
  }

  @Bean
  PasswordChanges passwordChanges(
      UserRepository users,
      Accounts accounts,
      PasswordRules rules,
      BoundedPasswordHasher hasher,
      Transactions transactions,
      Notices notices,
      UserSessions sessions,
      AuditLog audit,
      Clock clock,
      LatchkeyProperties properties) {
    return new PasswordChanges(
        new PasswordChanges.Dependencies(
            users,
            accounts,
            rules,
            hasher,
            transactions,
            notices,
            sessions,
            audit,
            clock,
            user -> AdminBootstrap.forget(properties.data(), user)));
  }
}
