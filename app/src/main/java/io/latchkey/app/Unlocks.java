package io.latchkey.app;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code unlock}'s kept vault key: like a phone app unlocked in the foreground, the vault opens
 * without the PIN until a deadline. The key is kept only in memory-backed storage, never on the
 * home's disk: in {@code $XDG_RUNTIME_DIR/latchkey/}, else {@code /dev/shm/latchkey-UID/}, and only
 * when mountinfo says that folder is a tmpfs (or ramfs). The folder is mode 700 and must belong to
 * the home's owner; the file, mode 600, is named by a SHA-256 of the home's real path and holds the
 * deadline, the home and the fingerprint of the PIN it was unlocked with.
 *
 * <p>The kept key is ignored and deleted when it expires (by the injected clock), when the clock
 * says it was made more than {@link #MAX_DURATION} in the future, when the PIN changes (the
 * fingerprint no longer matches), on {@code lock}, and by the system on restart. Between the
 * deadline and the next command it still lies in memory; nothing runs in the background to wipe it.
 */
final class Unlocks {
  static final Duration MAX_DURATION = Duration.ofHours(1);
  static final String RUNTIME_VARIABLE = "XDG_RUNTIME_DIR";
  private static final String FORMAT = "latchkey-app-unlock";
  private static final Set<String> MEMORY_FILE_SYSTEMS = Set.of("tmpfs", "ramfs");
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  /** The file's content. */
  @JsonPropertyOrder({"format", "home", "lock", "until", "key"})
  record Stored(String format, String home, String lock, String until, String key) {}

  private final Path home;
  private final Map<String, String> env;
  private final Path devShm;
  private final PostureProbe probe;
  private final Clock clock;

  /**
   * @param home the app's home
   * @param env where {@code XDG_RUNTIME_DIR} is read
   * @param devShm {@code /dev/shm} (a fake in tests)
   * @param probe reads mountinfo to tell memory from disk
   * @param clock the deadline's clock
   */
  Unlocks(Path home, Map<String, String> env, Path devShm, PostureProbe probe, Clock clock) {
    this.home = home;
    this.env = Map.copyOf(env);
    this.devShm = devShm;
    this.probe = probe;
    this.clock = clock;
  }

  /** Keeps {@code lock}'s vault key until {@code until}. */
  void keep(PinLock lock, Instant until) throws IOException {
    Path file = file(folder(true).orElseThrow());
    byte[] key = lock.vaultKey();
    byte[] bytes = null;
    try {
      bytes =
          MAPPER.writeValueAsBytes(
              new Stored(
                  FORMAT,
                  realHome(),
                  PinLock.fingerprint(lock.header()),
                  until.toString(),
                  Base64.getEncoder().encodeToString(key)));
      AtomicFile.write(file, bytes);
    } finally {
      Arrays.fill(key, (byte) 0);
      if (bytes != null) {
        Arrays.fill(bytes, (byte) 0);
      }
    }
  }

  /**
   * The kept lock for {@code header}, if one is kept and still valid; an expired, foreign or stale
   * one is deleted.
   */
  Optional<PinLock> kept(PinHeader header) throws IOException {
    Optional<Stored> stored = read();
    if (stored.isEmpty()) {
      return Optional.empty();
    }
    Stored s = stored.get();
    Optional<Instant> until = validUntil(s);
    if (until.isEmpty() || !PinLock.fingerprint(header).equals(s.lock())) {
      forget();
      return Optional.empty();
    }
    byte[] key = Base64.getDecoder().decode(s.key());
    try {
      return Optional.of(PinLock.withKey(header, key));
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /** Until when the vault is unlocked, if it is (without checking the PIN it belongs to). */
  Optional<Instant> until() throws IOException {
    return read().flatMap(this::validUntil);
  }

  /** Deletes the kept key, if any. */
  void forget() throws IOException {
    Optional<Path> folder = folder(false);
    if (folder.isPresent() && Files.isDirectory(folder.get(), LinkOption.NOFOLLOW_LINKS)) {
      Files.deleteIfExists(file(folder.get()));
    }
  }

  /**
   * Where unlocks are kept, created if {@code create}; empty when there is no memory-backed storage
   * or the folder there is not private, which {@code create} turns into the sentence saying so.
   */
  Optional<Path> folder(boolean create) throws IOException {
    Optional<Path> base = memoryBackedBase();
    if (base.isEmpty()) {
      if (create) {
        throw new AppException(
            "There is no memory-backed storage to keep the unlocked vault in (a tmpfs at $"
                + RUNTIME_VARIABLE
                + " or /dev/shm), and it is never kept on disk; the vault stays locked and asks"
                + " for the PIN each time.");
      }
      return Optional.empty();
    }
    boolean runtime = isRuntime(base.get());
    Path folder = base.get().resolve(runtime ? "latchkey" : "latchkey-" + owner(home));
    if (create && !Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
      try {
        Files.createDirectory(folder, AtomicFile.permissions("rwx------"));
      } catch (FileAlreadyExistsException raced) {
        // Another command made it first; it is checked below like any other.
      }
    }
    if (Files.exists(folder, LinkOption.NOFOLLOW_LINKS) && !isPrivate(folder)) {
      if (create) {
        throw new AppException(
            "The folder "
                + folder
                + " that keeps unlocked vaults is not private to the owner of this home (it must"
                + " be a directory of theirs, mode 700); remove it and try again.");
      }
      return Optional.empty(); // never read from or delete in it: this app did not write there
    }
    return Optional.of(folder);
  }

  private boolean isRuntime(Path base) {
    String runtime = env.get(RUNTIME_VARIABLE);
    return runtime != null && Path.of(runtime).equals(base);
  }

  /** {@code $XDG_RUNTIME_DIR}, else {@code /dev/shm}: the first that exists and is in memory. */
  private Optional<Path> memoryBackedBase() {
    String runtime = env.get(RUNTIME_VARIABLE);
    if (runtime != null && !runtime.isBlank()) {
      Path path = Path.of(runtime);
      if (path.isAbsolute() && Files.isDirectory(path) && inMemory(path)) {
        return Optional.of(path);
      }
    }
    return Files.isDirectory(devShm) && inMemory(devShm) ? Optional.of(devShm) : Optional.empty();
  }

  private boolean inMemory(Path path) {
    return probe.fileSystemType(path).filter(MEMORY_FILE_SYSTEMS::contains).isPresent();
  }

  /** False for a folder that someone else could read or replace the key in. */
  private boolean isPrivate(Path folder) throws IOException {
    return Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)
        && owner(folder).equals(owner(home))
        && (!AtomicFile.POSIX
            || PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(folder, LinkOption.NOFOLLOW_LINKS))
                .equals("rwx------"));
  }

  /** The numeric owner of {@code path} (unix:uid), else its owner's name. */
  private static String owner(Path path) throws IOException {
    try {
      return String.valueOf(Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS));
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return Files.getOwner(path, LinkOption.NOFOLLOW_LINKS).getName();
    }
  }

  private Path file(Path folder) throws IOException {
    return folder.resolve(sha256(realHome()).substring(0, 32) + ".json");
  }

  private String realHome() throws IOException {
    return home.toRealPath().toString();
  }

  private Optional<Stored> read() throws IOException {
    if (!Files.isDirectory(home)) {
      return Optional.empty();
    }
    Optional<Path> folder = folder(false);
    if (folder.isEmpty() || !Files.isDirectory(folder.get(), LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    Path file = file(folder.get());
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    try {
      Stored stored = MAPPER.readValue(bytes, Stored.class);
      if (stored != null
          && FORMAT.equals(stored.format())
          && realHome().equals(stored.home())
          && stored.lock() != null
          && stored.key() != null) {
        Base64.getDecoder().decode(stored.key());
        return Optional.of(stored);
      }
    } catch (JacksonException | IllegalArgumentException e) {
      // Damaged: deleted below, and the PIN is asked for.
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
    Files.deleteIfExists(file);
    return Optional.empty();
  }

  /** The deadline, if it is still ahead and no further than the longest unlock. */
  private Optional<Instant> validUntil(Stored stored) {
    Instant until;
    try {
      until = Instant.parse(String.valueOf(stored.until()));
    } catch (DateTimeException e) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    boolean valid = now.isBefore(until) && !until.isAfter(now.plus(MAX_DURATION));
    return valid ? Optional.of(until) : Optional.empty();
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }
}
