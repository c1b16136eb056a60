package io.latchkey.app;

import io.latchkey.core.push.Posture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What this computer can say about itself for the posture sent at activation (PRODUCT 4), read from
 * Linux's {@code /proc} and {@code /sys}. Each answer is {@code null} when the system gives none
 * (no {@code /proc}, a file system on no block device, an unreadable file): the server's policy
 * then decides what an unknown means. The roots are parameters so tests use fake trees.
 *
 * <ul>
 *   <li><b>Storage encrypted</b>: the app's home is on a dm-crypt device. The home's mount is the
 *       longest mount point of {@code /proc/self/mountinfo} above it; its device number leads to
 *       {@code /sys/dev/block/MAJ:MIN}, which is encrypted when its {@code dm/uuid} starts with
 *       {@code CRYPT-} (dm-crypt, LUKS), or when it is built only on devices that are (its {@code
 *       slaves/}, followed down: LVM or RAID on LUKS). Ecryptfs counts as encrypted too.
 *       File-system encryption that leaves no mark there (fscrypt, ZFS) reads as not encrypted.
 *   <li><b>Rooted</b>: the app runs with the effective user ID 0 ({@code Uid:} of {@code
 *       /proc/self/status}): administrator rights, the desktop counterpart of a rooted phone.
 *   <li><b>Notifications enabled</b>: a desktop notification bus is there to show sign-in requests
 *       on, i.e. {@code DBUS_SESSION_BUS_ADDRESS} is set (the freedesktop notification service
 *       lives on the D-Bus session bus). Without {@code /proc} this is not Linux, and the app
 *       cannot tell.
 * </ul>
 */
final class PostureProbe {
  static final String BUS_VARIABLE = "DBUS_SESSION_BUS_ADDRESS";
  // Device-mapper stacks are a few levels deep; the bound only stops a looping fake tree.
  private static final int MAX_DEPTH = 16;

  private final Path proc;
  private final Path sys;
  private final Map<String, String> env;

  /**
   * @param proc where {@code /proc} is ({@code Path.of("/proc")} on the real system)
   * @param sys where {@code /sys} is
   * @param env the environment
   */
  PostureProbe(Path proc, Path sys, Map<String, String> env) {
    this.proc = proc;
    this.sys = sys;
    this.env = Map.copyOf(env);
  }

  /** The detected posture of a device whose storage is {@code home}. */
  Posture detect(Path home, String appVersion, Instant deviceClock) {
    return new Posture(
        storageEncrypted(home), rooted(), notificationsEnabled(), appVersion, deviceClock, false);
  }

  Boolean storageEncrypted(Path home) {
    try {
      Optional<Mount> mount = mountOf(existing(home.toAbsolutePath().normalize()).toRealPath());
      if (mount.isEmpty()) {
        return null;
      }
      if (mount.get().type().equals("ecryptfs")) {
        return true;
      }
      Optional<Path> device = blockDevice(mount.get());
      return device.isEmpty() ? null : encrypted(device.get(), 0);
    } catch (IOException e) {
      return null;
    }
  }

  Boolean rooted() {
    try {
      for (String line : Files.readAllLines(proc.resolve("self/status"), StandardCharsets.UTF_8)) {
        if (line.startsWith("Uid:")) {
          String[] ids = line.substring(4).strip().split("\\s+");
          return ids.length < 2 ? null : ids[1].equals("0");
        }
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  Boolean notificationsEnabled() {
    String bus = env.get(BUS_VARIABLE);
    if (bus != null && !bus.isBlank()) {
      return true;
    }
    return Files.isDirectory(proc) ? false : null;
  }

  /**
   * The type of the file system holding {@code path} ("tmpfs", "ext4", ...), from mountinfo; empty
   * when the system does not say.
   */
  Optional<String> fileSystemType(Path path) {
    try {
      return mountOf(existing(path.toAbsolutePath().normalize()).toRealPath()).map(Mount::type);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** {@code path}, or the nearest directory above it that exists: where it would be created. */
  private static Path existing(Path path) {
    Path at = path;
    while (at.getParent() != null && !Files.exists(at)) {
      at = at.getParent();
    }
    return at;
  }

  /** One line of mountinfo: the device number, where it is mounted, its type and source. */
  record Mount(String device, Path mountPoint, String type, String source) {}

  /** The mount holding {@code path}: the longest mount point above it; the later one on a tie. */
  private Optional<Mount> mountOf(Path path) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(proc.resolve("self/mountinfo"), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    Mount best = null;
    for (String line : lines) {
      Optional<Mount> mount = parse(line);
      if (mount.isPresent()
          && path.startsWith(mount.get().mountPoint())
          && (best == null
              || mount.get().mountPoint().getNameCount() >= best.mountPoint().getNameCount())) {
        best = mount.get();
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * {@code 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw} (proc(5)): the device is
   * field 3, the mount point field 5, and type and source follow the lone {@code -}.
   */
  static Optional<Mount> parse(String line) {
    String[] fields = line.split(" ");
    int separator = List.of(fields).indexOf("-");
    if (fields.length < 6 || separator < 6 || separator + 2 >= fields.length) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new Mount(
              fields[2],
              Path.of(unescape(fields[4])),
              fields[separator + 1],
              unescape(fields[separator + 2])));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Mountinfo writes space, tab, newline and backslash as octal escapes ({@code \040}). */
  static String unescape(String field) {
    StringBuilder out = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && isOctal(field, i + 1)) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isOctal(String text, int from) {
    if (from + 3 > text.length()) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '7') {
        return false;
      }
    }
    return true;
  }

  /**
   * The mount's block device in sysfs: by its device number; else, for file systems that report an
   * anonymous device number (btrfs), by the {@code /dev} name of its source.
   */
  private Optional<Path> blockDevice(Mount mount) throws IOException {
    Path byNumber = sys.resolve("dev/block").resolve(mount.device());
    if (Files.isDirectory(byNumber)) {
      return Optional.of(byNumber);
    }
    String source = mount.source();
    Path classBlock = sys.resolve("class/block");
    if (source.startsWith("/dev/mapper/") && Files.isDirectory(classBlock)) {
      String name = source.substring("/dev/mapper/".length());
      try (Stream<Path> all = Files.list(classBlock)) {
        return all.filter(d -> name.equals(read(d.resolve("dm/name")).orElse(null))).findFirst();
      }
    }
    if (source.startsWith("/dev/") && source.indexOf('/', 5) < 0 && source.length() > 5) {
      Path byName = classBlock.resolve(source.substring(5));
      return Files.isDirectory(byName) ? Optional.of(byName) : Optional.empty();
    }
    return Optional.empty();
  }

  /** dm-crypt itself, or a device built only on encrypted ones. */
  private boolean encrypted(Path device, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      return false;
    }
    if (read(device.resolve("dm/uuid")).filter(uuid -> uuid.startsWith("CRYPT-")).isPresent()) {
      return true;
    }
    Path slaves = device.resolve("slaves");
    if (!Files.isDirectory(slaves)) {
      return false;
    }
    List<Path> under = new ArrayList<>();
    try (Stream<Path> entries = Files.list(slaves)) {
      entries.forEach(under::add);
    }
    if (under.isEmpty()) {
      return false;
    }
    for (Path slave : under) {
      if (!encrypted(slave, depth + 1)) {
        return false;
      }
    }
    return true;
  }

  private static Optional<String> read(Path file) {
    try {
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
