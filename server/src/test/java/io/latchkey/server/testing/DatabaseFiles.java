package io.latchkey.server.testing;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The bytes of the running test database's files (H2's file, or the throwaway PostgreSQL cluster's
 * data directory with its WAL), after a checkpoint has written recent changes to the tables.
 *
 * <p>The database keeps running while we read: PostgreSQL replaces caches such as {@code
 * pg_internal.init} and removes temporary files as it goes, so a file or folder that disappears
 * between listing and reading is skipped; any other read error fails the test.
 */
public final class DatabaseFiles {
  private DatabaseFiles() {}

  public static Map<Path, byte[]> contents(JdbcClient jdbc) throws IOException {
    jdbc.sql(TestDatabase.postgres() ? "CHECKPOINT" : "CHECKPOINT SYNC").update();
    Path root =
        TestDatabase.postgres()
            ? TestDatabase.postgresDataDirectory()
            : ServerIT.DATA.resolve("db");
    Map<Path, byte[]> contents = new LinkedHashMap<>();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            if (attributes.isRegularFile()) {
              try {
                contents.put(file, Files.readAllBytes(file));
              } catch (NoSuchFileException gone) {
                // replaced or removed by the database since it was listed
              }
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException failure)
              throws IOException {
            if (failure instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw failure;
          }
        });
    if (contents.isEmpty()) {
      throw new IllegalStateException("no database files under " + root);
    }
    return contents;
  }
}
