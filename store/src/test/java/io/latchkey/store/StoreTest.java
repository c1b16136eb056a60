package io.latchkey.store;

import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.crypto.SecretCipher;
import io.latchkey.core.enrollment.Enrollment;
import io.latchkey.core.enrollment.EnrollmentState;
import io.latchkey.core.method.Method;
import io.latchkey.core.method.MethodId;
import io.latchkey.core.method.MethodKind;
import io.latchkey.core.otp.OtpParameters;
import io.latchkey.core.otp.Secret;
import io.latchkey.core.push.KeyAlgorithm;
import io.latchkey.core.push.Posture;
import io.latchkey.core.push.PushDevice;
import io.latchkey.core.totp.TotpCredential;
import io.latchkey.core.tx.Transactions;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserId;
import io.latchkey.core.user.UserStatus;
import io.latchkey.core.user.Username;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Base of the repository tests: a fresh migrated database per test, a test key ring, and helpers
 * for users, credentials, registrations and races. The tests run on H2; {@code PostgresStoreIT}
 * runs the same classes on PostgreSQL by overriding {@link #openDatabase}.
 */
abstract class StoreTest {
  static final Instant T0 = Instant.parse("2026-03-01T09:00:00Z");
  static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path temporaryFolder;

  TestDatabase database;
  JdbcClient jdbc;

  /** The envelope key ring, with a key file in the test's folder and a first data key. */
  DataKeys cipher;

  Transactions transactions;

  @BeforeEach
  void openFreshDatabase() {
    database = openDatabase(temporaryFolder.resolve("data"));
    jdbc = database.jdbc;
    transactions = SpringTransactions.over(database.dataSource);
    cipher =
        new DataKeys(
            jdbc,
            KeyFile.loadOrCreate(temporaryFolder.resolve("keys/secret-keys"), RANDOM),
            RANDOM,
            java.time.Clock.systemUTC());
    cipher.ensureSealingKey(transactions);
  }

  @AfterEach
  void closeDatabase() {
    if (database != null) {
      database.close();
    }
  }

  /** H2 in the test's temporary folder; the PostgreSQL variants override this. */
  TestDatabase openDatabase(Path dataDirectory) {
    return TestDatabase.h2(dataDirectory);
  }

  static SecretCipher cipher(String keyId) {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return new SecretCipher(Map.of(keyId, key), keyId, new SecureRandom());
  }

  /** An active user who is not stored yet. */
  static User newUser(String name) {
    return new User(
        UserId.random(),
        Username.of(name),
        "Display " + name,
        UserStatus.ACTIVE,
        false,
        0,
        null,
        null,
        T0,
        null);
  }

  User insertUser(String name) {
    User user = newUser(name);
    if (!new JdbcUserRepository(jdbc).insert(user, "$argon2id$v=19$m=1,t=1,p=1$c2FsdA$aGFzaA")) {
      throw new IllegalStateException("username taken: " + name);
    }
    return user;
  }

  static Method totpMethod(User user, Instant createdAt) {
    return new Method(
        MethodId.random(),
        user.id(),
        MethodKind.TOTP,
        "Authenticator app",
        createdAt,
        "192.0.2.7",
        "Mozilla/5.0 (test)",
        null);
  }

  static TotpCredential credential(Method method, Secret secret, long lastUsedStep) {
    return new TotpCredential(
        method.id(), method.userId(), secret, OtpParameters.TOTP_DEFAULT, lastUsedStep, 0);
  }

  static Enrollment pending(User user, Secret secret, Instant createdAt, Instant deadline) {
    return attempt(user, UUID.randomUUID(), 1, secret, createdAt, deadline);
  }

  static Enrollment attempt(
      User user, UUID flowId, int attempt, Secret secret, Instant createdAt, Instant deadline) {
    return new Enrollment(
        UUID.randomUUID(),
        flowId,
        user.id(),
        MethodKind.TOTP,
        EnrollmentState.STARTED,
        attempt,
        secret,
        OtpParameters.TOTP_DEFAULT,
        createdAt,
        deadline,
        CorrelationId.random(RANDOM),
        "198.51.100.4",
        "Mozilla/5.0 (test)");
  }

  /** A PENDING push device of the user, with a fresh Ed25519 key and detected posture. */
  static PushDevice pushDevice(User user, Posture posture, Instant activatedAt) {
    return new PushDevice(
        UUID.randomUUID(),
        user.id(),
        null,
        UUID.randomUUID(),
        "laptop",
        KeyAlgorithm.ED25519,
        KeyAlgorithm.ED25519.generate().getPublic().getEncoded(),
        posture,
        PushDevice.DeviceState.PENDING,
        activatedAt,
        "198.51.100.4");
  }

  static Posture detected() {
    return new Posture(true, false, true, "0.1.0", T0, false);
  }

  /** A stored push method of the user, for activating a device. */
  Method insertPushMethod(User user) {
    Method method =
        new Method(
            MethodId.random(),
            user.id(),
            MethodKind.PUSH,
            "laptop",
            T0,
            "198.51.100.4",
            "Mozilla/5.0 (test)",
            null);
    JdbcMethodRepository.insert(jdbc, method);
    return method;
  }

  /** A stored, ACTIVE push device of the user. */
  PushDevice insertActiveDevice(User user, Instant activatedAt) {
    PushDevice device = pushDevice(user, detected(), activatedAt);
    JdbcPushDeviceRepository devices = new JdbcPushDeviceRepository(jdbc);
    devices.insert(device);
    if (!devices.activate(device.id(), insertPushMethod(user).id())) {
      throw new IllegalStateException("not activated: " + device.id());
    }
    return devices.findById(device.id()).orElseThrow();
  }

  /**
   * Runs {@code task} on {@code threads} threads released at the same moment, and returns every
   * result: the shape of many requests (or nodes) hitting one row at once.
   */
  static <T> List<T> race(int threads, Callable<T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch ready = new CountDownLatch(threads);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        futures.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  go.await();
                  return task.call();
                }));
      }
      ready.await();
      go.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(60, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
