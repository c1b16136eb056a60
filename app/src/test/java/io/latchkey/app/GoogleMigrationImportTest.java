package io.latchkey.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Importing Google Authenticator exports (INTEROP.md §2; table E of the fixtures README). */
class GoogleMigrationImportTest {
  @TempDir Path dir;

  private AppDriver phone() {
    return new AppDriver(dir.resolve("phone"));
  }

  private static String fixture(String name) {
    return Fixtures.file(name).toString();
  }

  private static List<String> lines(String name) throws Exception {
    return Files.readAllLines(Fixtures.file(name));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"google-migration.txt", "google-migration-unescaped.txt", "google-migration.png"})
  void theSixAccountExportImportsWithTheListedCodes(String file) {
    AppDriver app = phone();

    AppDriver.Result result = app.run("import", fixture(file));

    assertThat(result.exit()).isZero();
    assertThat(result.out()).endsWith("6 accounts imported.\n");
    for (InteropCodes.Totp totp : InteropCodes.MIGRATION_TOTP) {
      InteropCodes.assertTotpCodes(app, totp);
    }
    InteropCodes.assertHotpCodes(app, InteropCodes.MIGRATION_HOTP);
  }

  @Test
  void theRawPlusTwinGivesExactlyTheSameAccounts() {
    AppDriver escaped = new AppDriver(dir.resolve("a"));
    AppDriver raw = new AppDriver(dir.resolve("b"));

    escaped.ok("import", fixture("google-migration.txt"));
    raw.ok("import", fixture("google-migration-unescaped.txt"));

    assertThat(raw.ok("list"))
        .isEqualTo(escaped.ok("list"))
        .isEqualTo(
            """
            NAME                                TYPE  ALGORITHM  DIGITS  PERIOD/COUNTER
            Example: alice@example.com          TOTP  SHA1       6       30s
            ACME Co: bob@acme.test              TOTP  SHA1       6       30s
            Big Corporation: carol@example.net  TOTP  SHA256     8       30s
            HOTP Co: dave                       HOTP  SHA1       6       counter 7
            Zürich Bank: erin                   TOTP  SHA512     6       30s
            Example: frank@example.com          TOTP  SHA1       6       30s
            """);
  }

  @Test
  void theExportCanBeGivenAsAUriOrOnStandardInput() throws Exception {
    String uri = lines("google-migration.txt").get(0);
    AppDriver fromUri = new AppDriver(dir.resolve("a"));
    AppDriver fromStdin = new AppDriver(dir.resolve("b"));
    fromStdin.stdin = uri + "\n";

    fromUri.ok("import", "--uri", uri);
    fromStdin.ok("import", "-");

    assertThat(fromStdin.ok("list")).isEqualTo(fromUri.ok("list")).contains("HOTP Co: dave");
  }

  @Test
  void theKeyUriExampleEncodedAsAnExportGivesItsCode() {
    AppDriver app = phone().at(1234567890);

    app.ok(
        "import",
        "--uri",
        "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC");

    assertThat(app.ok("code", "Example: alice@google.com")).isEqualTo("742275\n");
  }

  @Test
  void bothPartsOfABatchFromTheTextFileGiveAllThreeAccounts() {
    AppDriver app = phone();

    AppDriver.Result result = app.run("import", fixture("google-migration-batch.txt"));

    assertThat(result.exit()).isZero();
    assertThat(result.err()).doesNotContain("Warning");
    for (InteropCodes.Totp totp : InteropCodes.BATCH) {
      InteropCodes.assertTotpCodes(app, totp);
    }
  }

  @Test
  void bothPartsOfABatchFromTwoQrImagesGiveAllThreeAccounts() {
    AppDriver app = phone();

    app.ok(
        "import",
        "--qr",
        fixture("google-migration-batch-2of2.png"),
        fixture("google-migration-batch-1of2.png"));

    for (InteropCodes.Totp totp : InteropCodes.BATCH) {
      InteropCodes.assertTotpCodes(app, totp);
    }
  }

  @Test
  void onePartAloneIsImportedWithAWarningThatNamesTheMissingPart() throws Exception {
    AppDriver app = phone();

    AppDriver.Result result = app.run("import", "--qr", fixture("google-migration-batch-1of2.png"));

    assertThat(result.exit()).isZero();
    assertThat(result.err())
        .contains(
            "Warning: Part 2 of 2 of the Google Authenticator export that the QR code in "
                + fixture("google-migration-batch-1of2.png")
                + " belongs to is missing, so its accounts were not imported; import that QR code"
                + " too (the other parts were imported).");
    assertThat(app.ok("list")).contains("Batch One", "Batch Two").doesNotContain("Batch Three");

    AppDriver.Result rest = app.run("import", "--uri", lines("google-migration-batch.txt").get(1));
    assertThat(rest.err()).contains("Warning: Part 1 of 2");
    InteropCodes.assertTotpCodes(app, InteropCodes.BATCH.get(2));
  }

  @Test
  void partsOfTwoDifferentSplitExportsAreSaidToBeFromDifferentExports() throws Exception {
    AppDriver app = phone();
    String otherExport = migrationUri(7, 0, 2, "Other", "olga", new byte[20]);

    AppDriver.Result result =
        app.run("import", "--qr", fixture("google-migration-batch-1of2.png"), "--uri", otherExport);

    assertThat(result.exit()).isZero();
    assertThat(result.err().lines().filter(l -> l.startsWith("Warning")))
        .containsExactly(
            "Warning: Part 2 of 2 of the Google Authenticator export that the QR code in "
                + fixture("google-migration-batch-1of2.png")
                + " belongs to is missing, so its accounts were not imported; import that QR code"
                + " too (the other parts were imported).",
            "Warning: Part 2 of 2 of the Google Authenticator export that the --uri argument belongs"
                + " to is missing, so its accounts were not imported; import that QR code too (the other"
                + " parts were imported).",
            "Warning: The QR codes come from 2 different Google Authenticator exports (their"
                + " batch IDs differ).");
    assertThat(app.ok("list")).contains("Batch One", "Other: olga");
  }

  @Test
  void aCompleteExportBesideAnIncompleteOneIsNotTakenForADifferentPart() {
    AppDriver.Result result =
        phone()
            .run(
                "import",
                fixture("google-migration.txt"),
                "--qr",
                fixture("google-migration-batch-1of2.png"));

    assertThat(result.err()).contains("Part 2 of 2").doesNotContain("different");
  }

  /** An export of one TOTP entry written with protobuf-java, as Google Authenticator would. */
  private static String migrationUri(
      int batchId, int index, int size, String issuer, String name, byte[] secret)
      throws Exception {
    java.io.ByteArrayOutputStream entry = new java.io.ByteArrayOutputStream();
    com.google.protobuf.CodedOutputStream e =
        com.google.protobuf.CodedOutputStream.newInstance(entry);
    e.writeByteArray(1, secret);
    e.writeString(2, name);
    e.writeString(3, issuer);
    e.writeEnum(4, 1);
    e.writeEnum(5, 1);
    e.writeEnum(6, 2);
    e.flush();
    java.io.ByteArrayOutputStream payload = new java.io.ByteArrayOutputStream();
    com.google.protobuf.CodedOutputStream p =
        com.google.protobuf.CodedOutputStream.newInstance(payload);
    p.writeByteArray(1, entry.toByteArray());
    p.writeInt32(2, 1);
    p.writeInt32(3, size);
    p.writeInt32(4, index);
    p.writeInt32(5, batchId);
    p.flush();
    return "otpauth-migration://offline?data="
        + java.net.URLEncoder.encode(
            java.util.Base64.getEncoder().encodeToString(payload.toByteArray()),
            java.nio.charset.StandardCharsets.US_ASCII);
  }

  @Test
  void aPartScannedTwiceCountsOnce() {
    AppDriver app = phone();
    String part1 = fixture("google-migration-batch-1of2.png");

    AppDriver.Result result =
        app.run("import", "--qr", part1, part1, fixture("google-migration-batch-2of2.png"));

    assertThat(result.out()).endsWith("3 accounts imported.\n");
    assertThat(result.err()).doesNotContain("Warning").doesNotContain("Skipped");
  }

  @Test
  void unsupportedEntriesAreNamedWithTheirReasonAndTheGoodOneIsImported() {
    AppDriver app = phone();
    String file = fixture("google-migration-unsupported.txt");

    AppDriver.Result result = app.run("import", file);

    assertThat(result.exit()).isZero();
    assertThat(result.out())
        .isEqualTo(
            "Imported \"Good Entry: nina@example.com\" (TOTP, SHA1, 6 digits, every 30 s).\n"
                + "1 account imported; 4 entries not imported (named above).\n");
    assertThat(result.err().lines().filter(l -> l.startsWith("Not imported")))
        .containsExactly(
            "Not imported: \"MD5 Entry: oscar@example.com\" from "
                + file
                + ": the MD5 algorithm is not supported.",
            "Not imported: \"Seven Digits?: pat@example.com\" from "
                + file
                + ": its digit count has the unknown value 3.",
            "Not imported: \"Empty Secret: quinn@example.com\" from "
                + file
                + ": its secret is empty.",
            "Not imported: \"Unknown Type: rita@example.com\" from "
                + file
                + ": its OTP type has the unknown value 3.");
    InteropCodes.assertTotpCodes(app, InteropCodes.GOOD_ENTRY);
  }

  @Test
  void aTruncatedPayloadIsACorruptExportAndImportsNothing() {
    AppDriver app = phone();
    String file = fixture("google-migration-truncated.txt");

    AppDriver.Result result = app.run("import", file);

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .isEqualTo(
            "Could not import "
                + file
                + ": the Google Authenticator export is corrupt (its data is cut short or"
                + " malformed); nothing was imported.\n");
    assertThat(Files.exists(app.vaultFile())).isFalse();
  }
}
