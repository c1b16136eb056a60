package io.latchkey.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The interop fixtures (described in INTEROP.md and their README), kept in the repository under
 * {@code testdata/interop} (copied from {@code shared/testdata/interop}, made for Latchkey), so a
 * clean clone needs nothing beside it. The core and the app read the same folder.
 */
public final class InteropFixtures {
  private InteropFixtures() {}

  /**
   * {@code testdata/interop} of the repository, found by walking up from the working directory
   * (Maven runs tests in the module folder, an IDE often in the repository root).
   *
   * @throws IllegalStateException naming where the search started, if there is none
   */
  public static Path directory() {
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("testdata").resolve("interop");
      if (Files.isRegularFile(candidate.resolve("README.md"))) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "no testdata/interop folder in " + start + " or any folder above it (the repository's)");
  }

  /**
   * A fixture file by name.
   *
   * @throws IllegalStateException if the file is missing
   */
  public static Path file(String name) {
    Path file = directory().resolve(name);
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("the interop fixture " + file + " is missing");
    }
    return file;
  }
}
