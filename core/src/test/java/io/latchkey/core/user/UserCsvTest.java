package io.latchkey.core.user;

import static io.latchkey.core.testing.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class UserCsvTest {

  @Test
  void readsRowsWithTheLineEachStartsOn() {
    List<UserCsv.Row> rows =
        UserCsv.parse("username,display_name,admin\r\nalice,Alice,false\r\nbob,Bob,true\r\n");

    assertThat(rows)
        .containsExactly(
            new UserCsv.Row(2, "alice", "Alice", "false"),
            new UserCsv.Row(3, "bob", "Bob", "true"));
  }

  @Test
  void quotedFieldsHoldCommasDoubledQuotesAndLineBreaks() {
    List<UserCsv.Row> rows =
        UserCsv.parse(
            "username,display_name\n"
                + "carol,\"Danvers, Carol \"\"Captain\"\"\"\n"
                + "dave,\"two\r\nlines\"\n"
                + "erin,\"\"\n");

    assertThat(rows)
        .containsExactly(
            new UserCsv.Row(2, "carol", "Danvers, Carol \"Captain\"", null),
            new UserCsv.Row(3, "dave", "two\r\nlines", null),
            // The record after a quoted line break starts two lines further down.
            new UserCsv.Row(5, "erin", "", null));
  }

  @Test
  void columnsMayComeInAnyOrderAndOnlyTheUsernameIsRequired() {
    assertThat(UserCsv.parse("Admin , USERNAME\nyes,frank"))
        .containsExactly(new UserCsv.Row(2, "frank", null, "yes"));
    assertThat(UserCsv.parse("username\ngina"))
        .containsExactly(new UserCsv.Row(2, "gina", null, null));
  }

  @Test
  void aByteOrderMarkBlankLinesAndAMissingFinalLineBreakAreFine() {
    byte[] file = "\uFEFFusername\r\n\r\nhank\n\nivan".getBytes(StandardCharsets.UTF_8);

    assertThat(UserCsv.parse(file))
        .containsExactly(
            new UserCsv.Row(3, "hank", null, null), new UserCsv.Row(5, "ivan", null, null));
  }

  @Test
  void anEmptyLastFieldCounts() {
    assertThat(UserCsv.parse("username,display_name\njudy,"))
        .containsExactly(new UserCsv.Row(2, "judy", "", null));
  }

  static Stream<Arguments> malformedFiles() {
    return Stream.of(
        arguments("an empty file", "", "the file is empty"),
        arguments("only a header", "username,admin\n", "no user below the header"),
        arguments("an unknown column", "username,phone\na,b", "unknown column"),
        arguments("a column twice", "username,Username\na,b", "the column username twice"),
        arguments("no username column", "display_name\nAlice", "no username column"),
        arguments(
            "a row with fewer fields",
            "username,admin\na,true\nb",
            "line 3 has 1 field(s) but the header has 2"),
        arguments("a row with more fields", "username\na,b", "line 2 has 2 field(s)"),
        arguments(
            "a quote never closed",
            "username\n\"alice\nbob",
            "line 2: a quoted field is never closed"),
        arguments(
            "text after a closing quote",
            "username\n\"al\"ice",
            "line 2: text after a closing quote"),
        arguments(
            "a quote inside an unquoted field",
            "username\nal\"ice",
            "line 2: a quote inside an unquoted field"),
        arguments(
            "a lone carriage return",
            "username\nalice\rbob",
            "line 2: a carriage return without a line feed"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedFiles")
  void aMalformedFileIsRefusedNamingTheLine(String name, String file, String why) {
    LatchkeyException refused = assertRefused(() -> UserCsv.parse(file), ErrorCode.BAD_REQUEST);

    assertThat(refused.detail()).startsWith("malformed CSV, nothing imported: ").contains(why);
    assertThat(refused.explanations()).containsExactly(UserCsv.EXPLANATION);
  }

  @Test
  void moreThanTheMaximumOfRowsIsRefused() {
    String atMost = "username\n" + "u\n".repeat(UserCsv.MAX_ROWS);
    String over = atMost + "u\n";

    assertThat(UserCsv.parse(atMost)).hasSize(UserCsv.MAX_ROWS);
    assertThat(assertRefused(() -> UserCsv.parse(over), ErrorCode.BAD_REQUEST).detail())
        .contains("more than 1000 users");
  }

  @Test
  void bytesThatAreNotUtf8OrTooManyAreRefused() {
    byte[] latin1 = "username\nJos\u00e9".getBytes(StandardCharsets.ISO_8859_1);
    byte[] huge = new byte[UserCsv.MAX_BYTES + 1];

    assertThat(assertRefused(() -> UserCsv.parse(latin1), ErrorCode.BAD_REQUEST).detail())
        .contains("not UTF-8");
    assertThat(assertRefused(() -> UserCsv.parse(huge), ErrorCode.BAD_REQUEST).detail())
        .contains("larger than 1024 KiB");
  }
}
