package io.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.core.crypto.Sealed;
import io.latchkey.core.crypto.SecretCipher;
import io.latchkey.core.method.Method;
import io.latchkey.core.otp.Secret;
import io.latchkey.core.totp.TotpCredential;
import io.latchkey.core.user.User;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyFileTest extends StoreTest {
  @Test
  void keyFileIsCreatedWithMode600InAFolderWithMode700() throws Exception {
    Path file = KeyFile.defaultLocation(temporaryFolder.resolve("data"));

    KeyFile keys = KeyFile.loadOrCreate(file, RANDOM);

    assertThat(keys.path()).isEqualTo(file.toAbsolutePath());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
        .isEqualTo("rwx------");
    assertThat(keys.keyIds()).containsExactly(keys.currentKeyId());
    try (var leftovers = Files.list(file.getParent())) {
      assertThat(leftovers).as("no temporary file stays behind").containsExactly(file);
    }
  }

  @Test
  void aReloadedKeyFileOpensWhatTheFirstSealed() {
    Path file = KeyFile.defaultLocation(temporaryFolder);
    SecretCipher first = KeyFile.loadOrCreate(file, RANDOM).cipher(RANDOM);
    Sealed sealed = first.seal(new byte[] {1, 2, 3}, "totp:row");

    SecretCipher reloaded = KeyFile.loadOrCreate(file, RANDOM).cipher(RANDOM);

    assertThat(reloaded.open(sealed, "totp:row")).containsExactly(1, 2, 3);
  }

  @Test
  void refusesAKeyFileThatGroupOrOthersCanRead() throws Exception {
    Path file = KeyFile.defaultLocation(temporaryFolder);
    KeyFile.loadOrCreate(file, RANDOM);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(() -> KeyFile.loadOrCreate(file, RANDOM))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("rw-r--r--")
        .hasMessageContaining("chmod 600 " + file.toAbsolutePath());
  }

  @Test
  void refusesAMalformedKeyFileWithoutQuotingKeyMaterial() throws Exception {
    Path file = temporaryFolder.resolve("secret-keys");
    String shortKey = Base64.getEncoder().encodeToString(new byte[] {9, 9, 9, 9});
    writePrivate(file, "current=k1\nkey.k1=" + shortKey + "\n");

    assertThatThrownBy(() -> KeyFile.load(file))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("key.k1 has 4 bytes")
        .hasMessageNotContaining(shortKey);

    writePrivate(file, "key.k1=" + Base64.getEncoder().encodeToString(new byte[32]));
    assertThatThrownBy(() -> KeyFile.load(file)).hasMessageContaining("no current key");

    writePrivate(file, "current=k2\nkey.k1=" + Base64.getEncoder().encodeToString(new byte[32]));
    assertThatThrownBy(() -> KeyFile.load(file)).hasMessageContaining("'k2' is not in it");
  }

  @Test
  void rotationAddsACurrentKeyAndKeepsTheOldOnesOnDisk() throws Exception {
    Path file = KeyFile.defaultLocation(temporaryFolder);
    KeyFile before = KeyFile.loadOrCreate(file, RANDOM);

    KeyFile after = before.rotate(RANDOM);

    assertThat(after.currentKeyId()).isNotEqualTo(before.currentKeyId());
    assertThat(after.keyIds())
        .containsExactlyInAnyOrder(before.currentKeyId(), after.currentKeyId());
    KeyFile reloaded = KeyFile.load(file);
    assertThat(reloaded.currentKeyId()).isEqualTo(after.currentKeyId());
    assertThat(reloaded.keyIds()).isEqualTo(after.keyIds());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    String[] encodedKeys =
        Files.readString(file)
            .lines()
            .filter(line -> line.startsWith("key."))
            .map(line -> line.substring(line.indexOf('=') + 1))
            .toArray(String[]::new);
    assertThat(encodedKeys).hasSize(2);
    assertThat(after.toString()).doesNotContain(encodedKeys);
  }

  @Test
  void rotatingAStaleRingKeepsTheKeyOfAnEarlierRotation() {
    Path file = KeyFile.defaultLocation(temporaryFolder);
    KeyFile stale = KeyFile.loadOrCreate(file, RANDOM);
    KeyFile first = stale.rotate(RANDOM);

    KeyFile second = stale.rotate(RANDOM);

    assertThat(second.keyIds())
        .contains(stale.currentKeyId(), first.currentKeyId(), second.currentKeyId())
        .hasSize(3);
  }

  @Test
  void rowsSealedWithAFileKeyBeforeDataKeysStillOpenAfterTheFileGetsANewKey() {
    Path file = KeyFile.defaultLocation(temporaryFolder);
    KeyFile before = KeyFile.loadOrCreate(file, RANDOM);
    // What V12 records for a file key that sealed rows before it: the ID, no wrapped key.
    jdbc.sql("INSERT INTO data_keys (id, created_at) VALUES (:id, CURRENT_TIMESTAMP)")
        .param("id", before.currentKeyId())
        .update();
    User alice = insertUser("alice");
    Method old = totpMethod(alice, T0);
    Secret oldSecret = Secret.generate(RANDOM);
    new JdbcTotpCredentialRepository(jdbc, before.cipher(RANDOM), transactions)
        .insert(old, credential(old, oldSecret, 0));

    KeyFile after = before.rotate(RANDOM);
    DataKeys reloaded = new DataKeys(jdbc, KeyFile.load(file), RANDOM, java.time.Clock.systemUTC());
    JdbcTotpCredentialRepository rotated =
        new JdbcTotpCredentialRepository(jdbc, reloaded, transactions);
    Method fresh = totpMethod(alice, T0.plusSeconds(60));
    Secret freshSecret = Secret.generate(RANDOM);
    rotated.insert(fresh, credential(fresh, freshSecret, 0));

    List<TotpCredential> both = rotated.findByUser(alice.id());
    assertThat(both).extracting(TotpCredential::secret).containsExactly(oldSecret, freshSecret);
    String dataKey = reloaded.currentKeyId().orElseThrow();
    assertThat(dataKey).startsWith("d").isNotIn(before.currentKeyId(), after.currentKeyId());
    assertThat(
            jdbc.sql(
                    "SELECT key_id FROM totp_credentials t JOIN methods m ON m.id = t.method_id"
                        + " ORDER BY m.created_at")
                .query(String.class)
                .list())
        .containsExactly(before.currentKeyId(), dataKey);
  }

  private static void writePrivate(Path file, String content) throws Exception {
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PrivateFiles.FILE_MODE));
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }
}
