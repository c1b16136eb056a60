package io.latchkey.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared interop fixtures ({@code shared/testdata/interop}, described in INTEROP.md and its
 * README), read in place so tests follow the fixtures rather than copies of them.
 */
public final class InteropFixtures {
  private InteropFixtures() {}

  /**
   * {@code shared/testdata/interop}, found by walking up from the working directory (Maven runs
   * tests in the module folder, an IDE often in the repository root) until a folder has a {@code
   * shared/testdata/interop} below it: {@code /work/shared} sits next to the repository.
   *
   * @throws IllegalStateException naming where the search started, if there is none
   */
  public static Path directory() {
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared").resolve("testdata").resolve("interop");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "no shared/testdata/interop folder in "
            + start
            + " or any folder above it; the interop fixtures of INTEROP.md are expected next to"
            + " the repository (/work/shared/testdata/interop)");
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
