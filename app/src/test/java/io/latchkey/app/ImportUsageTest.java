package io.latchkey.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the import command says when it is given nothing to import, or too little to go on. */
class ImportUsageTest {
  @TempDir Path home;

  @Test
  void importWithNothingToImportSaysWhatToGive() {
    AppDriver.Result result = new AppDriver(home).run("import");

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo("Give the files to import, --qr PNG or --uri URI (- reads stdin).\n");
    assertThat(Files.exists(home.resolve(VaultFile.NAME))).isFalse();
  }

  @Test
  void standardInputCanBeReadOnlyOnce() {
    AppDriver.Result result = new AppDriver(home).run("import", "-", "-");

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("Standard input (-) can be imported only once.\n");
  }

  @Test
  void anEncryptedVaultWithoutAPasswordOrATerminalNamesTheVariable() {
    String file = Fixtures.file("aegis-encrypted.json").toString();

    AppDriver.Result result = new AppDriver(home).run("import", file);

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo(
            "A password for "
                + file
                + " is needed but there is no terminal to ask for it; set"
                + " LATCHKEY_IMPORT_PASSWORD.\n");
  }

  @Test
  void aFileOfOnlyUnsupportedEntriesImportsNothingAndFails() throws Exception {
    Path file = home.resolveSibling(home.getFileName() + "-steam.txt");
    Files.writeString(file, "otpauth://steam/Steam:judy?secret=JHCJ5QKDDHHPMOAPPZ44JWSGVXV5KCJ6\n");

    AppDriver.Result result = new AppDriver(home).run("import", file.toString());

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.out())
        .isEqualTo("0 accounts imported; 1 entry not imported (named above).\n");
    assertThat(result.err())
        .isEqualTo(
            "Not imported: \"Steam: judy\" from "
                + file
                + ": Steam codes are not supported.\n"
                + "Nothing was imported: Latchkey supports none of the entries.\n");
    assertThat(Files.exists(home.resolve(VaultFile.NAME))).isFalse();
  }
}
