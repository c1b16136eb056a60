package io.latchkey.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.otp.HashAlgorithm;
import io.latchkey.core.otp.Hotp;
import io.latchkey.core.otp.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The device storage: one vault file per home, private to its owner, replaced atomically. */
class VaultStorageTest {

  @TempDir Path root;

  @Test
  void theHomeIsCreatedForItsOwnerOnlyAndTheVaultIsMode600() throws Exception {
    AppDriver app = new AppDriver(root.resolve("phone"));

    app.ok("add", Fixtures.U02);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(app.home)))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(app.vaultFile())))
        .isEqualTo("rw-------");
  }

  @Test
  void aRewriteLeavesNoTemporaryFileBehindAndKeepsMode600() throws Exception {
    AppDriver app = new AppDriver(root.resolve("phone"));
    app.ok("add", Fixtures.U10);

    app.ok("code", "grace");
    app.ok("remove", "HOTP Co: grace");

    try (var files = Files.list(app.home)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("vault.json", "vault.lock");
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(app.vaultFile())))
        .isEqualTo("rw-------");
  }

  @Test
  void twoHomesAreTwoIndependentPhones() {
    AppDriver phoneA = new AppDriver(root.resolve("a"));
    AppDriver phoneB = new AppDriver(root.resolve("b")).pin("pin-of-b");
    phoneA.ok("add", Fixtures.U10);
    phoneB.ok("add", Fixtures.U10);

    phoneA.ok("code", "grace");
    phoneA.ok("code", "grace");

    assertThat(phoneB.ok("code", "grace")).isEqualTo("755224\n");
    assertThat(phoneA.ok("code", "grace")).isEqualTo("359152\n");
    phoneA.ok("remove", "HOTP Co: grace");
    assertThat(phoneB.ok("list")).contains("HOTP Co: grace");
  }

  @Test
  void aVaultFileThatIsNotJsonIsReportedAsDamagedAndLeftAlone() throws Exception {
    AppDriver app = new AppDriver(root);
    Files.writeString(
        app.vaultFile(), "{\"format\": \"latchkey-app-vault\", \"version\": 1, \"acc");

    AppDriver.Result result = app.run("add", Fixtures.U02);

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("The vault file is damaged (it is not valid JSON).\n");
    assertThat(app.vaultText()).endsWith("\"acc");
  }

  @Test
  void aVaultFromANewerVersionIsNotOverwritten() throws Exception {
    AppDriver app = new AppDriver(root);
    String newer = "{\"format\": \"latchkey-app-vault\", \"version\": 3, \"accounts\": []}";
    Files.writeString(app.vaultFile(), newer);

    AppDriver.Result result = app.run("add", Fixtures.U02);

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).contains("format version 3");
    assertThat(app.vaultText()).isEqualTo(newer);
  }

  @Test
  void aPlainVaultIsReadableJsonWithTheAccountsInOrder() throws Exception {
    AppDriver app = new AppDriver(root);
    app.ok("add", Fixtures.U02);
    app.ok("add", Fixtures.U10);

    String file = app.vaultText();

    assertThat(file)
        .contains("\"format\" : \"latchkey-app-vault\"", "\"version\" : 1")
        .doesNotContain("\"pin\"");
    assertThat(file.indexOf("ACME Co")).isLessThan(file.indexOf("HOTP Co"));
  }

  @Test
  void hotpCodesFetchedAtTheSameTimeNeverRepeat() throws Exception {
    AppDriver app = new AppDriver(root.resolve("phone"));
    app.ok("add", Fixtures.U10);
    int perThread = 10;
    List<String> codes = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        runs.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    codes.add(app.ok("code", "grace"));
                  }
                }));
      }
      for (Future<?> run : runs) {
        run.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    Secret rfcKey = Secret.fromBase32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    List<String> expected =
        LongStream.range(0, 40)
            .mapToObj(c -> Hotp.generate(rfcKey, HashAlgorithm.SHA1, 6, c) + "\n")
            .toList();
    assertThat(codes).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(app.ok("list")).contains("counter 40");
  }
}
