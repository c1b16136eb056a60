package io.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.crypto.Sealed;
import io.latchkey.core.enrollment.Enrollment;
import io.latchkey.core.method.Method;
import io.latchkey.core.otp.Secret;
import io.latchkey.core.totp.TotpCredential;
import io.latchkey.core.user.User;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdbcKeyRotationsTest extends StoreTest {
  private static final CorrelationId REQUEST = new CorrelationId("7Q2MK-9TDW4-XH3BZ-R5N8C");

  JdbcKeyRotations rotations;
  JdbcTotpCredentialRepository credentials;
  JdbcEnrollmentRepository enrollments;
  final Map<UUID, Secret> registered = new HashMap<>();
  final Map<UUID, Secret> pending = new HashMap<>();
  final List<User> users = new ArrayList<>();

  @BeforeEach
  void someSecrets() {
    rotations = new JdbcKeyRotations(jdbc, cipher, transactions);
    credentials = new JdbcTotpCredentialRepository(jdbc, cipher, transactions);
    enrollments = new JdbcEnrollmentRepository(jdbc, cipher);
    for (int i = 0; i < 7; i++) {
      User user = insertUser("user" + i);
      users.add(user);
      Method method = totpMethod(user, T0);
      Secret secret = Secret.generate(RANDOM);
      credentials.insert(method, credential(method, secret, 0));
      registered.put(user.id().value(), secret);
      Secret next = Secret.generate(RANDOM);
      Enrollment attempt = pending(user, next, T0, T0.plus(Duration.ofMinutes(10)));
      assertThat(enrollments.insertPending(attempt)).isTrue();
      pending.put(attempt.id(), next);
    }
  }

  @Test
  void aRotationReSealsEveryValueInBatchesAndRetiresTheOldKey() {
    String old = cipher.currentKeyId().orElseThrow();

    JdbcKeyRotations.Rotation started = rotations.start("admin", REQUEST, T0).orElseThrow();

    assertThat(started.newKeyId()).isNotEqualTo(old);
    assertThat(started.oldKeyIds()).containsExactly(old);
    assertThat(cipher.currentKeyId()).contains(started.newKeyId());
    assertThat(rotations.countNotSealedWith(started.newKeyId())).isEqualTo(14);
    List<JdbcKeyRotations.Batch> batches = new ArrayList<>();
    JdbcKeyRotations.Batch batch;
    do {
      batch = rotations.resealBatch(started.newKeyId(), 4);
      batches.add(batch);
      // every value opens between batches, whichever key sealed it
      assertAllOpen();
    } while (batch.seen() > 0);
    assertThat(batches).extracting(JdbcKeyRotations.Batch::resealed).containsExactly(4, 4, 4, 2, 0);

    assertThat(rotations.retireAllBut(started.newKeyId())).containsExactly(old);

    assertThat(cipher.keyIds()).containsExactly(started.newKeyId());
    assertThat(keyIdsOfRows()).containsOnly(started.newKeyId()).hasSize(14);
    // A node that never saw the new key loads it from the database with its copy of the key file.
    DataKeys otherNode =
        new DataKeys(
            jdbc,
            KeyFile.load(temporaryFolder.resolve("keys/secret-keys")),
            RANDOM,
            java.time.Clock.systemUTC());
    assertAllOpen(new JdbcTotpCredentialRepository(jdbc, otherNode, transactions));
  }

  @Test
  void theDatabaseRefusesToRetireAKeyARowStillNames() {
    String old = cipher.currentKeyId().orElseThrow();
    JdbcKeyRotations.Rotation started = rotations.start("admin", REQUEST, T0).orElseThrow();
    while (rotations.resealBatch(started.newKeyId(), 100).seen() > 0) {
      // re-seal everything
    }
    // A node that read the old sealing key before the switch writes its row after the last pass.
    User late = insertUser("late");
    Method method = totpMethod(late, T0);
    Secret secret = Secret.generate(RANDOM);
    new JdbcTotpCredentialRepository(jdbc, staleSealer(old), transactions)
        .insert(method, credential(method, secret, 0));

    assertThat(rotations.retireAllBut(started.newKeyId())).isEmpty();
    assertThat(cipher.keyIds()).contains(old);
    assertThat(credentials.findByUser(late.id()))
        .extracting(TotpCredential::secret)
        .containsExactly(secret);

    assertThat(rotations.resealBatch(started.newKeyId(), 100).resealed()).isEqualTo(1);
    assertThat(rotations.retireAllBut(started.newKeyId())).containsExactly(old);
    assertThat(credentials.findByUser(late.id()))
        .extracting(TotpCredential::secret)
        .containsExactly(secret);
  }

  @Test
  void aRowChangedBetweenTheReadAndTheReSealIsNotOverwritten() {
    JdbcKeyRotations.Rotation started = rotations.start("admin", REQUEST, T0).orElseThrow();
    // The registration finishes (its secret erased) while the job works: the compare-and-set of
    // the job must not bring the secret back.
    Enrollment attempt = enrollments.findById(pending.keySet().iterator().next()).orElseThrow();
    jdbc.sql(
            "UPDATE enrollments SET state = 'SUPERSEDED', secret_sealed = NULL, key_id = NULL,"
                + " pending_key = NULL, finished_at = CURRENT_TIMESTAMP WHERE id = :id")
        .param("id", attempt.id())
        .update();

    while (rotations.resealBatch(started.newKeyId(), 3).seen() > 0) {
      // re-seal everything
    }

    assertThat(
            jdbc.sql("SELECT secret_sealed FROM enrollments WHERE id = :id")
                .param("id", attempt.id())
                .query(byte[].class)
                .optional())
        .isEmpty();
    assertThat(keyIdsOfRows()).hasSize(13).containsOnly(started.newKeyId());
  }

  @Test
  void oneRotationAtATimeAndOneNodeHoldsItsLease() {
    JdbcKeyRotations.Rotation started = rotations.start("admin", REQUEST, T0).orElseThrow();

    assertThat(rotations.start("admin", REQUEST, T0.plusSeconds(1))).isEmpty();
    assertThat(rotations.running()).map(JdbcKeyRotations.Rotation::id).contains(started.id());

    Duration lease = Duration.ofSeconds(30);
    assertThat(rotations.claim(started.id(), "node-a", T0, lease)).isTrue();
    assertThat(rotations.claim(started.id(), "node-b", T0.plusSeconds(29), lease)).isFalse();
    assertThat(rotations.claim(started.id(), "node-a", T0.plusSeconds(29), lease)).isTrue();
    // node A died: its lease runs out and node B takes the job over
    Instant later = T0.plusSeconds(29).plus(lease).plusSeconds(1);
    assertThat(rotations.claim(started.id(), "node-b", later, lease)).isTrue();
    assertThat(rotations.recordBatch(started.id(), "node-a", 5, later, lease)).isFalse();
    assertThat(rotations.recordBatch(started.id(), "node-b", 5, later, lease)).isTrue();
    assertThat(rotations.finish(started.id(), "node-b", List.of("k1"), later)).isTrue();

    JdbcKeyRotations.Rotation finished = rotations.find(started.id()).orElseThrow();
    assertThat(finished.running()).isFalse();
    assertThat(finished.batches()).isEqualTo(1);
    assertThat(finished.resealed()).isEqualTo(5);
    assertThat(finished.retiredKeyIds()).containsExactly("k1");
    assertThat(rotations.running()).isEmpty();
    assertThat(rotations.start("admin", REQUEST, later)).isPresent();
  }

  private io.latchkey.core.crypto.SecretSealer staleSealer(String keyId) {
    return new io.latchkey.core.crypto.SecretSealer() {
      @Override
      public Sealed seal(byte[] plaintext, String associatedData) {
        return cipher.sealWith(keyId, plaintext, associatedData);
      }

      @Override
      public byte[] open(Sealed sealed, String associatedData) {
        return cipher.open(sealed, associatedData);
      }
    };
  }

  private List<String> keyIdsOfRows() {
    return jdbc.sql(
            "SELECT key_id FROM totp_credentials UNION ALL SELECT key_id FROM enrollments"
                + " WHERE key_id IS NOT NULL")
        .query(String.class)
        .list();
  }

  private void assertAllOpen() {
    assertAllOpen(credentials);
  }

  private void assertAllOpen(JdbcTotpCredentialRepository repository) {
    for (User user : users) {
      assertThat(repository.findByUser(user.id()))
          .extracting(TotpCredential::secret)
          .containsExactly(registered.get(user.id().value()));
    }
    for (Map.Entry<UUID, Secret> entry : pending.entrySet()) {
      assertThat(enrollments.findById(entry.getKey()).orElseThrow().secret())
          .isEqualTo(entry.getValue());
    }
  }
}
