package io.latchkey.core.otp;

import io.latchkey.core.testing.InteropFixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The rows of {@code shared/testdata/interop/otpauth-uri-cases.tsv} (README section F), read at
 * test time through {@link InteropFixtures}.
 */
final class OtpauthUriCases {

  static final String FILE_NAME = "otpauth-uri-cases.tsv";

  private static final int COLUMNS = 11;

  private OtpauthUriCases() {}

  /**
   * One row. {@code expect} is {@code accept}, {@code reject} or {@code optional}; {@code check} is
   * {@code t=UNIX:CODE} (TOTP) or {@code c=COUNTER:CODE} (HOTP).
   */
  record Row(
      String id,
      String expect,
      String uri,
      String type,
      String issuer,
      String account,
      String algorithm,
      String digits,
      String periodOrCounter,
      String check,
      String note) {

    /** Shown as the name of a parameterized test: the id and the reason, not the secret. */
    @Override
    public String toString() {
      return id + " (" + note + ")";
    }
  }

  /** Every data row, in file order. */
  static List<Row> rows() {
    Path file = InteropFixtures.file(FILE_NAME);
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return lines.stream()
        .skip(1)
        .filter(line -> !line.isBlank())
        .map(OtpauthUriCases::row)
        .toList();
  }

  static List<Row> rows(String expect) {
    return rows().stream().filter(row -> row.expect().equals(expect)).toList();
  }

  private static Row row(String line) {
    String[] cells = line.split("\t", -1);
    if (cells.length != COLUMNS) {
      throw new IllegalStateException(
          FILE_NAME + ": expected " + COLUMNS + " columns, found " + cells.length + ": " + line);
    }
    return new Row(
        cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], cells[6], cells[7], cells[8],
        cells[9], cells[10]);
  }
}
