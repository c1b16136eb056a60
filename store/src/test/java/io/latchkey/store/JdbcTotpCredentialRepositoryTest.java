package io.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.core.method.Method;
import io.latchkey.core.method.MethodId;
import io.latchkey.core.otp.HashAlgorithm;
import io.latchkey.core.otp.OtpParameters;
import io.latchkey.core.otp.Secret;
import io.latchkey.core.totp.TotpCredential;
import io.latchkey.core.user.User;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;

class JdbcTotpCredentialRepositoryTest extends StoreTest {
  private JdbcTotpCredentialRepository credentials;
  private JdbcMethodRepository methods;

  @BeforeEach
  void repositories() {
    credentials = new JdbcTotpCredentialRepository(jdbc, cipher, transactions);
    methods = new JdbcMethodRepository(jdbc);
  }

  @Test
  void credentialReadsBackWithItsSecretAndParameters() {
    User alice = insertUser("alice");
    Method method = totpMethod(alice, T0);
    TotpCredential stored =
        new TotpCredential(
            method.id(),
            alice.id(),
            Secret.generate(RANDOM),
            OtpParameters.totp(HashAlgorithm.SHA256, 8, 60),
            58_000_123L,
            -1);

    credentials.insert(method, stored);

    assertThat(credentials.findByUser(alice.id())).containsExactly(stored);
    assertThat(methods.listByUser(alice.id())).containsExactly(method);
  }

  @Test
  void secretIsStoredSealedUnderTheCurrentKey() {
    User alice = insertUser("alice");
    Method method = totpMethod(alice, T0);
    Secret secret = Secret.generate(RANDOM);
    credentials.insert(method, credential(method, secret, 0));

    Map<String, Object> row =
        jdbc.sql("SELECT secret_sealed, key_id FROM totp_credentials").query().singleRow();

    assertThat(row.get("key_id")).isEqualTo(cipher.currentKeyId().orElseThrow());
    assertThat((String) row.get("key_id")).startsWith("d");
    assertThat((byte[]) row.get("secret_sealed"))
        .hasSize(12 + secret.length() + 16)
        .isNotEqualTo(secret.bytes());
  }

  @Test
  void sealedSecretOpensOnlyForItsOwnRow() {
    User alice = insertUser("alice");
    User mallory = insertUser("mallory");
    Method alices = totpMethod(alice, T0);
    Method mallorys = totpMethod(mallory, T0);
    credentials.insert(alices, credential(alices, Secret.generate(RANDOM), 0));
    credentials.insert(mallorys, credential(mallorys, Secret.generate(RANDOM), 0));

    // Someone with write access to the database copies alice's sealed secret into mallory's row.
    jdbc.sql(
            "UPDATE totp_credentials SET secret_sealed = (SELECT secret_sealed FROM"
                + " totp_credentials WHERE method_id = :from) WHERE method_id = :to")
        .param("from", alices.id().value())
        .param("to", mallorys.id().value())
        .update();

    assertThatThrownBy(() -> credentials.findByUser(mallory.id()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("wrong row");
    assertThat(credentials.findByUser(alice.id())).hasSize(1);
  }

  @Test
  void markStepUsedIfNewerAcceptsEachStepOnceEvenWhenRacing() throws Exception {
    User alice = insertUser("alice");
    Method method = totpMethod(alice, T0);
    credentials.insert(method, credential(method, Secret.generate(RANDOM), 100));

    for (long step = 101; step <= 110; step++) {
      long code = step;
      List<Boolean> results =
          race(50, () -> credentials.markStepUsedIfNewer(method.id(), code, 0, T0));

      assertThat(results).as("step %d", step).containsOnlyOnce(true);
      assertThat(credentials.findByUser(alice.id()).get(0).lastUsedStep()).isEqualTo(step);
    }
    assertThat(credentials.markStepUsedIfNewer(method.id(), 110, 0, T0.plusSeconds(1)))
        .as("the same step again, sequentially")
        .isFalse();
  }

  @Test
  void markStepUsedIfNewerRefusesAnOlderStep() {
    User alice = insertUser("alice");
    Method method = totpMethod(alice, T0);
    credentials.insert(method, credential(method, Secret.generate(RANDOM), 100));

    assertThat(credentials.markStepUsedIfNewer(method.id(), 102, 1, T0)).isTrue();
    assertThat(credentials.markStepUsedIfNewer(method.id(), 101, 0, T0)).isFalse();
    assertThat(credentials.markStepUsedIfNewer(method.id(), 100, 0, T0)).isFalse();
    assertThat(credentials.markStepUsedIfNewer(MethodId.random(), 500, 0, T0)).isFalse();
  }

  @Test
  void markStepUsedIfNewerRecordsTheDriftAndTheLastUse() {
    User alice = insertUser("alice");
    Method method = totpMethod(alice, T0);
    credentials.insert(method, credential(method, Secret.generate(RANDOM), 100));

    credentials.markStepUsedIfNewer(method.id(), 99 + 3, 1, T0.plusSeconds(90));

    TotpCredential after = credentials.findByUser(alice.id()).get(0);
    assertThat(after.lastUsedStep()).isEqualTo(102);
    assertThat(after.drift()).isEqualTo(1);
    assertThat(methods.listByUser(alice.id()).get(0).lastUsedAt()).isEqualTo(T0.plusSeconds(90));
  }

  @Test
  void aRefusedStepLeavesTheLastUseUntouched() {
    User alice = insertUser("alice");
    Method method = totpMethod(alice, T0);
    credentials.insert(method, credential(method, Secret.generate(RANDOM), 100));

    credentials.markStepUsedIfNewer(method.id(), 100, 0, T0.plusSeconds(90));

    assertThat(methods.listByUser(alice.id()).get(0).lastUsedAt()).isNull();
  }

  @Test
  void insertWritesTheMethodAndTheCredentialOrNeither() {
    User alice = insertUser("alice");
    // A key ID that is no data key (and longer than the key_id column) makes the credential row
    // fail after the method row was written: the transaction must take the method row back.
    JdbcTotpCredentialRepository failing =
        new JdbcTotpCredentialRepository(jdbc, cipher("k".repeat(40)), transactions);
    Method method = totpMethod(alice, T0);

    assertThatThrownBy(() -> failing.insert(method, credential(method, Secret.generate(RANDOM), 0)))
        .isInstanceOf(DataIntegrityViolationException.class);
    assertThat(methods.listByUser(alice.id())).isEmpty();
  }

  @Test
  void insertRefusesACredentialOfAnotherMethodOrAHotpCounter() {
    User alice = insertUser("alice");
    Method method = totpMethod(alice, T0);
    Method other = totpMethod(alice, T0);
    TotpCredential hotp =
        new TotpCredential(
            method.id(),
            alice.id(),
            Secret.generate(RANDOM),
            OtpParameters.hotp(HashAlgorithm.SHA1, 6, 5),
            0,
            0);

    assertThatThrownBy(
            () -> credentials.insert(other, credential(method, Secret.generate(RANDOM), 0)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> credentials.insert(method, hotp))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(methods.listByUser(alice.id())).isEmpty();
  }
}
