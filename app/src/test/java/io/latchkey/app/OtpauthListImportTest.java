package io.latchkey.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Importing plain lists of otpauth:// URIs, one a line, with the core parser. */
class OtpauthListImportTest {
  @TempDir Path dir;

  private AppDriver phone() {
    return new AppDriver(dir.resolve("phone"));
  }

  @Test
  void everyAcceptedInteropUriInOneFileImportsWithItsCode() throws Exception {
    StringBuilder list = new StringBuilder();
    Fixtures.uriCases().stream()
        .filter(c -> c.expect().equals("accept"))
        .forEach(c -> list.append(c.uri()).append('\n'));
    Path file = dir.resolve("uris.txt");
    Files.writeString(file, list);
    AppDriver app = phone();

    AppDriver.Result result = app.run("import", file.toString());

    assertThat(result.exit()).isZero();
    assertThat(result.err()).doesNotContain("Not imported");
    assertThat(result.out()).contains("Imported \"Example: alice@google.com\"");
    assertThat(app.at(1234567890).ok("code", "Example: alice@google.com")).isEqualTo("742275\n");
    assertThat(app.ok("code", "HOTP Co: grace")).isEqualTo("755224\n");
    // U01's 80-bit key is imported with a warning that names it.
    assertThat(result.err())
        .contains(
            "Warning: \"Example: alice@google.com\" has a secret of only 80 bits; RFC 4226"
                + " requires at least 128 and recommends 160.");
  }

  @Test
  void refusedUrisAreNamedByTheirLabelAndLineAndTheRestIsImported() throws Exception {
    Path file = dir.resolve("uris.txt");
    Files.writeString(
        file,
        Fixtures.U02
            + "\n\n"
            + "otpauth://steam/Steam:judy?secret=JHCJ5QKDDHHPMOAPPZ44JWSGVXV5KCJ6\n"
            + "otpauth://totp/Bad%20Digits:zoe?secret=JBSWY3DPEHPK3PXP&digits=9\n"
            + Fixtures.U11
            + "\n");
    AppDriver app = phone();

    AppDriver.Result result = app.run("import", file.toString());

    assertThat(result.exit()).isZero();
    assertThat(result.out())
        .endsWith("2 accounts imported; 2 entries not imported (named above).\n");
    assertThat(result.err())
        .contains(
            "Not imported: \"Steam: judy\" from "
                + file
                + " line 3: Steam codes are not supported.",
            "Not imported: \"Bad Digits: zoe\" from "
                + file
                + " line 4: codes of 9 digits are not supported; expected 6, 7 or 8.")
        .doesNotContain("JHCJ5QKDDHHPMOAPPZ44JWSGVXV5KCJ6")
        .doesNotContain("JBSWY3DPEHPK3PXP");
    assertThat(app.ok("code", "ACME Co: john.doe@email.com")).isEqualTo("566657\n");
    assertThat(app.ok("code", "Seven: s7")).isEqualTo("7339030\n");
  }

  @Test
  void aSingleOtpauthQrCodeCanBeImportedToo() throws Exception {
    Path png = dir.resolve("u01.png");
    Files.write(png, io.latchkey.core.qr.QrCodes.png(Fixtures.U01, 300));
    AppDriver app = phone().at(1234567890);

    app.ok("import", "--qr", png.toString());

    assertThat(app.ok("code", "Example: alice@google.com")).isEqualTo("742275\n");
  }

  @Test
  void aListMixingOtpauthAndMigrationUrisReadsBoth() throws Exception {
    Path file = dir.resolve("mixed.txt");
    Files.writeString(
        file, Fixtures.U10 + "\n" + Files.readString(Fixtures.file("google-migration-batch.txt")));
    AppDriver app = phone();

    app.ok("import", file.toString());

    assertThat(app.ok("list")).contains("HOTP Co: grace", "Batch One", "Batch Three");
  }

  @Test
  void anEmptyLabelGetsAPlaceholderNameAndANotice() {
    AppDriver app = phone();

    AppDriver.Result result =
        app.run("import", "--uri", "otpauth://totp/?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");

    assertThat(result.exit()).isZero();
    assertThat(result.out()).contains("Imported \"Unnamed\"");
    assertThat(result.err())
        .contains(
            "Notice: An entry without a name is called \"Unnamed\" in the app, since it has no"
                + " name of its own.");
  }
}
