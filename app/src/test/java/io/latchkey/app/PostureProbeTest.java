package io.latchkey.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.core.push.Posture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Posture detection on fake {@code /proc} and {@code /sys} trees shaped like a laptop's: LUKS, LVM
 * on LUKS, plain partitions, btrfs on LUKS; and the explicit override for demonstrations.
 */
class PostureProbeTest {
  private static final Instant NOW = Instant.parse("2026-11-25T09:00:05Z");

  @TempDir Path dir;
  private FakeSystem system;
  private Path home;

  @BeforeEach
  void aComputerWithAPlainRootPartition() throws Exception {
    system = new FakeSystem(dir.resolve("root"));
    home = Files.createDirectories(dir.resolve("users/alice/.latchkey")).toRealPath();
    system.mount("8:1", "/", "ext4", "/dev/sda1").device("sda1", "8:1", null, null);
  }

  private Boolean storage() {
    return system.probe(Map.of()).storageEncrypted(home);
  }

  @Test
  void aHomeOnADmCryptVolumeIsEncrypted() throws Exception {
    system
        .device("sda2", "8:2", null, null)
        .device("dm-0", "253:0", "CRYPT-LUKS2-4c1e9b0a-luks-4c1e9b0a", "luks-4c1e", "sda2")
        .mount("253:0", dir.resolve("users").toRealPath().toString(), "ext4", "/dev/mapper/luks");

    assertThat(storage()).isTrue();
  }

  @Test
  void aHomeOnLvmOnLuksIsEncryptedThroughTheSlavesOfTheLogicalVolume() throws Exception {
    system
        .device("nvme0n1p3", "259:3", null, null)
        .device("dm-0", "253:0", "CRYPT-LUKS2-77aa-luks-77aa", "luks-77aa", "nvme0n1p3")
        .device("dm-1", "253:1", "LVM-Kd93jfkDk3jd93jd", "vg-home", "dm-0")
        .mount(
            "253:1", dir.resolve("users").toRealPath().toString(), "ext4", "/dev/mapper/vg-home");

    assertThat(storage()).isTrue();
  }

  @Test
  void lvmOnAPlainPartitionIsNotEncrypted() throws Exception {
    system
        .device("sda2", "8:2", null, null)
        .device("dm-1", "253:1", "LVM-Kd93jfkDk3jd93jd", "vg-home", "sda2")
        .mount(
            "253:1", dir.resolve("users").toRealPath().toString(), "ext4", "/dev/mapper/vg-home");

    assertThat(storage()).isFalse();
  }

  @Test
  void aVolumeSpanningAnEncryptedAndAPlainDeviceIsNotEncrypted() throws Exception {
    system
        .device("sda2", "8:2", null, null)
        .device("sdb1", "8:17", null, null)
        .device("dm-0", "253:0", "CRYPT-LUKS2-77aa-luks-77aa", "luks-77aa", "sda2")
        .device("dm-1", "253:1", "LVM-Kd93jfkDk3jd93jd", "vg-home", "dm-0", "sdb1")
        .mount(
            "253:1", dir.resolve("users").toRealPath().toString(), "ext4", "/dev/mapper/vg-home");

    assertThat(storage()).isFalse();
  }

  @Test
  void aHomeOnThePlainRootDiskIsNotEncrypted() {
    assertThat(storage()).isFalse();
  }

  @Test
  void btrfsOnLuksIsFoundByTheSourceNameWhenItsDeviceNumberIsAnonymous() throws Exception {
    system
        .device("sda3", "8:3", null, null)
        .device("dm-0", "253:0", "CRYPT-LUKS2-aa11-luks-aa11", "luks-aa11", "sda3")
        .mount(
            "0:45", dir.resolve("users").toRealPath().toString(), "btrfs", "/dev/mapper/luks-aa11");

    assertThat(storage()).isTrue();
  }

  @Test
  void aFileSystemOnNoBlockDeviceCannotBeTold() throws Exception {
    system.mount("0:30", dir.resolve("users").toRealPath().toString(), "tmpfs", "tmpfs");

    assertThat(storage()).isNull();
  }

  @Test
  void theMountIsTheLongestMountPointAboveTheHomeComparedByWholeNames() throws Exception {
    // "/…/user" is a prefix of "/…/users" as text, not as a path: it must not be chosen.
    system
        .device("dm-0", "253:0", "CRYPT-LUKS2-77aa-luks-77aa", "luks-77aa")
        .mount("253:0", dir.toRealPath().resolve("user").toString(), "ext4", "/dev/mapper/x");

    assertThat(storage()).isFalse();
  }

  @Test
  void aLaterMountOnTheSameMountPointHidesTheEarlierOne() throws Exception {
    String users = dir.resolve("users").toRealPath().toString();
    system
        .device("dm-0", "253:0", "CRYPT-LUKS2-77aa-luks-77aa", "luks-77aa")
        .device("sdb1", "8:17", null, null)
        .mount("253:0", users, "ext4", "/dev/mapper/luks-77aa")
        .mount("8:17", users, "ext4", "/dev/sdb1");

    assertThat(storage()).isFalse();
  }

  @Test
  void aMountPointWithASpaceIsUnescaped() throws Exception {
    Path spaced = Files.createDirectories(dir.resolve("my home/.latchkey")).toRealPath();
    system
        .device("dm-0", "253:0", "CRYPT-LUKS2-77aa-luks-77aa", "luks-77aa")
        .mount("253:0", dir.resolve("my home").toRealPath().toString(), "ext4", "/dev/dm-0");

    assertThat(system.probe(Map.of()).storageEncrypted(spaced)).isTrue();
  }

  @Test
  void aHomeNotCreatedYetIsJudgedByTheDirectoryItWillBeCreatedIn() throws Exception {
    system
        .device("dm-0", "253:0", "CRYPT-LUKS2-77aa-luks-77aa", "luks-77aa")
        .mount("253:0", dir.resolve("users").toRealPath().toString(), "ext4", "/dev/dm-0");

    assertThat(system.probe(Map.of()).storageEncrypted(home.resolve("new/phone"))).isTrue();
  }

  @Test
  void ecryptfsCountsAsEncrypted() throws Exception {
    system.mount("0:50", home.toString(), "ecryptfs", "/home/.ecryptfs/alice/.Private");

    assertThat(storage()).isTrue();
  }

  @Test
  void aLoopOfSlavesEndsInsteadOfRecursingForever() throws Exception {
    system.device("dm-7", "253:7", "LVM-loop", "loop", "dm-7");
    system.mount("253:7", dir.resolve("users").toRealPath().toString(), "ext4", "/dev/dm-7");

    assertThat(storage()).isFalse();
  }

  @ParameterizedTest(name = "real {0}, effective {1}: rooted {2}")
  @CsvSource({"1000, 1000, false", "0, 0, true", "1000, 0, true", "0, 1000, false"})
  void rootedMeansTheEffectiveUserIsRoot(int real, int effective, boolean rooted) throws Exception {
    system.uids(real, effective);

    assertThat(system.probe(Map.of()).rooted()).isEqualTo(rooted);
  }

  @Test
  void notificationsNeedADesktopBus() {
    Map<String, String> desktop = Map.of(PostureProbe.BUS_VARIABLE, "unix:path=/run/user/1000/bus");

    assertThat(system.probe(desktop).notificationsEnabled()).isTrue();
    assertThat(system.probe(Map.of()).notificationsEnabled()).isFalse();
    assertThat(system.probe(Map.of(PostureProbe.BUS_VARIABLE, " ")).notificationsEnabled())
        .isFalse();
  }

  @Test
  void withoutProcEveryAnswerIsUnknown() {
    PostureProbe probe = new PostureProbe(dir.resolve("no/proc"), dir.resolve("no/sys"), Map.of());

    Posture posture = probe.detect(home, "0.1.0", NOW);

    assertThat(posture).isEqualTo(new Posture(null, null, null, "0.1.0", NOW, false));
  }

  @Test
  void aStatusWithoutAUidLineIsUnknown() throws Exception {
    Files.writeString(system.root.resolve("proc/self/status"), "Name:\tjava\n");

    assertThat(system.probe(Map.of()).rooted()).isNull();
  }

  @Test
  void detectionGivesTheAppVersionAndTheDeviceClockAndIsNotOverridden() throws Exception {
    system.uids(1000, 1000);

    Posture posture = system.probe(Map.of()).detect(home, "development", NOW);

    assertThat(posture).isEqualTo(new Posture(false, false, false, "development", NOW, false));
  }

  // ---- the override ----

  @Test
  void anOverrideReplacesTheValuesItGivesAndKeepsTheOthersDetected() {
    Posture detected = new Posture(false, true, null, "development", NOW, false);

    Posture sent =
        PostureOverride.parse(" Storage-Encrypted = YES , rooted=false").applyTo(detected);

    assertThat(sent).isEqualTo(new Posture(true, false, null, "development", NOW, true));
  }

  @Test
  void anOverrideOfEveryValueAcceptsYesNoTrueAndFalse() {
    assertThat(PostureOverride.parse("storage-encrypted=yes,rooted=no,notifications=true"))
        .isEqualTo(new PostureOverride(true, false, true));
    assertThat(PostureOverride.parse("notifications=false"))
        .isEqualTo(new PostureOverride(null, null, false));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "jailbroken=no | unknown key \"jailbroken\"; the keys are storage-encrypted, rooted and"
            + " notifications",
        "rooted=maybe | \"rooted\" must be yes or no, not \"maybe\"",
        "rooted | \"rooted\" is not key=value; write it like"
            + " storage-encrypted=yes,rooted=no,notifications=yes",
        "rooted=no,rooted=yes | \"rooted\" is given twice",
        "rooted=no, | \"\" is not key=value; write it like"
            + " storage-encrypted=yes,rooted=no,notifications=yes",
        "' ' | it is empty; write it like storage-encrypted=yes,rooted=no,notifications=yes",
      })
  void aWrongOverrideIsRefusedWithWhatIsWrong(String spec, String message) {
    assertThatThrownBy(() -> PostureOverride.parse(spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }
}
