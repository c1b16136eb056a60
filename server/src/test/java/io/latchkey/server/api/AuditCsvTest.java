package io.latchkey.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The audit export's cells: RFC 4180 quoting, and no formula a spreadsheet would run. */
class AuditCsvTest {
  @ParameterizedTest(name = "[{0}] -> [{1}]")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      value = {
        "plain text|plain text",
        "a,b|\"a,b\"",
        "say \"hi\"|\"say \"\"hi\"\"\"",
        "=1+1|'=1+1",
        "+33 1 23|'+33 1 23",
        "-5|'-5",
        "@SUM(A1)|'@SUM(A1)",
        "=HYPERLINK(\"x\"),y|\"'=HYPERLINK(\"\"x\"\"),y\"",
        "mid=dle|mid=dle",
        "~~|~~"
      })
  void cellsAreQuotedAndFormulasDisarmed(String value, String cell) {
    assertThat(AuditExports.csvCell(value)).isEqualTo(cell);
  }

  @org.junit.jupiter.api.Test
  void lineBreaksAreQuotedAndNullIsEmpty() {
    assertThat(AuditExports.csvCell("a\nb")).isEqualTo("\"a\nb\"");
    assertThat(AuditExports.csvCell(null)).isEmpty();
    assertThat(AuditExports.csvCell(true)).isEqualTo("true");
  }
}
