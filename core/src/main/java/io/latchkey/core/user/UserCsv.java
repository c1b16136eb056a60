package io.latchkey.core.user;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The file of a user import: UTF-8 text in RFC 4180 CSV with a header row naming the columns {@code
 * username}, {@code display_name}, {@code admin} and {@code email} (in any order; all but the
 * username may be left out). A field is quoted with {@code "} when it holds a comma, a quote
 * (written twice) or a line break. Records end with CRLF or LF; blank lines are skipped; a leading
 * byte order mark is ignored.
 *
 * <p>The whole file is read before anything is created: anything that is not such a file (a quote
 * left open, text after a closing quote, a record with another number of fields than the header, an
 * unknown column, too many rows or bytes) refuses the file with {@code bad_request} naming the
 * line, so a broken file never creates half of its users.
 */
public final class UserCsv {
  /** Data rows a file may have: an import is one request, answered row by row. */
  public static final int MAX_ROWS = 1000;

  /** Bytes a file may have (the server's request limit is usually lower still). */
  public static final int MAX_BYTES = 1 << 20;

  /** The message key of the sentence that says no user was created. */
  public static final String EXPLANATION = "import.malformed";

  static final String USERNAME = "username";
  static final String DISPLAY_NAME = "display_name";
  static final String ADMIN = "admin";
  static final String EMAIL = "email";
  private static final List<String> COLUMNS = List.of(USERNAME, DISPLAY_NAME, ADMIN, EMAIL);

  private UserCsv() {}

  /**
   * One data row as written, before any check of its values.
   *
   * @param line the file's line where the record starts (the header is line 1)
   * @param displayName null when the file has no such column
   * @param admin null when the file has no such column
   * @param email where the user's security notices go; null when the file has no such column
   */
  public record Row(int line, String username, String displayName, String admin, String email) {
    public Row(int line, String username, String displayName, String admin) {
      this(line, username, displayName, admin, null);
    }
  }

  /**
   * Reads the rows of a file.
   *
   * @throws LatchkeyException {@code bad_request} when the bytes are not such a file
   */
  public static List<Row> parse(byte[] file) {
    if (file.length > MAX_BYTES) {
      throw malformed("the file is larger than " + (MAX_BYTES >> 10) + " KiB");
    }
    return parse(utf8(file));
  }

  /**
   * Reads the rows of a file already decoded.
   *
   * @throws LatchkeyException {@code bad_request} when the text is not such a file
   */
  public static List<Row> parse(String text) {
    List<Record> records = records(text.startsWith("\uFEFF") ? text.substring(1) : text);
    if (records.isEmpty()) {
      throw malformed("the file is empty: the first line names the columns, e.g. " + header());
    }
    Record head = records.getFirst();
    int[] index = columns(head);
    List<Row> rows = new ArrayList<>();
    for (Record record : records.subList(1, records.size())) {
      if (record.fields().size() != head.fields().size()) {
        throw malformed(
            "line "
                + record.line()
                + " has "
                + record.fields().size()
                + " field(s) but the header has "
                + head.fields().size());
      }
      rows.add(
          new Row(
              record.line(),
              record.fields().get(index[0]),
              index[1] < 0 ? null : record.fields().get(index[1]),
              index[2] < 0 ? null : record.fields().get(index[2]),
              index[3] < 0 ? null : record.fields().get(index[3])));
    }
    if (rows.isEmpty()) {
      throw malformed("the file names its columns but has no user below the header");
    }
    return rows;
  }

  /** The header line that {@link #parse} expects, e.g. for a message or a template. */
  public static String header() {
    return String.join(",", COLUMNS);
  }

  /** Where each of {@link #COLUMNS} is in the header; -1 for a column it leaves out. */
  private static int[] columns(Record head) {
    int[] index = {-1, -1, -1, -1};
    for (int i = 0; i < head.fields().size(); i++) {
      String name = head.fields().get(i).strip().toLowerCase(Locale.ROOT);
      int column = COLUMNS.indexOf(name);
      if (column < 0) {
        throw malformed(
            "line 1: the header names an unknown column (the columns are " + header() + ")");
      }
      if (index[column] >= 0) {
        throw malformed("line 1: the header names the column " + name + " twice");
      }
      index[column] = i;
    }
    if (index[0] < 0) {
      throw malformed("line 1: the header has no username column (expected " + header() + ")");
    }
    return index;
  }

  private record Record(int line, List<String> fields) {}

  /** RFC 4180 §2, with LF accepted for CRLF and blank lines skipped. */
  private static List<Record> records(String text) {
    List<Record> records = new ArrayList<>();
    Cursor at = new Cursor(text);
    while (!at.done()) {
      if (at.lineEnd()) {
        at.skipLineEnd(); // a blank line
        continue;
      }
      int line = at.line;
      List<String> fields = new ArrayList<>();
      fields.add(at.field());
      while (!at.done() && at.peek() == ',') {
        at.next();
        fields.add(at.field());
      }
      at.skipLineEnd();
      records.add(new Record(line, fields));
      if (records.size() > MAX_ROWS + 1) {
        throw malformed("the file has more than " + MAX_ROWS + " users; split it");
      }
    }
    return records;
  }

  /** A position in the text and its line number. */
  private static final class Cursor {
    private final String text;
    private int position;
    int line = 1;

    Cursor(String text) {
      this.text = text;
    }

    boolean done() {
      return position >= text.length();
    }

    char peek() {
      return text.charAt(position);
    }

    void next() {
      if (text.charAt(position) == '\n') {
        line++;
      }
      position++;
    }

    boolean lineEnd() {
      return !done() && (peek() == '\n' || text.startsWith("\r\n", position));
    }

    void skipLineEnd() {
      if (!done() && peek() == '\r') {
        position++;
      }
      if (!done() && peek() == '\n') {
        next();
      }
    }

    /** One field, quoted or not; stops before the comma or line end that follows it. */
    String field() {
      return !done() && peek() == '"' ? quoted() : unquoted();
    }

    private String quoted() {
      int opened = line;
      next();
      StringBuilder value = new StringBuilder();
      while (true) {
        if (done()) {
          throw malformed("line " + opened + ": a quoted field is never closed");
        }
        char c = peek();
        next();
        if (c != '"') {
          value.append(c);
        } else if (!done() && peek() == '"') {
          value.append('"');
          next();
        } else {
          break;
        }
      }
      if (!done() && peek() != ',' && !lineEnd()) {
        throw malformed(
            "line "
                + line
                + ": text after a closing quote (a quote inside a quoted field is written"
                + " twice)");
      }
      return value.toString();
    }

    private String unquoted() {
      int start = position;
      while (!done() && peek() != ',' && !lineEnd()) {
        char c = peek();
        if (c == '"') {
          throw malformed(
              "line "
                  + line
                  + ": a quote inside an unquoted field (quote the whole field and write the"
                  + " quote twice)");
        }
        if (c == '\r') {
          throw malformed("line " + line + ": a carriage return without a line feed");
        }
        next();
      }
      return text.substring(start, position);
    }
  }

  private static String utf8(byte[] file) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(file))
          .toString();
    } catch (CharacterCodingException e) {
      throw malformed("the file is not UTF-8 text");
    }
  }

  private static LatchkeyException malformed(String why) {
    return new LatchkeyException(
        ErrorCode.BAD_REQUEST, "malformed CSV, nothing imported: " + why, List.of(EXPLANATION));
  }
}
