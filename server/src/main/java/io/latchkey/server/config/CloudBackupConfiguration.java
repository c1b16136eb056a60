package io.latchkey.server.config;

import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.cloudbackup.CloudBackupRepository;
import io.latchkey.core.cloudbackup.CloudBackups;
import io.latchkey.core.cloudbackup.RecoveryNotice;
import io.latchkey.core.push.ChallengeService;
import io.latchkey.core.push.DeviceRebinding;
import io.latchkey.core.push.PushDeviceRepository;
import io.latchkey.core.push.PushPolicy;
import io.latchkey.core.tx.Transactions;
import io.latchkey.core.user.Accounts;
import io.latchkey.core.user.UserRepository;
import io.latchkey.core.usertoken.AdminTokens;
import io.latchkey.core.usertoken.UserTokenRepository;
import io.latchkey.core.usertoken.UserTokens;
import io.latchkey.core.verification.VerificationService;
import io.latchkey.store.JdbcCloudBackupRepository;
import io.latchkey.store.JdbcUserTokenRepository;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.function.Supplier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;

/** Wires the user API: sessions, the encrypted backup, re-binding a restored push device. */
@Configuration(proxyBeanMethods = false)
public class CloudBackupConfiguration {

  @Bean
  UserTokenRepository userTokenRepository(JdbcClient jdbc) {
    return new JdbcUserTokenRepository(jdbc);
  }

  @Bean
  UserTokens userTokens(
      Accounts accounts,
      VerificationService verification,
      UserRepository users,
      UserTokenRepository tokens,
      AuditLog audit,
      Clock clock,
      SecureRandom random,
      UserApiProperties properties,
      io.latchkey.core.user.PasswordChanges passwords) {
    return new UserTokens(
        accounts,
        verification,
        users,
        tokens,
        audit,
        clock,
        random,
        properties.tokenTtl(),
        passwords);
  }

  /** Admin login (issue 12): admin and metrics tokens in the user API's token table. */
  @Bean
  AdminTokens adminTokens(
      Accounts accounts,
      VerificationService verification,
      ChallengeService challenges,
      UserTokens tokens,
      UserRepository users,
      AuditLog audit,
      Clock clock,
      LatchkeyProperties properties,
      io.latchkey.core.user.PasswordChanges passwords) {
    return new AdminTokens(
        accounts,
        verification,
        challenges,
        tokens,
        users,
        audit,
        clock,
        properties.adminTokenLifetime(),
        passwords);
  }

  @Bean
  CloudBackupRepository cloudBackupRepository(JdbcClient jdbc) {
    return new JdbcCloudBackupRepository(jdbc);
  }

  @Bean
  CloudBackups cloudBackups(
      CloudBackupRepository backups,
      Transactions transactions,
      AuditLog audit,
      Clock clock,
      UserApiProperties properties) {
    return new CloudBackups(backups, transactions, audit, clock, properties.maxBackupBytes());
  }

  /**
   * The RECOVERY notice of {@link DeviceRebinding}: written with the re-binding, in its
   * transaction, mailed and shown on the user's page like every other notice.
   */
  @Bean
  RecoveryNotice recoveryNotice(io.latchkey.core.notice.Notices notices) {
    return (user, context, facts) ->
        notices.send(user, io.latchkey.core.notice.NoticeKind.RECOVERY, context, facts);
  }

  @Bean
  DeviceRebinding deviceRebinding(
      PushDeviceRepository devices,
      Transactions transactions,
      AuditLog audit,
      Clock clock,
      Supplier<PushPolicy> policy,
      RecoveryNotice notice) {
    return new DeviceRebinding(devices, transactions, audit, clock, policy, notice);
  }

  /** Forgets user API sessions a day after they expired; safe on several nodes. */
  @Bean
  UserTokenSweeper userTokenSweeper(UserTokens tokens) {
    return new UserTokenSweeper(tokens);
  }

  /** The scheduled part of {@link UserTokens#sweep}. */
  public static final class UserTokenSweeper {
    private final UserTokens tokens;

    UserTokenSweeper(UserTokens tokens) {
      this.tokens = tokens;
    }

    @Scheduled(fixedDelayString = "${latchkey.sweep-interval:30s}", initialDelayString = "30s")
    public void sweep() {
      try {
        tokens.sweep();
      } catch (RuntimeException e) {
        if (!io.latchkey.server.web.ErrorCodes.databaseUnavailable(e)) {
          throw e;
        }
        org.slf4j.LoggerFactory.getLogger(UserTokenSweeper.class)
            .warn("user API session sweep skipped, database unavailable: {}", e.toString());
      }
    }
  }
}
