package io.latchkey.store;

import io.latchkey.core.crypto.SecretCipher;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The key-encryption keys, kept in a file outside the database so that a copy of the database alone
 * reveals no secret: they wrap the data keys that seal TOTP secrets ({@link DataKeys}), and rows
 * written before data keys existed name a key of this file directly. The file is small and
 * line-based:
 *
 * <pre>
 * current=k3f9a1c2e
 * key.k3f9a1c2e=BASE64 OF 32 RANDOM BYTES
 * key.k0b17d4aa=...   (older keys, kept so rows sealed with them still open)
 * </pre>
 *
 * <p>It is created on first use with mode 600 in a folder with mode 700, and a file that its group
 * or others may read or write is refused: an exposed key is worse than a server that does not
 * start. Key IDs are random rather than counted, so two nodes that rotated their files separately
 * fail with "no key 'k…'" instead of opening each other's rows with the wrong key. Every node that
 * shares one database needs a copy of the same file, and backups need it beside the database.
 *
 * <p>Immutable: {@link #rotate} writes the new ring and returns it.
 */
public final class KeyFile {
  /** The file's place under the data folder. */
  public static final String DEFAULT_RELATIVE_PATH = "keys/secret-keys";

  private static final String CURRENT = "current";
  private static final String KEY_PREFIX = "key.";
  private static final Pattern KEY_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
  private static final int KEY_BYTES = 32;

  private final Path file;
  private final Map<String, byte[]> keys;
  private final String currentKeyId;

  private KeyFile(Path file, Map<String, byte[]> keys, String currentKeyId) {
    this.file = file;
    this.keys = keys;
    this.currentKeyId = currentKeyId;
  }

  /** {@code DATA/keys/secret-keys}. */
  public static Path defaultLocation(Path dataDirectory) {
    return dataDirectory.resolve(DEFAULT_RELATIVE_PATH);
  }

  /**
   * Loads the key ring at {@code file}, or creates it with one fresh key when it does not exist.
   *
   * @throws IllegalStateException if the file is open to group or others, or malformed
   */
  public static KeyFile loadOrCreate(Path file, SecureRandom random) {
    Path target = file.toAbsolutePath().normalize();
    if (!Files.exists(target)) {
      String keyId = newKeyId(random);
      Map<String, byte[]> keys = Map.of(keyId, newKey(random));
      try {
        PrivateFiles.createDirectories(target.getParent());
        write(target, render(keys, keyId), false);
        return new KeyFile(target, keys, keyId);
      } catch (FileAlreadyExistsException anotherProcessWasFaster) {
        return load(target);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the key file " + target, e);
      }
    }
    return load(target);
  }

  /**
   * Loads an existing key ring.
   *
   * @throws IllegalStateException if the file is open to group or others, or malformed
   */
  public static KeyFile load(Path file) {
    Path target = file.toAbsolutePath().normalize();
    try {
      Set<PosixFilePermission> loose = PrivateFiles.groupOrOthers(target);
      if (!loose.isEmpty()) {
        throw new IllegalStateException(
            "refusing to use the key file "
                + target
                + ": its mode "
                + PosixFilePermissions.toString(Files.getPosixFilePermissions(target))
                + " lets group or others in, and whoever reads it can open every TOTP secret."
                + " Run: chmod 600 "
                + target);
      }
      return parse(target, Files.readString(target, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the key file " + target, e);
    }
  }

  /** A cipher that seals with the current key and opens with any key of the ring. */
  public SecretCipher cipher(SecureRandom random) {
    return new SecretCipher(keys, currentKeyId, random);
  }

  public String currentKeyId() {
    return currentKeyId;
  }

  /**
   * A copy of the key {@code keyId}, for a row sealed directly with a key of the file (before the
   * data keys of V12).
   *
   * @throws IllegalStateException if the file does not hold it
   */
  byte[] key(String keyId) {
    byte[] key = keys.get(keyId);
    if (key == null) {
      throw new IllegalStateException(
          "no key '" + keyId + "' in the key file " + file + ": every node needs the same copy");
    }
    return key.clone();
  }

  /** Every key ID in the ring, the current one included. */
  public Set<String> keyIds() {
    return Collections.unmodifiableSet(new TreeSet<>(keys.keySet()));
  }

  public Path path() {
    return file;
  }

  /**
   * Adds a fresh key and makes it current, keeping the old keys so rows sealed with them still
   * open. It starts from the file as it is now on disk, not as this object loaded it, so an earlier
   * rotation is never undone. The file is replaced atomically (a new mode-600 file renamed over the
   * old one), so a crash leaves either the old ring or the new one. Running servers keep their
   * cipher until restarted with the new file. Rows keep the key that sealed them (nothing re-seals
   * them yet), so no key may ever be removed from the file.
   */
  public KeyFile rotate(SecureRandom random) {
    Map<String, byte[]> next = new LinkedHashMap<>(load(file).keys);
    String keyId = newKeyId(random);
    while (next.containsKey(keyId)) {
      keyId = newKeyId(random);
    }
    next.put(keyId, newKey(random));
    try {
      write(file, render(next, keyId), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the key file " + file, e);
    }
    return new KeyFile(file, Collections.unmodifiableMap(next), keyId);
  }

  /** Never the key bytes. */
  @Override
  public String toString() {
    return "KeyFile[" + file + ", current=" + currentKeyId + ", keys=" + keyIds() + "]";
  }

  /**
   * Writes {@code content} to a new mode-600 file beside {@code target}, forces it to the disk (a
   * lost key file loses every secret), and renames it to {@code target}: atomically replacing it,
   * or, when {@code replace} is false, failing if another process created it meanwhile.
   */
  private static void write(Path target, String content, boolean replace) throws IOException {
    Path temporary = PrivateFiles.createTempFile(target.getParent(), ".secret-keys");
    try {
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
        channel.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
        channel.force(true);
      }
      if (replace) {
        Files.move(
            temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } else {
        // A plain move refuses an existing target, unlike ATOMIC_MOVE, which would replace it.
        Files.move(temporary, target);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  private static KeyFile parse(Path file, String content) {
    Properties properties = new Properties();
    try (Reader reader = new StringReader(content)) {
      properties.load(reader);
    } catch (IOException | IllegalArgumentException e) {
      throw malformed(file, "it is not a properties file");
    }
    String current = properties.getProperty(CURRENT);
    if (current == null || current.isBlank()) {
      throw malformed(file, "it names no current key (line current=...)");
    }
    Map<String, byte[]> keys = new LinkedHashMap<>();
    for (String name : new TreeSet<>(properties.stringPropertyNames())) {
      if (name.equals(CURRENT)) {
        continue;
      }
      String keyId = name.startsWith(KEY_PREFIX) ? name.substring(KEY_PREFIX.length()) : "";
      if (!KEY_ID.matcher(keyId).matches()) {
        throw malformed(file, "unexpected entry '" + printable(name) + "'");
      }
      keys.put(keyId, decodeKey(file, name, properties));
    }
    if (!keys.containsKey(current.strip())) {
      throw malformed(file, "the current key '" + printable(current) + "' is not in it");
    }
    return new KeyFile(file, Collections.unmodifiableMap(keys), current.strip());
  }

  private static byte[] decodeKey(Path file, String name, Properties properties) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(properties.getProperty(name).strip());
    } catch (IllegalArgumentException e) {
      // The message of the decoder could quote key material: it is not passed on.
      throw malformed(file, name + " is not Base64");
    }
    if (key.length != KEY_BYTES) {
      throw malformed(file, name + " has " + key.length + " bytes, not " + KEY_BYTES);
    }
    return key;
  }

  private static String render(Map<String, byte[]> keys, String currentKeyId) {
    StringBuilder out = new StringBuilder();
    out.append("# Latchkey secret keys (AES-256). Whoever reads this file can open every TOTP\n");
    out.append("# secret in the database: keep it mode 600, back it up apart from the database,\n");
    out.append("# and give every node that shares the database the same copy. Old keys stay so\n");
    out.append("# that rows sealed with them still open.\n");
    out.append(CURRENT).append('=').append(currentKeyId).append('\n');
    Base64.Encoder encoder = Base64.getEncoder();
    keys.forEach(
        (id, key) ->
            out.append(KEY_PREFIX)
                .append(id)
                .append('=')
                .append(encoder.encodeToString(key))
                .append('\n'));
    return out.toString();
  }

  private static String newKeyId(SecureRandom random) {
    byte[] id = new byte[4];
    random.nextBytes(id);
    return "k" + HexFormat.of().formatHex(id);
  }

  private static byte[] newKey(SecureRandom random) {
    byte[] key = new byte[KEY_BYTES];
    random.nextBytes(key);
    return key;
  }

  private static IllegalStateException malformed(Path file, String why) {
    return new IllegalStateException("the key file " + file + " is malformed: " + why);
  }

  /** Names from the file, shortened and restricted to safe characters for an error message. */
  private static String printable(String text) {
    String cut = text.length() > 40 ? text.substring(0, 40) + "..." : text;
    return cut.replaceAll("[^A-Za-z0-9._-]", "?");
  }
}
