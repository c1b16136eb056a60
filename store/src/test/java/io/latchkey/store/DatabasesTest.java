package io.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditQuery;
import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.enrollment.Enrollment;
import io.latchkey.core.enrollment.EnrollmentState;
import io.latchkey.core.method.Method;
import io.latchkey.core.otp.Secret;
import io.latchkey.core.user.User;
import io.latchkey.core.user.Username;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The built-in H2 database: where it lives, its migration, and what reaches its files. */
class DatabasesTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path data;

  @Test
  void h2UrlIsAbsoluteAndItsFolderPrivate() throws Exception {
    String url = Databases.h2FileUrl(data);

    assertThat(url)
        .startsWith("jdbc:h2:file:" + data.toAbsolutePath().resolve("db/latchkey"))
        .contains("DB_CLOSE_ON_EXIT=FALSE")
        .doesNotContain("AUTO_SERVER");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("db"))))
        .isEqualTo("rwx------");
  }

  @Test
  void migrationRunsOnceAndTheSchemaSurvivesARestart() {
    String url = Databases.h2FileUrl(data);
    try (HikariDataSource first = Databases.open(url, "sa", "")) {
      new JdbcUserRepository(JdbcClient.create(first)).insert(StoreTest.newUser("alice"), null);
    }

    try (HikariDataSource second = Databases.open(url, "sa", "")) {
      assertThat(Databases.migrate(second)).isZero();
      assertThat(new JdbcUserRepository(JdbcClient.create(second)).count()).isEqualTo(1);
    }
  }

  @Test
  void committedWritesSurviveAKilledProcess() throws Exception {
    Process writer =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                KilledWriter.class.getName(),
                data.toString())
            .redirectErrorStream(true)
            .redirectOutput(data.resolve("writer.log").toFile())
            .start();
    assertThat(writer.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(writer.exitValue()).as(Files.readString(data.resolve("writer.log"))).isEqualTo(9);

    KeyFile keyFile = KeyFile.load(KeyFile.defaultLocation(data));
    try (HikariDataSource dataSource = Databases.open(Databases.h2FileUrl(data), "sa", "")) {
      JdbcClient jdbc = JdbcClient.create(dataSource);
      DataKeys cipher = new DataKeys(jdbc, keyFile, RANDOM, java.time.Clock.systemUTC());
      User alice = new JdbcUserRepository(jdbc).findByUsername(Username.of("alice")).orElseThrow();
      assertThat(alice.failedAttempts()).isEqualTo(3);
      assertThat(
              new JdbcTotpCredentialRepository(jdbc, cipher, SpringTransactions.over(dataSource))
                  .findByUser(alice.id()))
          .singleElement()
          .satisfies(credential -> assertThat(credential.lastUsedStep()).isEqualTo(101));
      assertThat(new JdbcAuditLog(jdbc).search(AuditQuery.byCorrelationId(KilledWriter.REQUEST)))
          .hasSize(1);
    }
  }

  /** Writes as a server would, then dies like {@code kill -9}: no close, no shutdown hooks. */
  static final class KilledWriter {
    static final CorrelationId REQUEST = new CorrelationId("7Q2MK-9TDW4-XH3BZ-R0000");

    public static void main(String[] args) {
      Path data = Path.of(args[0]);
      KeyFile keyFile = KeyFile.loadOrCreate(KeyFile.defaultLocation(data), RANDOM);
      HikariDataSource dataSource = Databases.open(Databases.h2FileUrl(data), "sa", "");
      JdbcClient jdbc = JdbcClient.create(dataSource);
      DataKeys cipher = new DataKeys(jdbc, keyFile, RANDOM, java.time.Clock.systemUTC());
      cipher.ensureSealingKey(SpringTransactions.over(dataSource));
      JdbcUserRepository users = new JdbcUserRepository(jdbc);
      User alice = StoreTest.newUser("alice");
      users.insert(alice, null);
      Method method = StoreTest.totpMethod(alice, StoreTest.T0);
      JdbcTotpCredentialRepository credentials =
          new JdbcTotpCredentialRepository(jdbc, cipher, SpringTransactions.over(dataSource));
      credentials.insert(method, StoreTest.credential(method, Secret.generate(RANDOM), 100));
      for (int i = 0; i < 3; i++) {
        users.reserveAttemptBelowLimit(alice.id(), 10);
      }
      credentials.markStepUsedIfNewer(method.id(), 101, 0, StoreTest.T0);
      new JdbcAuditLog(jdbc)
          .record(
              AuditEvent.of(
                      AuditEventType.VERIFICATION_ACCEPTED,
                      new RequestContext(REQUEST, "192.0.2.1", "test", "alice"),
                      StoreTest.T0)
                  .build());
      Runtime.getRuntime().halt(9);
    }
  }

  /** The H2 that wrote the data folders of earlier releases; store/pom.xml copies its jar. */
  static final String PREVIOUS_H2 = "2.4.240";

  @Test
  void aDataFolderWrittenByThePreviousH2OpensAndTakesWrites() throws Exception {
    Path previousJar = Path.of("target", "previous-h2", "h2-" + PREVIOUS_H2 + ".jar");
    assertThat(previousJar).as("copied by the build (store/pom.xml)").isRegularFile();
    List<String> classPath = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!Path.of(entry).getFileName().toString().matches("h2-[0-9.]+\\.jar")) {
        classPath.add(entry);
      }
    }
    classPath.add(previousJar.toAbsolutePath().toString());
    Process writer =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                String.join(File.pathSeparator, classPath),
                PreviousH2Writer.class.getName(),
                data.toString())
            .redirectErrorStream(true)
            .redirectOutput(data.resolve("writer.log").toFile())
            .start();
    assertThat(writer.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String log = Files.readString(data.resolve("writer.log"));
    assertThat(writer.exitValue()).as(log).isZero();
    assertThat(log).contains("written by H2 " + PREVIOUS_H2);

    try (HikariDataSource dataSource = Databases.open(Databases.h2FileUrl(data), "sa", "")) {
      JdbcClient jdbc = JdbcClient.create(dataSource);
      assertThat(jdbc.sql("SELECT H2VERSION()").query(String.class).single())
          .isNotEqualTo(PREVIOUS_H2);
      assertThat(Databases.migrate(dataSource)).isZero();
      JdbcUserRepository users = new JdbcUserRepository(jdbc);
      User alice = users.findByUsername(Username.of("alice")).orElseThrow();
      assertThat(alice.failedAttempts()).isEqualTo(2);
      users.insert(StoreTest.newUser("bob"), null);
      assertThat(users.reserveAttemptBelowLimit(alice.id(), 10)).isTrue();
      assertThat(users.count()).isEqualTo(2);
      assertThat(users.findByUsername(Username.of("alice")).orElseThrow().failedAttempts())
          .isEqualTo(3);
    }
  }

  /** Creates a data folder as a release on the previous H2 did: migrated, one user, closed. */
  static final class PreviousH2Writer {
    public static void main(String[] args) {
      Path data = Path.of(args[0]);
      try (HikariDataSource dataSource = Databases.open(Databases.h2FileUrl(data), "sa", "")) {
        JdbcClient jdbc = JdbcClient.create(dataSource);
        JdbcUserRepository users = new JdbcUserRepository(jdbc);
        User alice = StoreTest.newUser("alice");
        users.insert(alice, null);
        users.reserveAttemptBelowLimit(alice.id(), 10);
        users.reserveAttemptBelowLimit(alice.id(), 10);
        System.out.println(
            "written by H2 " + jdbc.sql("SELECT H2VERSION()").query(String.class).single());
        jdbc.sql("SHUTDOWN").update();
      }
    }
  }

  @Test
  void h2FileNeverContainsATotpSecretInPlainOrBase32() throws Exception {
    Path folder = data.resolve("db");
    KeyFile keyFile = KeyFile.loadOrCreate(KeyFile.defaultLocation(data), RANDOM);
    List<Secret> secrets = new ArrayList<>();
    try (HikariDataSource dataSource = Databases.open(Databases.h2FileUrl(data), "sa", "")) {
      JdbcClient jdbc = JdbcClient.create(dataSource);
      DataKeys cipher = new DataKeys(jdbc, keyFile, RANDOM, java.time.Clock.systemUTC());
      cipher.ensureSealingKey(SpringTransactions.over(dataSource));
      JdbcUserRepository users = new JdbcUserRepository(jdbc);
      JdbcTotpCredentialRepository credentials =
          new JdbcTotpCredentialRepository(jdbc, cipher, SpringTransactions.over(dataSource));
      JdbcEnrollmentRepository enrollments = new JdbcEnrollmentRepository(jdbc, cipher);
      for (int i = 0; i < 5; i++) {
        User user = StoreTest.newUser("user" + i);
        users.insert(user, null);
        Secret registered = Secret.generate(RANDOM);
        Method method = StoreTest.totpMethod(user, StoreTest.T0);
        credentials.insert(method, StoreTest.credential(method, registered, 0));
        Secret pending = Secret.generate(RANDOM);
        Enrollment attempt =
            StoreTest.pending(
                user, pending, StoreTest.T0, StoreTest.T0.plus(Duration.ofMinutes(10)));
        enrollments.insertPending(attempt);
        // A refused second tab writes an error to H2's trace file, which is scanned too.
        enrollments.insertPending(
            StoreTest.pending(user, Secret.generate(RANDOM), StoreTest.T0, StoreTest.T0));
        if (i % 2 == 0) {
          enrollments.finish(attempt.id(), EnrollmentState.COMPLETED, StoreTest.T0);
        }
        secrets.add(registered);
        secrets.add(pending);
      }
      jdbc.sql("SHUTDOWN").update();
    }

    List<Path> files;
    try (Stream<Path> walk = Files.walk(folder)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    assertThat(files).anySatisfy(file -> assertThat(file.toString()).endsWith(".mv.db"));
    for (Path file : files) {
      byte[] content = Files.readAllBytes(file);
      for (Secret secret : secrets) {
        String base32 = secret.base32();
        for (byte[] needle :
            List.of(
                secret.bytes(),
                bytes(base32),
                bytes(base32.toLowerCase(Locale.ROOT)),
                bytes(HexFormat.of().formatHex(secret.bytes())),
                base32.getBytes(StandardCharsets.UTF_16BE),
                base32.getBytes(StandardCharsets.UTF_16LE))) {
          assertThat(indexOf(content, needle))
              .as("%s holds %s", file.getFileName(), secret)
              .isEqualTo(-1);
        }
      }
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
