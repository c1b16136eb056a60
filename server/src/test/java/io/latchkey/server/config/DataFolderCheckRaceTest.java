package io.latchkey.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data folder's checks while files come and go in it (found by the clean run of issue 14: two
 * nodes sharing a folder, readiness answered 500 when the walk met the other node's write check
 * just deleted).
 */
class DataFolderCheckRaceTest {
  @TempDir Path data;

  @Test
  void tighteningToleratesFilesRemovedDuringTheWalk() throws Exception {
    Files.createDirectories(data.resolve("db"));
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread churn =
        Thread.ofPlatform()
            .start(
                () -> {
                  while (running.get()) {
                    try {
                      Path temporary = Files.createTempFile(data, ".write-check-", ".tmp");
                      Files.delete(temporary);
                    } catch (Exception e) {
                      failure.set(e);
                      return;
                    }
                  }
                });
    try {
      for (int i = 0; i < 2_000; i++) {
        DataFolderCheck.tighten(data);
        DataFolderCheck.checkWritable(data);
      }
    } finally {
      running.set(false);
      churn.join();
    }
    assertThat(failure.get()).isNull();
  }

  @Test
  void readinessOnlyWritesAndLeavesModesAlone() throws Exception {
    Path loose = Files.createFile(data.resolve("left-by-an-operator"));
    Files.setPosixFilePermissions(loose, PosixFilePermissions.fromString("rw-r--r--"));

    DataFolderCheck.checkWritable(data);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(loose)))
        .isEqualTo("rw-r--r--");
    try (var left = Files.list(data)) {
      assertThat(left).containsExactly(loose);
    }
  }
}
