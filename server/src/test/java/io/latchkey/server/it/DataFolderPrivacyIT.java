package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.testing.ServerProcess;
import io.latchkey.store.KeyFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Files private by default (issue 14), through the real server in a child process: after a first
 * start every folder under DATA is 700 and every file 600; a folder an older version left open is
 * tightened, with one warning; a key file that others may read stops the start with one clear
 * message and a non-zero exit, no stack trace.
 */
class DataFolderPrivacyIT {
  private Path folder;
  private Path data;
  private ServerProcess server;

  @BeforeEach
  void freshFolder() throws IOException {
    folder = Files.createTempDirectory("latchkey-privacy-");
    data = folder.resolve("data");
  }

  @AfterEach
  void cleanUp() throws IOException {
    if (server != null) {
      server.close();
    }
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }

  @Test
  void afterAFirstStartEveryFolderIs700AndEveryFile600() throws IOException {
    server = ServerProcess.start(data, null, List.of());

    List<String> seen = modes(data);
    assertThat(seen)
        .contains(
            ". rwx------",
            "db rwx------",
            "db/latchkey.mv.db rw-------",
            "keys rwx------",
            "keys/secret-keys rw-------",
            "initial-admin-password rw-------");
    assertPrivate(data);
  }

  @Test
  void aDataFolderAnOlderVersionLeftOpenIsTightenedAtStartWithOneWarning() throws IOException {
    Files.createDirectories(data.resolve("db"));
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(data.resolve("db"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(data.resolve("notes.txt"), "an operator's notes");
    Files.setPosixFilePermissions(
        data.resolve("notes.txt"), PosixFilePermissions.fromString("rw-r--r--"));

    server = ServerProcess.start(data, null, List.of());

    assertPrivate(data);
    assertThat(server.output()).containsOnlyOnce("was open to other users").contains("notes.txt");
  }

  @Test
  void aKeyFileOthersCanReadStopsTheStartWithOneClearMessage() throws IOException {
    Path keyFile = KeyFile.defaultLocation(data);
    KeyFile.loadOrCreate(keyFile, new SecureRandom());
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));

    server = ServerProcess.launch(data, null, List.of());
    int exit = server.awaitExit(Duration.ofSeconds(120));

    String output = server.output();
    assertThat(exit).as(output).isNotZero();
    assertThat(output)
        .contains("APPLICATION FAILED TO START")
        .contains("The key file cannot be used: refusing to use the key file " + keyFile)
        .contains("rw-r--r--")
        .contains("chmod 600 " + keyFile);
    assertThat(output.lines().filter(l -> l.startsWith("\tat ") || l.contains("Exception:")))
        .as(output)
        .isEmpty();
    // Refused, not quietly tightened: it may have been read already.
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
        .isEqualTo("rw-r--r--");
  }

  /** Every folder under {@code root} (itself included) is 700, every file 600. */
  private static void assertPrivate(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.toList()) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path)))
            .as(path.toString())
            .isEqualTo(Files.isDirectory(path) ? "rwx------" : "rw-------");
      }
    }
  }

  /** "relative/path mode" for everything under {@code root}, folders included. */
  private static List<String> modes(Path root) throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted().toList()) {
        String name = root.relativize(path).toString();
        out.add(
            (name.isEmpty() ? "." : name)
                + " "
                + PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
      }
    }
    return out;
  }
}
