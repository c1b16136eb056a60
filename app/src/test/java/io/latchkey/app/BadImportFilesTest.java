package io.latchkey.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A file that cannot be read gives one clear line and exit 1, and leaves the existing vault byte
 * for byte as it was, with or without a PIN: nothing is imported from half a file.
 */
class BadImportFilesTest {
  private static final String PIN = "4711-correct";

  @TempDir Path dir;

  /**
   * A bad input: how to make it in {@code dir}, and what the error line must say; an encrypted one
   * is opened with {@code password}.
   */
  record Bad(String name, Function<Path, Path> make, String expected, String password) {
    Bad(String name, Function<Path, Path> make, String expected) {
      this(name, make, expected, "not the password");
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> badFiles() {
    return Stream.of(
            new Bad(
                "wrong password",
                d -> copy(d, "aegis-encrypted.json"),
                "wrong password (no password slot of the vault opens with it)"),
            new Bad(
                "tampered ciphertext",
                d -> copy(d, "aegis-encrypted-tampered.json"),
                "the file is damaged or was changed (the password is right, but the content fails"
                    + " its integrity check)",
                AegisImportTest.VAULT_PASSWORD),
            new Bad(
                "one byte of the header changed (the slot's salt)",
                d ->
                    edit(
                        d,
                        "aegis-encrypted.json",
                        t -> t.replace("\"salt\": \"b6", "\"salt\": \"b7")),
                "wrong password (no password slot of the vault opens with it)"),
            new Bad(
                "content nonce changed",
                d ->
                    edit(
                        d,
                        "aegis-encrypted.json",
                        t -> t.replace("65862a69c8ce5da6607086b2", "65862a69c8ce5da6607086b3")),
                "the file is damaged or was changed (the password is right, but the content fails"
                    + " its integrity check)",
                AegisImportTest.VAULT_PASSWORD),
            new Bad(
                "truncated JSON",
                d -> truncate(d, "aegis-plain.json", 1000),
                "the file is damaged (it is not valid JSON)"),
            new Bad(
                "corrupt JSON",
                d -> write(d, "bad.json", "{\"version\": 1, \"header\": {,}"),
                "the file is damaged (it is not valid JSON)"),
            new Bad(
                "JSON that is not a vault",
                d -> write(d, "other.json", "{\"services\": []}"),
                "it is JSON, but not an Aegis vault"),
            new Bad(
                "a newer vault file version",
                d ->
                    edit(
                        d,
                        "aegis-plain.json",
                        t -> t.replaceFirst("\"version\": 1", "\"version\": 2")),
                "it is an Aegis vault of file version 2, which Latchkey cannot read"),
            new Bad(
                "a newer content version",
                d ->
                    edit(d, "aegis-plain.json", t -> t.replace("\"version\": 3", "\"version\": 4")),
                "its content has version 4, which this version of Latchkey cannot read"),
            new Bad(
                "absurd scrypt settings",
                d -> edit(d, "aegis-encrypted.json", t -> t.replace("32768", "1073741824")),
                "its scrypt settings (N=1073741824, r=8, p=1) are outside what Latchkey accepts, so"
                    + " it was not opened"),
            new Bad(
                "a biometric slot only",
                d -> biometricOnly(d),
                "it has no password slot (only a key kept on the phone that made it opens it);"
                    + " export it from Aegis with a password"),
            new Bad(
                "truncated migration payload",
                d -> copy(d, "google-migration-truncated.txt"),
                "the Google Authenticator export is corrupt (its data is cut short or malformed)"),
            new Bad(
                "protobuf that is not a payload",
                d ->
                    write(
                        d,
                        "junk.txt",
                        "otpauth-migration://offline?data="
                            + Base64.getEncoder()
                                .encodeToString(
                                    new byte[] {0x0a, (byte) 0xff, (byte) 0xff, 0x7f, 1, 2})),
                "the Google Authenticator export is corrupt (its data is cut short or malformed)"),
            new Bad(
                "data that is not Base64",
                d -> write(d, "junk.txt", "otpauth-migration://offline?data=%%%notbase64"),
                "the Google Authenticator export is corrupt (its data is cut short or malformed)"),
            new Bad(
                "a line that is no URI among URIs",
                d -> write(d, "list.txt", Fixtures.U01 + "\nhello\n"),
                "line 2 is neither an otpauth:// nor an otpauth-migration:// URI (the file is read"
                    + " as one URI a line)"),
            new Bad(
                "text in no known format",
                d -> write(d, "notes.txt", "my accounts\n"),
                "it is not a format Latchkey imports (an Aegis vault, a Google Authenticator"
                    + " export or otpauth:// URIs)"),
            new Bad(
                "binary junk",
                d -> writeBytes(d, "junk.bin", new byte[] {(byte) 0xc3, 0x28, 0, 1}),
                "it is not a format Latchkey imports (an Aegis vault, a Google Authenticator"
                    + " export, otpauth:// URIs or a QR code image)"),
            new Bad("an empty file", d -> write(d, "empty.txt", ""), "it is empty"),
            new Bad(
                "a PNG with no QR code",
                d -> writeBytes(d, "blank.png", blankPng()),
                "no readable QR code was found in it"),
            new Bad(
                "a file larger than the cap",
                d -> sparse(d, "huge.json", ImportReader.MAX_FILE_BYTES + 1),
                "it is larger than 32 MB, far more than any export"),
            new Bad("a missing file", d -> d.resolve("nothing-here.json"), "there is no such file"))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}, plain vault")
  @MethodSource("badFiles")
  void aBadFileLeavesAPlainVaultUntouched(Bad bad) throws Exception {
    AppDriver app = new AppDriver(dir.resolve("phone"));
    assertRefusedAndUntouched(app, bad);
  }

  @ParameterizedTest(name = "{0}, vault with a PIN")
  @MethodSource("badFiles")
  void aBadFileLeavesAVaultWithAPinUntouched(Bad bad) throws Exception {
    AppDriver app = new AppDriver(dir.resolve("phone")).pin(PIN);
    assertRefusedAndUntouched(app, bad);
  }

  @ParameterizedTest(name = "{0}, after a good file")
  @MethodSource("badFiles")
  void aBadFileAfterAGoodOneImportsNeither(Bad bad) throws Exception {
    AppDriver app = new AppDriver(dir.resolve("phone"));
    app.ok("add", Fixtures.U02);
    byte[] before = app.vaultBytes();
    Path file = bad.make().apply(dir);
    app.env.put(FilePasswords.IMPORT_VARIABLE, bad.password());

    AppDriver.Result result =
        app.run("import", Fixtures.file("aegis-plain.json").toString(), file.toString());

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).hasLineCount(1).contains(bad.expected());
    assertThat(app.vaultBytes()).isEqualTo(before);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tooManyEntries")
  void moreEntriesThanTheCapAreRefusedWhole(String name, String content) throws Exception {
    AppDriver app = new AppDriver(dir.resolve("phone"));
    app.ok("add", Fixtures.U02);
    byte[] before = app.vaultBytes();
    Path file = write(dir, "many.txt", content);

    AppDriver.Result result = app.run("import", file.toString());

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).hasLineCount(1).contains("10000").contains("nothing was imported");
    assertThat(app.vaultBytes()).isEqualTo(before);
  }

  static Stream<Arguments> tooManyEntries() {
    StringBuilder uris = new StringBuilder();
    StringBuilder entries = new StringBuilder();
    for (int i = 0; i <= ImportFindings.MAX_ENTRIES; i++) {
      uris.append("otpauth://totp/Many:user").append(i).append("?secret=JBSWY3DPEHPK3PXP\n");
      entries
          .append(i == 0 ? "" : ",")
          .append("{\"type\":\"totp\",\"name\":\"u")
          .append(i)
          .append("\",\"issuer\":\"Many\",\"info\":{\"secret\":\"JBSWY3DPEHPK3PXP\",")
          .append("\"algo\":\"SHA1\",\"digits\":6,\"period\":30}}");
    }
    String vault =
        "{\"version\":1,\"header\":{\"slots\":null,\"params\":null},\"db\":{\"version\":3,"
            + "\"entries\":["
            + entries
            + "]}}";
    return Stream.of(Arguments.of("otpauth list", uris.toString()), Arguments.of("Aegis", vault));
  }

  private static void assertRefusedAndUntouched(AppDriver app, Bad bad) throws IOException {
    app.ok("add", Fixtures.U10);
    app.ok("code", "grace"); // the counter moves: the vault is not the freshly added one
    byte[] before = app.vaultBytes();
    Path file = bad.make().apply(app.home.getParent());
    app.env.put(FilePasswords.IMPORT_VARIABLE, bad.password());

    AppDriver.Result result = app.run("import", file.toString());

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .isEqualTo(
            "Could not import " + file + ": " + bad.expected() + "; nothing was imported.\n");
    assertThat(app.vaultBytes()).isEqualTo(before);
    assertThat(app.ok("code", "grace")).isEqualTo("287082\n");
  }

  private static Path copy(Path dir, String fixture) {
    try {
      return Files.copy(Fixtures.file(fixture), dir.resolve(fixture));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path edit(Path dir, String fixture, Function<String, String> change) {
    try {
      String text = Files.readString(Fixtures.file(fixture));
      String changed = change.apply(text);
      assertThat(changed).as("the edit of " + fixture + " changed something").isNotEqualTo(text);
      return write(dir, "edited-" + fixture, changed);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path truncate(Path dir, String fixture, int length) {
    try {
      byte[] bytes = Files.readAllBytes(Fixtures.file(fixture));
      return writeBytes(dir, "truncated-" + fixture, Arrays.copyOf(bytes, length));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The multi-slot vault with its two password slots removed. */
  private static Path biometricOnly(Path dir) {
    try {
      var mapper = tools.jackson.databind.json.JsonMapper.builder().build();
      var root =
          (tools.jackson.databind.node.ObjectNode)
              mapper.readTree(Files.readAllBytes(Fixtures.file("aegis-encrypted-multislot.json")));
      var slots = (tools.jackson.databind.node.ArrayNode) root.get("header").get("slots");
      slots.remove(2);
      slots.remove(1);
      return writeBytes(dir, "biometric.json", mapper.writeValueAsBytes(root));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path write(Path dir, String name, String text) {
    return writeBytes(dir, name, text.getBytes(StandardCharsets.UTF_8));
  }

  private static Path writeBytes(Path dir, String name, byte[] bytes) {
    try {
      return Files.write(dir.resolve(name), bytes);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A file of {@code size} bytes that takes no disk space. */
  private static Path sparse(Path dir, String name, long size) {
    Path path = dir.resolve(name);
    try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
      file.setLength(size);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return path;
  }

  private static byte[] blankPng() {
    var image = new java.awt.image.BufferedImage(64, 64, java.awt.image.BufferedImage.TYPE_INT_RGB);
    var out = new java.io.ByteArrayOutputStream();
    try {
      javax.imageio.ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }
}
