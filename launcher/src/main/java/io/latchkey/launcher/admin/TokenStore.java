package io.latchkey.launcher.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where {@code latchkey admin login} keeps the admin token, one file per server: {@code
 * $LATCHKEY_CONFIG_HOME}, else {@code $XDG_CONFIG_HOME/latchkey}, else {@code ~/.config/latchkey}
 * (XDG Base Directory Specification); the folder is mode 700, each file mode 600, and a file is
 * written whole or not at all (a temporary file in the same folder, then an atomic rename).
 */
final class TokenStore {
  static final String CONFIG_VARIABLE = "LATCHKEY_CONFIG_HOME";

  /** A stored login: the token and until when it works. */
  record Stored(String server, String username, String token, Instant expiresAt) {
    @Override
    public String toString() {
      return "Stored[" + server + ", " + username + ", until " + expiresAt + "]";
    }
  }

  private final Path folder;
  private final JsonMapper json;

  TokenStore(Map<String, String> env, JsonMapper json) {
    this.folder = folder(env);
    this.json = json;
  }

  static Path folder(Map<String, String> env) {
    String own = env.get(CONFIG_VARIABLE);
    if (own != null && !own.isBlank()) {
      return Path.of(own);
    }
    String xdg = env.get("XDG_CONFIG_HOME");
    if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg, "latchkey");
    }
    return Path.of(System.getProperty("user.home"), ".config", "latchkey");
  }

  /** The file of {@code server}: named by a hash of its URL, so any URL makes a file name. */
  Path fileFor(String server) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(server.getBytes(StandardCharsets.UTF_8));
      return folder.resolve("admin-token-" + HexFormat.of().formatHex(digest, 0, 8) + ".json");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The stored login of {@code server}, if any and still within its lifetime. */
  Optional<Stored> find(String server, Instant now) throws AdminException {
    Path file = fileFor(server);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new AdminException("Cannot read the admin login in " + file + ": " + e.getMessage());
    }
    try {
      JsonNode node = json.readTree(text);
      Stored stored =
          new Stored(
              node.path("server").asString(),
              node.path("username").asString(),
              node.path("token").asString(),
              Instant.parse(node.path("expiresAt").asString()));
      return stored.server().equals(server) && now.isBefore(stored.expiresAt())
          ? Optional.of(stored)
          : Optional.empty();
    } catch (JacksonException | DateTimeParseException e) {
      return Optional.empty(); // a damaged file is no login; the next login replaces it
    }
  }

  /** Writes the login of {@code stored.server()} atomically, readable by its owner only. */
  Path save(Stored stored) throws AdminException {
    Path file = fileFor(stored.server());
    try {
      createPrivateFolder();
      Path temporary =
          Files.createTempFile(
              folder,
              ".admin-token-",
              ".tmp",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try {
        Files.write(
            temporary,
            json.writeValueAsBytes(
                Map.of(
                    "server", stored.server(),
                    "username", stored.username(),
                    "token", stored.token(),
                    "expiresAt", stored.expiresAt().toString())));
        try {
          Files.move(
              temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temporary);
      }
    } catch (IOException | UnsupportedOperationException e) {
      throw new AdminException("Cannot store the admin login in " + file + ": " + e.getMessage());
    }
    return file;
  }

  /** Forgets the login of {@code server}; true if there was one. */
  boolean delete(String server) throws AdminException {
    Path file = fileFor(server);
    try {
      return Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new AdminException("Cannot delete the admin login " + file + ": " + e.getMessage());
    }
  }

  /**
   * Creates the folder with mode 700 (whatever the umask); a folder that exists is left as it is,
   * since it may be one the administrator chose ({@code LATCHKEY_CONFIG_HOME}): the files in it are
   * mode 600 either way.
   */
  private void createPrivateFolder() throws IOException {
    if (Files.isDirectory(folder)) {
      return;
    }
    Path parent = folder.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try {
      Files.createDirectory(
          folder,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (FileAlreadyExistsException e) {
      return; // another login made it just now
    }
    Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
  }
}
