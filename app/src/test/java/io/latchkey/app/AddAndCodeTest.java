package io.latchkey.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.qr.QrCodes;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AddAndCodeTest {

  @TempDir Path home;

  @Test
  void codeForAnAddedUriMatchesTheKeyUriExample() {
    AppDriver app = new AppDriver(home);

    app.ok("add", Fixtures.U01);

    assertThat(app.ok("code", "Example: alice@google.com")).isEqualTo("742275\n");
  }

  static Stream<Fixtures.UriCase> acceptedUris() {
    return Fixtures.uriCases().stream().filter(c -> c.expect().equals("accept"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("acceptedUris")
  void codeForEveryAcceptedInteropUriMatchesItsCheck(Fixtures.UriCase c, @TempDir Path dir) {
    AppDriver app = new AppDriver(dir);
    String[] check = c.check().split(":"); // t=1234567890:CODE or c=N:CODE
    app.at(c.type().equals("totp") ? Long.parseLong(check[0].substring(2)) : 0);

    // U20 has an empty label; the user names it.
    app.ok("add", c.uri(), "--name", "entry " + c.id());

    assertThat(app.ok("code", "entry " + c.id())).isEqualTo(check[1] + "\n");
  }

  @Test
  void hotpCodeUsesTheStoredCounterAndAdvancesItForTheNextRun() throws Exception {
    AppDriver app = new AppDriver(home);
    app.ok("add", Fixtures.U10);

    assertThat(app.ok("code", "grace")).isEqualTo("755224\n");
    assertThat(app.ok("code", "grace")).isEqualTo("287082\n");
    assertThat(app.ok("code", "grace")).isEqualTo("359152\n");
    assertThat(app.vaultText()).contains("\"counter\" : 3");
  }

  @Test
  void addFromAQrImageGivesTheSameCodeAsTheUri() throws Exception {
    Path png = home.resolve("u01.png");
    Files.write(png, QrCodes.png(Fixtures.U01, 300));
    AppDriver app = new AppDriver(home.resolve("phone"));

    app.ok("add", "--qr", png.toString());

    assertThat(app.ok("code", "alice")).isEqualTo("742275\n");
  }

  @Test
  void addFromStandardInputKeepsTheKeyOffTheCommandLine() {
    AppDriver app = new AppDriver(home);
    app.stdin = Fixtures.U02 + "\n";

    app.ok("add", "-");

    assertThat(app.ok("code", "ACME")).isEqualTo("566657\n");
  }

  @Test
  void addReportsWhatWasAddedWithoutTheKey() {
    AppDriver.Result result = new AppDriver(home).run("add", Fixtures.U11);

    assertThat(result.exit()).isZero();
    assertThat(result.out())
        .isEqualTo("Added \"Seven: s7\" (TOTP, SHA512, 7 digits, every 45 s).\n")
        .doesNotContain("DGW4ORI3D23NFFOJAXIBWO2ZALX7F36B");
  }

  @Test
  void aShortSecretIsAddedWithAWarning() {
    AppDriver.Result result = new AppDriver(home).run("add", Fixtures.U01);

    assertThat(result.exit()).isZero();
    assertThat(result.err()).startsWith("Warning: ").doesNotContain(Fixtures.U01_SECRET);
  }

  @Test
  void anUnnamedCodeNeedsANameAndTakesTheOneGiven() {
    AppDriver app = new AppDriver(home);
    String unnamed = "otpauth://totp/?secret=DGW4ORI3D23NFFOJAXIBWO2ZALX7F36B";

    AppDriver.Result refused = app.run("add", unnamed);
    app.ok("add", unnamed, "--name", "Work VPN");

    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err())
        .isEqualTo("This code carries no account name; add it again with --name NAME.\n");
    assertThat(app.ok("code", "Work VPN")).isEqualTo("270176\n");
  }

  @Test
  void addingTheSameAccountTwiceIsRefusedAndKeepsOneEntry() throws Exception {
    AppDriver app = new AppDriver(home);
    app.ok("add", Fixtures.U02);
    byte[] before = app.vaultBytes();

    AppDriver.Result again = app.run("add", Fixtures.U02, "--name", "another name");

    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err())
        .isEqualTo(
            "This account is already in the app as \"ACME Co: john.doe@email.com\"; nothing was"
                + " added.\n");
    assertThat(app.vaultBytes()).isEqualTo(before);
  }

  @Test
  void aSecondKeyUnderATakenNameIsRefusedUntilRenamed() {
    AppDriver app = new AppDriver(home);
    app.ok("add", "otpauth://totp/Bank:me?secret=DGW4ORI3D23NFFOJAXIBWO2ZALX7F36B");
    String other = "otpauth://totp/Bank:me?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ";

    AppDriver.Result clash = app.run("add", other);
    app.ok("add", other, "--name", "Bank: me (new phone)");

    assertThat(clash.exit()).isEqualTo(1);
    assertThat(clash.err()).contains("already exists").contains("--name");
    assertThat(app.ok("code", "Bank: me (new phone)")).isEqualTo("566657\n");
  }

  @Test
  void aBadUriIsRefusedWithOneLineAndLeavesTheVaultUnchanged() throws Exception {
    AppDriver app = new AppDriver(home);
    app.ok("add", Fixtures.U02);
    byte[] before = app.vaultBytes();
    String bad = "otpauth://totp/Example:md5?secret=DGW4ORI3D23NFFOJAXIBWO2ZALX7F36B&algorithm=MD5";

    AppDriver.Result result = app.run("add", bad);

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err())
        .startsWith("Could not add the account: ")
        .endsWith(".\n")
        .hasLineCount(1)
        .doesNotContain("DGW4ORI3D23NFFOJAXIBWO2ZALX7F36B")
        .doesNotContain("\tat ");
    assertThat(result.out()).isEmpty();
    assertThat(app.vaultBytes()).isEqualTo(before);
  }

  @Test
  void aBadUriOnAFreshPhoneCreatesNoVault() {
    AppDriver app = new AppDriver(home);

    AppDriver.Result result = app.run("add", "https://example.com/not-otp");

    assertThat(result.exit()).isEqualTo(1);
    assertThat(app.vaultFile()).doesNotExist();
  }

  @Test
  void anImageWithoutAQrCodeIsRefusedClearly() throws Exception {
    Path notQr = home.resolve("blank.png");
    BufferedImage white = new BufferedImage(200, 200, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = white.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, 200, 200);
    g.dispose();
    ImageIO.write(white, "png", notQr.toFile());

    AppDriver.Result result = new AppDriver(home).run("add", "--qr", notQr.toString());

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("No readable QR code was found in " + notQr + ".\n");
  }

  @Test
  void aMissingImageIsReportedByName() {
    Path missing = home.resolve("nowhere.png");

    AppDriver.Result result = new AppDriver(home).run("add", "--qr", missing.toString());

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("The image " + missing + " does not exist.\n");
  }

  @Test
  void aGoogleExportQrCodeIsNotMistakenForOneAccount() {
    Path export = Fixtures.INTEROP.resolve("google-migration.png");

    AppDriver.Result result = new AppDriver(home).run("add", "--qr", export.toString());

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo(
            "This is a Google Authenticator export, not one account; bring it in with the import"
                + " command.\n");
  }

  @Test
  void aGoogleExportUriGivenToAddPointsToImport() throws Exception {
    String uri = java.nio.file.Files.readString(Fixtures.file("google-migration.txt")).strip();

    AppDriver.Result result = new AppDriver(home).run("add", uri);

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).contains("the import command").doesNotContain("data=");
  }

  @Test
  void aUriAndAnImageTogetherAreRefused() {
    AppDriver.Result result =
        new AppDriver(home).run("add", Fixtures.U02, "--qr", home.resolve("x.png").toString());

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo("Give either an otpauth:// URI or --qr PNG, not both or neither.\n");
  }
}
