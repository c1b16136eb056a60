package io.latchkey.launcher.admin;

import io.latchkey.app.Table;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code admin import-users FILE.csv}: POST /api/v1/admin/users/import, one line per row. */
@Command(
    name = "import-users",
    description = {
      "Creates the users of a CSV file (UTF-8, RFC 4180) and prints what became of each row.",
      "The header row names the columns username,display_name,admin,email (all but username",
      "may be left out; admin is true or false). A malformed file creates nobody. Imported",
      "users have no password: they register through a one-time registration link.",
      "Exit code 1 if the file or any row was refused."
    })
final class ImportUsersCommand extends AdminSubcommand {
  /** Larger files are refused here rather than sent: the server takes far less. */
  static final long MAX_BYTES = 1 << 20;

  @Parameters(paramLabel = "FILE.csv", description = "The users to create.")
  Path file;

  @Override
  void execute() throws AdminException {
    byte[] csv = read(file);
    JsonNode result = client().post("/api/v1/admin/users/import", "text/csv", csv);
    Table table = new Table("LINE", "USERNAME", "RESULT", "REASON");
    for (JsonNode row : result.path("rows")) {
      String reason = text(row, "reason");
      table.row(
          shown(row, "line"),
          visible(shown(row, "username")),
          shown(row, "outcome"),
          reason == null ? "" : visible(reason + ": " + shown(row, "detail")));
    }
    table.print(out());
    long refused = result.path("refused").asLong(0);
    out()
        .println(
            result.path("created").asLong(0)
                + " created, "
                + result.path("exists").asLong(0)
                + " already existed, "
                + refused
                + " refused.");
    out()
        .println(
            "Imported users have no password: they register through a one-time registration link.");
    if (refused > 0) {
      throw new AdminException(
          "error: " + refused + " row(s) refused (see above); the other rows were imported.");
    }
  }

  private static byte[] read(Path file) throws AdminException {
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new AdminException(
            "The file " + file + " is larger than " + (MAX_BYTES >> 10) + " KiB: split it.");
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new AdminException("The file " + file + " does not exist.");
    } catch (IOException e) {
      throw new AdminException("Cannot read the file " + file + ": " + e.getMessage());
    }
  }

  /** Text from the server, safe on a terminal: control characters (ANSI escapes) become spaces. */
  static String visible(String text) {
    StringBuilder out = new StringBuilder();
    text.codePoints()
        .forEach(
            cp ->
                out.appendCodePoint(
                    Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT
                        ? ' '
                        : cp));
    return out.toString();
  }
}
