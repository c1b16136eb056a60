package io.latchkey.store;

import java.nio.file.Path;
import org.junit.jupiter.api.Nested;

/**
 * The repository tests again, on a real PostgreSQL (each test in a schema of its own), because the
 * guarantees rest on how the database handles racing conditional updates and unique keys: READ
 * COMMITTED re-checks the WHERE clause of an UPDATE that waited for a row lock. {@code ./run-tests}
 * starts a throwaway server and sets {@value TestDatabase#POSTGRES_URL}, e.g. {@code
 * jdbc:postgresql://127.0.0.1:5432/latchkey?user=postgres}.
 */
class PostgresStoreIT {

  @Nested
  class Users extends JdbcUserRepositoryTest {
    @Override
    TestDatabase openDatabase(Path dataDirectory) {
      return TestDatabase.postgres();
    }
  }

  @Nested
  class SignInThrottle extends JdbcSignInThrottleRepositoryTest {
    @Override
    TestDatabase openDatabase(Path dataDirectory) {
      return TestDatabase.postgres();
    }
  }

  @Nested
  class Audit extends JdbcAuditLogTest {
    @Override
    TestDatabase openDatabase(Path dataDirectory) {
      return TestDatabase.postgres();
    }
  }

  @Nested
  class ApiKeys extends JdbcApiKeyRepositoryTest {
    @Override
    TestDatabase openDatabase(Path dataDirectory) {
      return TestDatabase.postgres();
    }
  }

  @Nested
  class Methods extends JdbcMethodRepositoryTest {
    @Override
    TestDatabase openDatabase(Path dataDirectory) {
      return TestDatabase.postgres();
    }
  }

  @Nested
  class TotpCredentials extends JdbcTotpCredentialRepositoryTest {
    @Override
    TestDatabase openDatabase(Path dataDirectory) {
      return TestDatabase.postgres();
    }
  }

  @Nested
  class Enrollments extends JdbcEnrollmentRepositoryTest {
    @Override
    TestDatabase openDatabase(Path dataDirectory) {
      return TestDatabase.postgres();
    }
  }

  @Nested
  class Notices extends JdbcNoticeRepositoryTest {
    @Override
    TestDatabase openDatabase(Path dataDirectory) {
      return TestDatabase.postgres();
    }
  }

  @Nested
  class PolicyVersions extends JdbcPolicyRepositoryTest {
    @Override
    TestDatabase openDatabase(Path dataDirectory) {
      return TestDatabase.postgres();
    }
  }

  @Nested
  class Activity extends JdbcActivityRepositoryTest {
    @Override
    TestDatabase openDatabase(Path dataDirectory) {
      return TestDatabase.postgres();
    }
  }

  @Nested
  class Transactions extends SpringTransactionsTest {
    @Override
    TestDatabase openDatabase(Path dataDirectory) {
      return TestDatabase.postgres();
    }
  }

  @Nested
  class DataKeyRotations extends JdbcKeyRotationsTest {
    @Override
    TestDatabase openDatabase(Path dataDirectory) {
      return TestDatabase.postgres();
    }
  }

  @Nested
  class KeyRotation extends KeyFileTest {
    @Override
    TestDatabase openDatabase(Path dataDirectory) {
      return TestDatabase.postgres();
    }
  }

  @Nested
  class PushDevices extends JdbcPushDeviceRepositoryTest {
    @Override
    TestDatabase openDatabase(Path dataDirectory) {
      return TestDatabase.postgres();
    }
  }

  @Nested
  class PushEnrollments extends JdbcPushEnrollmentRepositoryTest {
    @Override
    TestDatabase openDatabase(Path dataDirectory) {
      return TestDatabase.postgres();
    }
  }

  @Nested
  class Challenges extends JdbcChallengeRepositoryTest {
    @Override
    TestDatabase openDatabase(Path dataDirectory) {
      return TestDatabase.postgres();
    }
  }

  @Nested
  class PushBlocks extends JdbcPushBlockRepositoryTest {
    @Override
    TestDatabase openDatabase(Path dataDirectory) {
      return TestDatabase.postgres();
    }
  }

  @Nested
  class Alerts extends JdbcAlertRepositoryTest {
    @Override
    TestDatabase openDatabase(Path dataDirectory) {
      return TestDatabase.postgres();
    }
  }

  @Nested
  class CloudBackups extends JdbcCloudBackupRepositoryTest {
    @Override
    TestDatabase openDatabase(Path dataDirectory) {
      return TestDatabase.postgres();
    }
  }

  @Nested
  class BackupCodes extends JdbcBackupCodeRepositoryTest {
    @Override
    TestDatabase openDatabase(Path dataDirectory) {
      return TestDatabase.postgres();
    }
  }

  @Nested
  class RegistrationLinks extends JdbcRegistrationLinkRepositoryTest {
    @Override
    TestDatabase openDatabase(Path dataDirectory) {
      return TestDatabase.postgres();
    }
  }

  @Nested
  class PoolTurnover extends PoolTurnoverTest {
    @Override
    TestDatabase openDatabase(Path dataDirectory, TestDatabase.Opener opener) {
      return TestDatabase.postgres(opener);
    }
  }
}
