package io.latchkey.server.config;

import io.latchkey.core.apikey.ApiKeyRepository;
import io.latchkey.core.apikey.ApiKeys;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.backupcode.BackupCodeMethod;
import io.latchkey.core.backupcode.BackupCodeRepository;
import io.latchkey.core.backupcode.BackupCodes;
import io.latchkey.core.crypto.SecretCipher;
import io.latchkey.core.enrollment.EnrollmentRepository;
import io.latchkey.core.enrollment.EnrollmentService;
import io.latchkey.core.enrollment.RegistrationPolicy;
import io.latchkey.core.method.MethodRepository;
import io.latchkey.core.method.UserMethods;
import io.latchkey.core.notice.NoticeAddresses;
import io.latchkey.core.notice.NoticeRepository;
import io.latchkey.core.notice.Notices;
import io.latchkey.core.otp.TotpVerifier;
import io.latchkey.core.recovery.RegistrationLinks;
import io.latchkey.core.totp.TotpCredentialRepository;
import io.latchkey.core.totp.TotpMethod;
import io.latchkey.core.tx.Transactions;
import io.latchkey.core.user.Accounts;
import io.latchkey.core.user.BoundedPasswordHasher;
import io.latchkey.core.user.PasswordHasher;
import io.latchkey.core.user.SignInThrottle;
import io.latchkey.core.user.SignInThrottleRepository;
import io.latchkey.core.user.UserRepository;
import io.latchkey.core.verification.Lockout;
import io.latchkey.core.verification.VerificationService;
import io.latchkey.store.DataKeys;
import io.latchkey.store.JdbcApiKeyRepository;
import io.latchkey.store.JdbcAuditLog;
import io.latchkey.store.JdbcBackupCodeRepository;
import io.latchkey.store.JdbcEnrollmentRepository;
import io.latchkey.store.JdbcKeyRotations;
import io.latchkey.store.JdbcMethodRepository;
import io.latchkey.store.JdbcNoticeRepository;
import io.latchkey.store.JdbcRegistrationLinkRepository;
import io.latchkey.store.JdbcSignInThrottleRepository;
import io.latchkey.store.JdbcTotpCredentialRepository;
import io.latchkey.store.JdbcUserRepository;
import io.latchkey.store.KeyFile;
import io.latchkey.store.SpringTransactions;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.transaction.PlatformTransactionManager;

/** Wires the plain-Java core to the store: the one place where the pieces meet. */
@Configuration(proxyBeanMethods = false)
public class CoreConfiguration {

  /**
   * Ticks in microseconds, the precision both databases keep: an instant the server answers right
   * after a change is the one it reads back later. Tests replace it (a {@code @Primary} clock) to
   * move time instead of sleeping.
   */
  @Bean
  Clock clock() {
    return Clock.tick(Clock.systemUTC(), Duration.ofNanos(1_000));
  }

  @Bean
  SecureRandom secureRandom() {
    return new SecureRandom();
  }

  /**
   * The envelope key ring (issue 14): the key file's keys wrap the data keys in the database. The
   * first start creates the first data key. A key file that cannot be used stops the start with one
   * clear message ({@link KeyFileCheck}).
   */
  @Bean
  DataKeys dataKeys(
      LatchkeyProperties properties,
      SecureRandom random,
      JdbcClient jdbc,
      Transactions transactions,
      Clock clock) {
    Path file = KeyFile.defaultLocation(properties.data()).toAbsolutePath().normalize();
    KeyFile keys;
    try {
      keys = KeyFile.loadOrCreate(file, random);
    } catch (IllegalStateException | java.io.UncheckedIOException e) {
      throw new KeyFileCheck.Refused(file, e);
    }
    DataKeys dataKeys = new DataKeys(jdbc, keys, random, clock);
    dataKeys.ensureSealingKey(transactions);
    return dataKeys;
  }

  @Bean
  JdbcKeyRotations keyRotations(JdbcClient jdbc, DataKeys keys, Transactions transactions) {
    return new JdbcKeyRotations(jdbc, keys, transactions);
  }

  /**
   * The key file's current key, for derivations that must be the same on every node (push
   * activation codes); secrets at rest are sealed by {@link DataKeys}.
   */
  @Bean
  SecretCipher secretCipher(DataKeys dataKeys) {
    return dataKeys.fileCipher();
  }

  /** Backup codes' lighter Argon2id (see {@link BackupCodes#HASH_MEMORY_KIB} for why). */
  static final PasswordHasher BACKUP_CODE_HASHER =
      argon2id(BackupCodes.HASH_MEMORY_KIB, BackupCodes.HASH_ITERATIONS);

  /**
   * The qualifier of the plain Argon2id password hasher: only {@link #boundedPasswordHasher} takes
   * it; everything else takes the bounded one by its type, so no injection point can pick the
   * unbounded hasher, or find two (a server that did not start). A test may replace it with a bean
   * of the same qualifier marked primary.
   */
  public static final String ARGON2 = "argon2";

  /** The plain Argon2id of passwords (OWASP Password Storage Cheat Sheet: 19 MiB, 2 passes). */
  @Bean
  @Qualifier(ARGON2)
  PasswordHasher passwordHasher() {
    return argon2id(19 * 1024, 2);
  }

  /**
   * At most {@code latchkey.sign-in.hashing-permits} password hashes at once on this node (issue
   * 14). Hashes run are counted in {@code latchkey.password.checks} and refusals in {@code
   * latchkey.password.busy}, so an operator sees the work a spray causes, and a test sees that
   * every sign-in costs exactly one hash.
   */
  @Bean
  BoundedPasswordHasher boundedPasswordHasher(
      @Qualifier(ARGON2) PasswordHasher passwordHasher,
      SignInThrottleProperties settings,
      MeterRegistry meters) {
    io.micrometer.core.instrument.Counter checked =
        io.micrometer.core.instrument.Counter.builder("latchkey.password.checks")
            .description("password checks that ran a hash (each sign-in that was not refused)")
            .register(meters);
    PasswordHasher counted =
        new PasswordHasher() {
          @Override
          public String hash(CharSequence password) {
            return passwordHasher.hash(password);
          }

          @Override
          public boolean matches(CharSequence password, String storedHash) {
            checked.increment();
            return passwordHasher.matches(password, storedHash);
          }
        };
    BoundedPasswordHasher bounded = new BoundedPasswordHasher(counted, settings.permits());
    io.micrometer.core.instrument.FunctionCounter.builder(
            "latchkey.password.busy", bounded, BoundedPasswordHasher::refusals)
        .description("password checks refused at once because every hashing permit was in use")
        .register(meters);
    io.micrometer.core.instrument.Gauge.builder(
            "latchkey.password.hashing", bounded, BoundedPasswordHasher::running)
        .description("password hashes running now, of latchkey.sign-in.hashing-permits")
        .register(meters);
    return bounded;
  }

  private static PasswordHasher argon2id(int memoryKib, int iterations) {
    Argon2PasswordEncoder encoder = new Argon2PasswordEncoder(16, 32, 1, memoryKib, iterations);
    return new PasswordHasher() {
      @Override
      public String hash(CharSequence password) {
        return encoder.encode(password);
      }

      @Override
      public boolean matches(CharSequence password, String storedHash) {
        if (password != null
            && !java.nio.charset.StandardCharsets.UTF_8.newEncoder().canEncode(password)) {
          // An unpaired surrogate cannot be encoded (Argon2 threw): no password has one, so it
          // matches nothing, after the same work as any other try.
          if (storedHash != null) {
            encoder.matches(password.toString().replaceAll("\\p{Cs}", "\uFFFD"), storedHash);
          }
          return false;
        }
        return storedHash != null && encoder.matches(password, storedHash);
      }
    };
  }

  @Bean
  UserRepository userRepository(JdbcClient jdbc) {
    return new JdbcUserRepository(jdbc);
  }

  @Bean
  SignInThrottleRepository signInThrottleRepository(JdbcClient jdbc) {
    return new JdbcSignInThrottleRepository(jdbc);
  }

  @Bean
  AuditLog auditLog(JdbcClient jdbc, MeterRegistry meters) {
    return new MeteredAuditLog(new JdbcAuditLog(jdbc), meters);
  }

  @Bean
  ApiKeyRepository apiKeyRepository(JdbcClient jdbc) {
    return new JdbcApiKeyRepository(jdbc);
  }

  @Bean
  MethodRepository methodRepository(JdbcClient jdbc) {
    return new JdbcMethodRepository(jdbc);
  }

  @Bean
  TotpCredentialRepository totpCredentialRepository(
      JdbcClient jdbc, DataKeys cipher, Transactions transactions) {
    return new JdbcTotpCredentialRepository(jdbc, cipher, transactions);
  }

  @Bean
  EnrollmentRepository enrollmentRepository(JdbcClient jdbc, DataKeys cipher) {
    return new JdbcEnrollmentRepository(jdbc, cipher);
  }

  @Bean
  Transactions transactions(PlatformTransactionManager transactionManager) {
    return new SpringTransactions(transactionManager);
  }

  /** The threshold of the current policy, read on every attempt. */
  @Bean
  Lockout lockout(
      UserRepository users,
      AuditLog audit,
      Clock clock,
      io.latchkey.core.policy.Policies policies,
      Transactions transactions,
      Notices notices) {
    return new Lockout(
        users, audit, clock, () -> policies.current().policy().lockout(), transactions, notices);
  }

  /** The drift window of the current policy, read on every check. */
  @Bean
  TotpVerifier totpVerifier(io.latchkey.core.policy.Policies policies) {
    return new TotpVerifier(() -> policies.current().policy().driftWindow());
  }

  @Bean
  SignInThrottle signInThrottle(
      SignInThrottleRepository attempts, SignInThrottleProperties settings, Clock clock) {
    return new SignInThrottle(attempts, settings.policy(), clock);
  }

  @Bean
  Accounts accounts(
      UserRepository users,
      SignInThrottle throttle,
      BoundedPasswordHasher hasher,
      AuditLog audit,
      Clock clock,
      SecureRandom random,
      io.latchkey.core.user.PasswordRules rules) {
    return new Accounts(users, throttle, hasher, audit, clock, random, rules);
  }

  @Bean
  ApiKeys apiKeys(ApiKeyRepository keys, AuditLog audit, Clock clock, SecureRandom random) {
    return new ApiKeys(keys, audit, clock, random);
  }

  @Bean
  EnrollmentService enrollmentService(
      EnrollmentRepository enrollments,
      UserRepository users,
      TotpCredentialRepository credentials,
      Transactions transactions,
      Lockout lockout,
      AuditLog audit,
      TotpVerifier verifier,
      Clock clock,
      SecureRandom random,
      Supplier<RegistrationPolicy> policy,
      Notices notices,
      io.latchkey.core.policy.AutoBlock autoBlock) {
    return new EnrollmentService(
        enrollments,
        users,
        credentials,
        transactions,
        lockout,
        audit,
        verifier,
        clock,
        random,
        policy,
        notices,
        autoBlock);
  }

  @Bean
  io.latchkey.core.user.AccountLifecycle accountLifecycle(
      UserRepository users,
      MethodRepository methods,
      EnrollmentRepository enrollments,
      io.latchkey.core.push.PushEnrollmentRepository pushEnrollments,
      BackupCodeRepository backupCodes,
      Transactions transactions,
      AuditLog audit,
      Clock clock,
      Notices notices,
      io.latchkey.core.user.UserSessions sessions) {
    return new io.latchkey.core.user.AccountLifecycle(
        users,
        methods,
        enrollments,
        pushEnrollments,
        backupCodes,
        transactions,
        audit,
        clock,
        notices,
        sessions);
  }

  @Bean
  BackupCodeRepository backupCodeRepository(JdbcClient jdbc) {
    return new JdbcBackupCodeRepository(jdbc);
  }

  @Bean
  BackupCodes backupCodes(
      BackupCodeRepository repository,
      Transactions transactions,
      AuditLog audit,
      Clock clock,
      SecureRandom random,
      Notices notices) {
    return new BackupCodes(
        repository, BACKUP_CODE_HASHER, transactions, audit, clock, random, notices);
  }

  @Bean
  RegistrationLinks registrationLinks(
      JdbcClient jdbc,
      UserRepository users,
      Transactions transactions,
      AuditLog audit,
      Clock clock,
      SecureRandom random) {
    return new RegistrationLinks(
        new JdbcRegistrationLinkRepository(jdbc), users, transactions, audit, clock, random);
  }

  @Bean
  UserMethods userMethods(
      MethodRepository methods,
      Transactions transactions,
      Notices notices,
      AuditLog audit,
      Clock clock) {
    return new UserMethods(methods, transactions, notices, audit, clock);
  }

  // --- notices ---

  @Bean
  NoticeRepository noticeRepository(JdbcClient jdbc) {
    return new JdbcNoticeRepository(jdbc);
  }

  @Bean
  Notices notices(
      NoticeRepository notices,
      UserRepository users,
      AuditLog audit,
      Clock clock,
      MailProperties mail) {
    return new Notices(notices, users, audit, clock, mail.policy());
  }

  @Bean
  NoticeAddresses noticeAddresses(
      UserRepository users,
      Notices notices,
      Transactions transactions,
      AuditLog audit,
      Clock clock) {
    return new NoticeAddresses(users, notices, transactions, audit, clock);
  }

  @Bean
  io.latchkey.core.diagnosis.Diagnostician diagnostician(
      AuditLog audit, UserRepository users, Clock clock) {
    return new io.latchkey.core.diagnosis.Diagnostician(audit, users, clock);
  }

  @Bean
  io.latchkey.core.user.UserImport userImport(Accounts accounts, AuditLog audit, Clock clock) {
    return new io.latchkey.core.user.UserImport(accounts, audit, clock);
  }

  /** Every kind of code a user may type, behind the one shared failure counter. */
  @Bean
  VerificationService verificationService(
      UserRepository users,
      TotpCredentialRepository credentials,
      BackupCodeRepository backupCodes,
      TotpVerifier verifier,
      Lockout lockout,
      Transactions transactions,
      Notices notices,
      AuditLog audit,
      Clock clock) {
    return new VerificationService(
        users,
        List.of(
            new TotpMethod(credentials, verifier),
            new BackupCodeMethod(backupCodes, BACKUP_CODE_HASHER, transactions, notices)),
        lockout,
        audit,
        clock);
  }
}
