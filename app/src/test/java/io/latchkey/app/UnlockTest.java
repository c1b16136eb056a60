package io.latchkey.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code unlock} and {@code lock}: the PIN checked once keeps the vault open until a deadline on
 * the injected clock, with the vault key only in memory-backed storage (here a folder that the fake
 * mountinfo calls a tmpfs); {@code lock}, a PIN change and the deadline end it.
 */
class UnlockTest {
  private static final String PIN = "4711-correct";
  private static final String NEEDS_PIN =
      "A PIN is needed but there is no terminal to ask for it; set LATCHKEY_PIN.\n";

  @TempDir Path dir;
  private Path runtime;
  private FakeSystem system;
  private AppDriver app;

  @BeforeEach
  void aVaultWithAPinAndARuntimeFolderInMemory() throws Exception {
    runtime = Files.createDirectories(dir.resolve("run-user"));
    Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwx------"));
    system = new FakeSystem(dir.resolve("system"));
    system.mount("0:42", runtime.toRealPath().toString(), "tmpfs", "tmpfs");
    app = new AppDriver(dir.resolve("phone")).pin(PIN);
    app.systemRoot = system.root;
    app.env.put(Unlocks.RUNTIME_VARIABLE, runtime.toString());
    app.ok("add", Fixtures.U02);
  }

  /** The app without LATCHKEY_PIN and without a terminal: only an unlock opens the vault. */
  private AppDriver.Result codesWithoutPin() {
    app.env.remove(PinSource.PIN_VARIABLE);
    return app.run("code", "ACME");
  }

  private void advance(Duration by) {
    app.clock = Clock.offset(app.clock, by);
  }

  @Test
  void unlockLetsCommandsRunWithoutThePinUntilItExpires() {
    assertThat(app.ok("unlock"))
        .isEqualTo(
            "Unlocked until 2009-02-13T23:36:30Z (5 min): commands on this home will not ask for"
                + " the PIN until then. 'lock' locks it now.\n");

    assertThat(codesWithoutPin().out()).isEqualTo("566657\n");
    advance(Duration.ofMinutes(5).minusSeconds(1));
    assertThat(codesWithoutPin().exit()).isZero();
    advance(Duration.ofSeconds(1));
    assertThat(codesWithoutPin().err()).isEqualTo(NEEDS_PIN);
  }

  @Test
  void lockEndsTheUnlockAtOnce() throws Exception {
    app.ok("unlock", "--for", "1h");
    assertThat(codesWithoutPin().exit()).isZero();

    assertThat(app.ok("lock")).isEqualTo("Locked.\n");

    assertThat(codesWithoutPin().err()).isEqualTo(NEEDS_PIN);
    assertThat(keptFiles()).isEmpty();
  }

  @Test
  void changingThePinNeedsTheCurrentOneEvenWhileUnlockedAndEndsTheUnlock() throws Exception {
    app.ok("unlock");
    app.env.remove(PinSource.PIN_VARIABLE);
    app.env.put(PinSource.NEW_PIN_VARIABLE, "new-pin-2");

    assertThat(app.run("pin", "set").err()).isEqualTo(NEEDS_PIN);
    assertThat(app.pin("wrong-pin").run("pin", "set").err())
        .isEqualTo("Could not unlock the vault: wrong PIN.\n");
    assertThat(app.pin(PIN).ok("pin", "set")).isEqualTo("PIN changed.\n");

    assertThat(keptFiles()).isEmpty();
    assertThat(codesWithoutPin().err()).isEqualTo(NEEDS_PIN);
    assertThat(app.pin("new-pin-2").ok("code", "ACME")).isEqualTo("566657\n");
  }

  @Test
  void removingThePinNeedsTheCurrentOneEvenWhileUnlockedAndEndsTheUnlock() throws Exception {
    app.ok("unlock");
    app.env.remove(PinSource.PIN_VARIABLE);

    assertThat(app.run("pin", "remove").err()).isEqualTo(NEEDS_PIN);
    assertThat(app.pin(PIN).ok("pin", "remove")).startsWith("PIN removed");

    assertThat(keptFiles()).isEmpty();
  }

  @Test
  void anUnlockKeptFromAnOlderPinIsIgnored() throws Exception {
    app.ok("unlock");
    Path kept = keptFiles().getFirst();
    byte[] oldUnlock = Files.readAllBytes(kept);
    app.env.put(PinSource.NEW_PIN_VARIABLE, "new-pin-2");
    app.ok("pin", "set");

    Files.write(kept, oldUnlock); // as if 'pin set' had not deleted it

    assertThat(codesWithoutPin().err()).isEqualTo(NEEDS_PIN);
    assertThat(kept).doesNotExist();
  }

  @Test
  void theKeyIsKeptOnlyInTheMemoryFolderMode600InAFolderOf700() throws Exception {
    app.ok("unlock");

    Path folder = runtime.resolve("latchkey");
    String name = sha256(app.home.toRealPath().toString()).substring(0, 32) + ".json";
    assertThat(keptFiles()).containsExactly(folder.resolve(name));
    assertThat(mode(folder)).isEqualTo("rwx------");
    assertThat(mode(folder.resolve(name))).isEqualTo("rw-------");
    assertThat(Files.readString(folder.resolve(name)))
        .contains("\"until\":\"2009-02-13T23:36:30Z\"")
        .doesNotContain(PIN);
    try (Stream<Path> files = Files.list(app.home)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("vault.json", "vault.lock");
    }
  }

  @Test
  void withoutXdgRuntimeDirTheKeyIsKeptInDevShm() throws Exception {
    Path shm = Files.createDirectories(system.root.resolve("dev/shm"));
    system.mount("0:23", shm.toRealPath().toString(), "tmpfs", "tmpfs");
    app.env.remove(Unlocks.RUNTIME_VARIABLE);

    app.ok("unlock");

    Object uid = Files.getAttribute(app.home, "unix:uid");
    Path folder = shm.resolve("latchkey-" + uid);
    assertThat(mode(folder)).isEqualTo("rwx------");
    try (Stream<Path> files = Files.list(folder)) {
      assertThat(files).hasSize(1);
    }
    assertThat(codesWithoutPin().out()).isEqualTo("566657\n");
  }

  @Test
  void storageOnDiskIsNeverUsedAndUnlockSaysWhy() throws Exception {
    Path disk = Files.createDirectories(dir.resolve("disk-run"));
    system.mount("8:1", disk.toRealPath().toString(), "ext4", "/dev/sda1");
    app.env.put(Unlocks.RUNTIME_VARIABLE, disk.toString());

    AppDriver.Result refused = app.run("unlock");

    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err())
        .startsWith("There is no memory-backed storage to keep the unlocked vault in")
        .contains("never kept on disk");
    try (Stream<Path> files = Files.list(disk)) {
      assertThat(files).isEmpty();
    }
    assertThat(codesWithoutPin().err()).isEqualTo(NEEDS_PIN);
  }

  @Test
  void aKeptFolderOthersCouldReadIsRefused() throws Exception {
    Path folder = Files.createDirectories(runtime.resolve("latchkey"));
    Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));

    AppDriver.Result refused = app.run("unlock");

    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err()).contains("is not private", "mode 700");
    assertThat(keptFiles()).isEmpty();
    // Everything else goes on, asking for the PIN, and never touches that folder.
    Path planted = Files.writeString(folder.resolve("planted.json"), "{}");
    assertThat(app.ok("code", "ACME")).isEqualTo("566657\n");
    app.env.put(PinSource.NEW_PIN_VARIABLE, "new-pin-2");
    assertThat(app.ok("pin", "set")).isEqualTo("PIN changed.\n");
    assertThat(app.run("lock").out()).isEqualTo("Locked.\n");
    assertThat(planted).exists();
  }

  @Test
  void unlockChecksThePinAndAWrongOneCountsTowardTheDelay() throws Exception {
    AppDriver.Result refused = app.pin("0000").run("unlock");

    assertThat(refused.err()).isEqualTo("Could not unlock the vault: wrong PIN.\n");
    assertThat(keptFiles()).isEmpty();
    assertThat(Files.readString(app.home.resolve(PinAttempts.NAME))).contains("\"failures\":1");
  }

  @Test
  void unlockingAgainNeedsThePinSoAnUnlockCannotBeStretchedWithoutIt() {
    app.ok("unlock");
    app.env.remove(PinSource.PIN_VARIABLE);

    assertThat(app.run("unlock").err()).isEqualTo(NEEDS_PIN);
  }

  @Test
  void anUnlockOfOneHomeDoesNotOpenAnother() {
    AppDriver other = new AppDriver(dir.resolve("other")).pin(PIN);
    other.systemRoot = system.root;
    other.env.put(Unlocks.RUNTIME_VARIABLE, runtime.toString());
    other.ok("add", Fixtures.U02);
    app.ok("unlock");

    other.env.remove(PinSource.PIN_VARIABLE);
    assertThat(other.run("code", "ACME").err()).isEqualTo(NEEDS_PIN);
  }

  @Test
  void anUnlockFromMoreThanAnHourAheadOfTheClockIsIgnored() {
    app.ok("unlock", "--for", "10m");
    app.clock = Clock.offset(app.clock, Duration.ofHours(-2)); // the clock was set back

    assertThat(codesWithoutPin().err()).isEqualTo(NEEDS_PIN);
  }

  @Test
  void unlockTakesAtMostOneHour() {
    assertThat(app.run("unlock", "--for", "61m").err())
        .startsWith("--for must be at least 1 s and at most 1 h, not 61m");
    assertThat(app.run("unlock", "--for", "0s").exit()).isEqualTo(2);
    assertThat(app.run("unlock", "--for", "soon").err())
        .startsWith("--for takes a number and s, m or h");
    assertThat(app.ok("unlock", "--for", "90s")).contains("(90 s)");
    assertThat(app.ok("unlock", "--for", "1h")).contains("(1 h)");
  }

  @Test
  void onAVaultWithoutAPinLockAndUnlockSaySoAndHowToSetOne() {
    AppDriver plain = new AppDriver(dir.resolve("plain"));
    plain.systemRoot = system.root;
    plain.env.put(Unlocks.RUNTIME_VARIABLE, runtime.toString());
    plain.ok("add", Fixtures.U02);

    AppDriver.Result lock = plain.run("lock");
    AppDriver.Result unlock = plain.run("unlock");

    assertThat(lock.exit()).isEqualTo(1);
    assertThat(lock.err())
        .startsWith("This vault has no PIN, so there is nothing to lock it with")
        .endsWith("Set a PIN with 'pin set'.\n");
    assertThat(unlock.exit()).isEqualTo(1);
    assertThat(unlock.err())
        .isEqualTo(
            "This vault has no PIN, so there is nothing to unlock: it opens without one. Set a"
                + " PIN with 'pin set' first.\n");
  }

  private List<Path> keptFiles() throws IOException {
    Path folder = runtime.resolve("latchkey");
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.toList();
    }
  }

  private static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}
