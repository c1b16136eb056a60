package io.latchkey.server.config;

import io.latchkey.core.alert.AlertRepository;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.crypto.SecretCipher;
import io.latchkey.core.enrollment.RegistrationPolicy;
import io.latchkey.core.method.MethodRepository;
import io.latchkey.core.push.ActivationCodes;
import io.latchkey.core.push.ChallengePublisher;
import io.latchkey.core.push.ChallengeRepository;
import io.latchkey.core.push.ChallengeService;
import io.latchkey.core.push.DeviceAuthenticator;
import io.latchkey.core.push.NumberSource;
import io.latchkey.core.push.PushBlockRepository;
import io.latchkey.core.push.PushDeviceRepository;
import io.latchkey.core.push.PushEnrollmentRepository;
import io.latchkey.core.push.PushEnrollmentService;
import io.latchkey.core.push.PushPolicy;
import io.latchkey.core.tx.Transactions;
import io.latchkey.core.user.UserRepository;
import io.latchkey.core.verification.Lockout;
import io.latchkey.store.JdbcAlertRepository;
import io.latchkey.store.JdbcChallengeRepository;
import io.latchkey.store.JdbcPushBlockRepository;
import io.latchkey.store.JdbcPushDeviceRepository;
import io.latchkey.store.JdbcPushEnrollmentRepository;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.function.Supplier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Wires push approval: devices, registrations, challenges, their stores. */
@Configuration(proxyBeanMethods = false)
public class PushConfiguration {

  /**
   * LISTEN/NOTIFY when the database is PostgreSQL (several nodes), else a poll of the table (the
   * embedded database).
   */
  @Bean
  io.latchkey.server.push.ClusterFeed clusterFeed(
      javax.sql.DataSource dataSource,
      JdbcClient jdbc,
      org.springframework.core.env.Environment environment) {
    String url = environment.getProperty("spring.datasource.url", "");
    if (url.startsWith("jdbc:postgresql:")) {
      return new io.latchkey.server.push.PostgresClusterFeed(dataSource, jdbc);
    }
    return new io.latchkey.server.push.PollingClusterFeed(jdbc);
  }

  @Bean
  PushDeviceRepository pushDeviceRepository(JdbcClient jdbc) {
    return new JdbcPushDeviceRepository(jdbc);
  }

  @Bean
  PushEnrollmentRepository pushEnrollmentRepository(JdbcClient jdbc) {
    return new JdbcPushEnrollmentRepository(jdbc);
  }

  @Bean
  ChallengeRepository challengeRepository(JdbcClient jdbc, Transactions transactions) {
    return new JdbcChallengeRepository(jdbc, transactions);
  }

  @Bean
  PushBlockRepository pushBlockRepository(JdbcClient jdbc) {
    return new JdbcPushBlockRepository(jdbc);
  }

  @Bean
  AlertRepository alertRepository(JdbcClient jdbc) {
    return new JdbcAlertRepository(jdbc);
  }

  @Bean
  io.latchkey.core.alert.Alerts alerts(
      AlertRepository alerts, io.latchkey.core.audit.AuditLog audit, java.time.Clock clock) {
    return new io.latchkey.core.alert.Alerts(alerts, audit, clock);
  }

  /** Checked by {@link RegistrationSweeper} on every sweep. */
  @Bean
  io.latchkey.core.clock.ClockWatch clockWatch(
      AlertRepository alerts, io.latchkey.core.audit.AuditLog audit, java.time.Clock clock) {
    return new io.latchkey.core.clock.ClockWatch(clock, System::nanoTime, alerts, audit);
  }

  @Bean
  NumberSource numberSource(SecureRandom random) {
    return new NumberSource(random);
  }

  @Bean
  DeviceAuthenticator deviceAuthenticator(
      PushDeviceRepository devices, AuditLog audit, Clock clock) {
    return new DeviceAuthenticator(devices, audit, clock);
  }

  @Bean
  PushEnrollmentService pushEnrollmentService(
      PushEnrollmentRepository enrollments,
      PushDeviceRepository devices,
      ChallengeRepository challenges,
      ChallengePublisher publisher,
      MethodRepository methods,
      UserRepository users,
      Transactions transactions,
      SecretCipher cipher,
      NumberSource numbers,
      AuditLog audit,
      Clock clock,
      Supplier<RegistrationPolicy> registration,
      Supplier<PushPolicy> policy,
      io.latchkey.core.notice.Notices notices,
      io.latchkey.core.policy.AutoBlock autoBlock) {
    return new PushEnrollmentService(
        enrollments,
        devices,
        challenges,
        publisher,
        methods,
        users,
        transactions,
        new ActivationCodes(cipher),
        numbers,
        audit,
        clock,
        registration,
        policy,
        notices,
        autoBlock);
  }

  @Bean
  ChallengeService challengeService(
      ChallengeRepository challenges,
      PushDeviceRepository devices,
      PushBlockRepository blocks,
      AlertRepository alerts,
      UserRepository users,
      PushEnrollmentService registrations,
      ChallengePublisher publisher,
      Lockout lockout,
      NumberSource numbers,
      AuditLog audit,
      Clock clock,
      Supplier<PushPolicy> policy,
      io.latchkey.core.policy.AutoBlock autoBlock) {
    return new ChallengeService(
        challenges,
        devices,
        blocks,
        alerts,
        users,
        registrations,
        publisher,
        lockout,
        numbers,
        audit,
        clock,
        policy,
        autoBlock);
  }
}
