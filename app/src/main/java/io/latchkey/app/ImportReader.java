package io.latchkey.app;

import io.latchkey.core.qr.QrCodes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * Reads the files of one import and tells their formats apart by their content, not their names: an
 * image is a QR code, a JSON object an Aegis vault, and text one URI a line ({@code otpauth://}
 * accounts and {@code otpauth-migration://} Google Authenticator exports, mixed as they come). The
 * parts of Google Authenticator exports are gathered across every file and joined at the end.
 *
 * <p>Any file that cannot be read at all stops the import with one sentence naming it; what was
 * found so far is dropped, so nothing is ever imported from half a file.
 */
final class ImportReader {
  /**
   * Largest file read: far above any real export (a vault of a thousand entries with icons is a few
   * MB), and small enough that a mistaken path to a disk image cannot exhaust memory.
   */
  static final long MAX_FILE_BYTES = 32L * 1024 * 1024;

  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G'};
  private static final byte[] JPEG = {(byte) 0xff, (byte) 0xd8, (byte) 0xff};
  private static final byte[] GIF = {'G', 'I', 'F', '8'};

  private final ImportFindings findings = new ImportFindings();
  private final List<GoogleMigration.Part> parts = new ArrayList<>();
  private final Function<String, char[]> passwords;

  /**
   * @param passwords the password of an encrypted file, by the file's name; asked only when one is
   *     encrypted
   */
  ImportReader(Function<String, char[]> passwords) {
    this.passwords = passwords;
  }

  /** A file of any supported format. */
  void file(Path path) throws IOException {
    String source = path.toString();
    readBytes(source, bytes(path, source));
  }

  /** Standard input, of any supported format. */
  void stdin(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
    if (bytes.length > MAX_FILE_BYTES) {
      throw failure("standard input", "it is larger than " + megabytes() + " MB");
    }
    readBytes("standard input", bytes);
  }

  /** An image of a QR code. */
  void image(Path path) throws IOException {
    String source = path.toString();
    byte[] bytes = bytes(path, source);
    if (!isImage(bytes)) {
      throw failure(source, "it is not a PNG, JPEG or GIF image");
    }
    readImage(source, bytes);
  }

  /** A URI given on the command line. */
  void uri(String uri, String source) {
    guard(source, () -> readText(source, uri));
  }

  /** Joins the Google Authenticator parts; what the import found. */
  ImportFindings finish() {
    guard("the Google Authenticator export", () -> GoogleMigration.assemble(parts, findings));
    return findings;
  }

  private void readBytes(String source, byte[] bytes) {
    if (isImage(bytes)) {
      readImage(source, bytes);
      return;
    }
    guard(
        source,
        () -> {
          String text = utf8(bytes);
          String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
          if (body.strip().startsWith("{")) {
            readJson(source, bytes);
          } else {
            readText(source, body);
          }
        });
  }

  private void readImage(String source, byte[] bytes) {
    String text;
    try {
      text = QrCodes.decode(bytes);
    } catch (IllegalArgumentException e) {
      throw failure(source, "no readable QR code was found in it");
    }
    String qrSource = "the QR code in " + source;
    guard(qrSource, () -> readText(qrSource, text));
  }

  private void readJson(String source, byte[] bytes) {
    JsonNode root = AegisFormat.parse(bytes);
    if (!AegisFormat.isVault(root)) {
      throw new ImportProblem("it is JSON, but not an Aegis vault");
    }
    AegisFormat.read(root, source, () -> passwords.apply(source), findings);
  }

  private void readText(String source, String text) {
    List<String> lines = text.lines().map(String::strip).toList();
    long uris = lines.stream().filter(line -> !line.isEmpty()).count();
    if (uris == 0) {
      throw new ImportProblem("it is empty");
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isEmpty()) {
        continue;
      }
      String where = uris == 1 ? source : source + " line " + (i + 1);
      if (GoogleMigration.isMigrationUri(line)) {
        parts.add(GoogleMigration.parse(line, where));
      } else if (OtpauthList.isOtpauthUri(line)) {
        OtpauthList.read(line, where, findings);
      } else if (uris == 1) {
        throw new ImportProblem(
            "it is not a format Latchkey imports (an Aegis vault, a Google Authenticator export"
                + " or otpauth:// URIs)");
      } else {
        throw new ImportProblem(
            "line "
                + (i + 1)
                + " is neither an otpauth:// nor an otpauth-migration:// URI (the file is read as"
                + " one URI a line)");
      }
    }
  }

  private static byte[] bytes(Path path, String source) throws IOException {
    try {
      if (Files.isDirectory(path)) {
        throw failure(source, "it is a directory");
      }
      if (Files.size(path) > MAX_FILE_BYTES) {
        throw failure(source, "it is larger than " + megabytes() + " MB, far more than any export");
      }
      return Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw failure(source, "there is no such file");
    }
  }

  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new ImportProblem(
          "it is not a format Latchkey imports (an Aegis vault, a Google Authenticator export,"
              + " otpauth:// URIs or a QR code image)",
          e);
    }
  }

  private static boolean isImage(byte[] bytes) {
    return startsWith(bytes, PNG) || startsWith(bytes, JPEG) || startsWith(bytes, GIF);
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    if (bytes.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (bytes[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** Runs {@code step}, turning a problem with the file into the sentence that names it. */
  private static void guard(String source, Runnable step) {
    try {
      step.run();
    } catch (ImportProblem e) {
      throw failure(source, e.getMessage());
    }
  }

  static AppException failure(String source, String reason) {
    return new AppException(
        "Could not import " + Messages.foreign(source) + ": " + reason + "; nothing was imported.");
  }

  private static long megabytes() {
    return MAX_FILE_BYTES / (1024 * 1024);
  }
}
