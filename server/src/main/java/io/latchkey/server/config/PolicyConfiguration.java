package io.latchkey.server.config;

import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.enrollment.RegistrationPolicy;
import io.latchkey.core.method.MethodKind;
import io.latchkey.core.policy.ActivityRepository;
import io.latchkey.core.policy.AutoBlock;
import io.latchkey.core.policy.AutoBlockRules;
import io.latchkey.core.policy.Policies;
import io.latchkey.core.policy.Policy;
import io.latchkey.core.policy.PolicyRepository;
import io.latchkey.core.push.PushPolicy;
import io.latchkey.core.user.UserRepository;
import io.latchkey.store.JdbcActivityRepository;
import io.latchkey.store.JdbcPolicyRepository;
import java.time.Clock;
import java.util.EnumSet;
import java.util.function.Supplier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The policy: version 0 from the configuration ({@link LatchkeyProperties}, {@link
 * PushProperties}), later versions from the database. Every service reads it through the suppliers
 * below on each use, so a change applies on every node without a restart (within {@link
 * Policies#CACHE_BOUND}).
 */
@Configuration(proxyBeanMethods = false)
public class PolicyConfiguration {

  /** What the configuration says: the policy until an administrator changes it. */
  static Policy initialPolicy(LatchkeyProperties properties, PushProperties push) {
    return new Policy(
        properties.registrationStepDeadline(),
        properties.driftWindow(),
        properties.lockoutThreshold(),
        EnumSet.of(MethodKind.TOTP, MethodKind.PUSH),
        push.policy(),
        AutoBlockRules.defaults());
  }

  @Bean
  PolicyRepository policyRepository(JdbcClient jdbc) {
    return new JdbcPolicyRepository(jdbc);
  }

  @Bean
  ActivityRepository activityRepository(JdbcClient jdbc) {
    return new JdbcActivityRepository(jdbc);
  }

  @Bean
  Policies policies(
      PolicyRepository repository,
      AuditLog audit,
      Clock clock,
      LatchkeyProperties properties,
      PushProperties push) {
    return new Policies(repository, audit, clock, initialPolicy(properties, push));
  }

  @Bean
  AutoBlock autoBlock(
      UserRepository users,
      ActivityRepository activity,
      AuditLog audit,
      Clock clock,
      Policies policies,
      io.latchkey.core.tx.Transactions transactions,
      io.latchkey.core.notice.Notices notices) {
    return new AutoBlock(
        users,
        activity,
        audit,
        clock,
        () -> policies.current().policy().autoBlock(),
        transactions,
        notices);
  }

  /** The step deadline and allowed methods of the current policy; the issuer is configuration. */
  @Bean
  Supplier<RegistrationPolicy> registrationPolicy(
      Policies policies, LatchkeyProperties properties) {
    String issuer = properties.issuer();
    return () -> policies.current().policy().registration(issuer);
  }

  /** The push rules of the current policy. */
  @Bean
  Supplier<PushPolicy> pushPolicy(Policies policies) {
    return () -> policies.current().policy().push();
  }
}
