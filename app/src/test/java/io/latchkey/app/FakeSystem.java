package io.latchkey.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A fake {@code /proc} and {@code /sys} under a temporary directory, shaped like Linux's: block
 * devices live in {@code sys/devices/NAME}, and {@code sys/dev/block/MAJ:MIN}, {@code
 * sys/class/block/NAME} and each {@code slaves/NAME} are symbolic links to them.
 */
final class FakeSystem {
  final Path root;

  FakeSystem(Path root) throws IOException {
    this.root = root;
    Files.createDirectories(root.resolve("proc/self"));
    Files.createDirectories(root.resolve("sys/dev/block"));
    Files.createDirectories(root.resolve("sys/class/block"));
    Files.createDirectories(root.resolve("sys/devices"));
  }

  /** A line of {@code /proc/self/mountinfo}. */
  FakeSystem mount(String device, String mountPoint, String type, String source)
      throws IOException {
    String line =
        "36 25 "
            + device
            + " / "
            + mountPoint.replace("\\", "\\134").replace(" ", "\\040")
            + " rw,relatime shared:1 - "
            + type
            + " "
            + source
            + " rw\n";
    Files.writeString(
        root.resolve("proc/self/mountinfo"),
        line,
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    return this;
  }

  /** The {@code Uid:} line of {@code /proc/self/status}: real, effective, saved, file system. */
  FakeSystem uids(int real, int effective) throws IOException {
    Files.writeString(
        root.resolve("proc/self/status"),
        "Name:\tjava\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t"
            + real
            + "\t"
            + effective
            + "\t"
            + effective
            + "\t"
            + effective
            + "\nGid:\t1000\t1000\t1000\t1000\n");
    return this;
  }

  FakeSystem hostname(String name) throws IOException {
    Files.createDirectories(root.resolve("proc/sys/kernel"));
    Files.writeString(root.resolve("proc/sys/kernel/hostname"), name + "\n");
    return this;
  }

  /**
   * A block device.
   *
   * @param dmUuid its {@code dm/uuid} ("CRYPT-LUKS2-...", "LVM-..."), or null when it is no
   *     device-mapper device
   * @param dmName its {@code dm/name}, or null
   * @param slaves the devices it is built on
   */
  FakeSystem device(String name, String number, String dmUuid, String dmName, String... slaves)
      throws IOException {
    Path device = Files.createDirectories(root.resolve("sys/devices").resolve(name));
    Files.writeString(device.resolve("dev"), number + "\n");
    if (dmUuid != null) {
      Files.createDirectories(device.resolve("dm"));
      Files.writeString(device.resolve("dm/uuid"), dmUuid + "\n");
      Files.writeString(device.resolve("dm/name"), (dmName == null ? name : dmName) + "\n");
    }
    Files.createDirectories(device.resolve("slaves"));
    for (String slave : slaves) {
      Files.createSymbolicLink(
          device.resolve("slaves").resolve(slave), root.resolve("sys/devices").resolve(slave));
    }
    Files.createSymbolicLink(root.resolve("sys/dev/block").resolve(number), device);
    Files.createSymbolicLink(root.resolve("sys/class/block").resolve(name), device);
    return this;
  }

  PostureProbe probe(java.util.Map<String, String> env) {
    return new PostureProbe(root.resolve("proc"), root.resolve("sys"), env);
  }
}
