package io.latchkey.app;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import tools.jackson.core.JacksonException;

/**
 * Which version of each cloud backup this home last uploaded or restored ({@code
 * HOME/backup-state.json}, beside the vault): the next {@code backup} sends it as {@code If-Match},
 * so a backup another phone made meanwhile is never overwritten by accident. Holds no secret, only
 * server URLs, usernames and version numbers. Written while the vault's lock is held.
 */
final class BackupState {
  static final String NAME = "backup-state.json";
  private static final String FORMAT = "latchkey-app-backup-state";

  private BackupState() {}

  @JsonPropertyOrder({"server", "username", "version"})
  record Entry(String server, String username, long version) {}

  @JsonPropertyOrder({"format", "version", "backups"})
  record Document(String format, int version, List<Entry> backups) {}

  /** The version this home last saw for {@code username} at {@code server}. */
  static Optional<Long> version(Path home, URI server, String username) {
    return read(home).stream()
        .filter(e -> e.server().equals(key(server)) && e.username().equals(username))
        .map(Entry::version)
        .findFirst();
  }

  static void remember(Path home, URI server, String username, long version) throws IOException {
    List<Entry> entries = new ArrayList<>();
    for (Entry e : read(home)) {
      if (!(e.server().equals(key(server)) && e.username().equals(username))) {
        entries.add(e);
      }
    }
    entries.add(new Entry(key(server), username, version));
    Path temp = Files.createTempFile(home, ".backup-state-", ".tmp");
    try {
      Files.write(temp, Json.bytes(new Document(FORMAT, 1, entries)));
      Files.move(
          temp,
          home.resolve(NAME),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static List<Entry> read(Path home) {
    try {
      Document document =
          Json.MAPPER.readValue(Files.readAllBytes(home.resolve(NAME)), Document.class);
      return document == null || document.backups() == null ? List.of() : document.backups();
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException | JacksonException e) {
      // A damaged state file only loses the remembered versions: the server still refuses a stale
      // upload, and the message says to restore or use --force.
      return List.of();
    }
  }

  /** The server as compared: scheme and host in lower case, no trailing slash. */
  static String key(URI server) {
    String text = server.toString();
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    URI uri = URI.create(text);
    if (uri.getScheme() == null || uri.getHost() == null) {
      return text;
    }
    return uri.getScheme().toLowerCase(Locale.ROOT)
        + "://"
        + uri.getHost().toLowerCase(Locale.ROOT)
        + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
        + (uri.getRawPath() == null ? "" : uri.getRawPath());
  }
}
