package io.latchkey.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every interop fixture imported by the app gives, at the fixture times and for the next HOTP
 * counters, exactly the codes the real {@code oathtool} (OATH Toolkit) computes for the same key
 * and settings; and oathtool agrees with the codes the fixtures README lists.
 */
class ImportPeersIT {
  @TempDir Path dir;

  /** How one fixture is imported, and which of its accounts must then give oathtool's codes. */
  record Source(
      String name,
      List<String> args,
      Map<String, String> env,
      List<InteropCodes.Totp> totp,
      List<InteropCodes.Hotp> hotp) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> sources() {
    return Stream.of(
            aegis("aegis-plain.json", null),
            aegis("aegis-encrypted.json", AegisImportTest.VAULT_PASSWORD),
            aegis("aegis-encrypted-multislot.json", AegisImportTest.FIRST_SLOT_PASSWORD),
            aegis("aegis-encrypted-multislot.json", AegisImportTest.BACKUP_PASSWORD),
            new Source(
                "aegis-kat-minimal.json",
                List.of(fixture("aegis-kat-minimal.json")),
                Map.of(FilePasswords.IMPORT_VARIABLE, "correct horse battery staple"),
                List.of(InteropCodes.AEGIS_TOTP.get(0)),
                List.of(
                    new InteropCodes.Hotp(
                        "ACME Co: bob",
                        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
                        "SHA1",
                        6,
                        0,
                        "755224",
                        "287082",
                        "359152"))),
            new Source(
                "aegis-plain-other-types.json",
                List.of(fixture("aegis-plain-other-types.json")),
                Map.of(),
                List.of(InteropCodes.PLAIN_TOTP),
                List.of()),
            migration("google-migration.txt", List.of(fixture("google-migration.txt"))),
            migration(
                "google-migration-unescaped.txt",
                List.of(fixture("google-migration-unescaped.txt"))),
            migration("google-migration.png", List.of("--qr", fixture("google-migration.png"))),
            new Source(
                "google-migration-batch.txt",
                List.of(fixture("google-migration-batch.txt")),
                Map.of(),
                InteropCodes.BATCH,
                List.of()),
            new Source(
                "google-migration-batch-*.png",
                List.of(
                    "--qr",
                    fixture("google-migration-batch-1of2.png"),
                    fixture("google-migration-batch-2of2.png")),
                Map.of(),
                InteropCodes.BATCH,
                List.of()),
            new Source(
                "google-migration-unsupported.txt",
                List.of(fixture("google-migration-unsupported.txt")),
                Map.of(),
                List.of(InteropCodes.GOOD_ENTRY),
                List.of()))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sources")
  void importedAccountsGiveTheCodesOathtoolComputes(Source source) throws Exception {
    AppDriver app = new AppDriver(dir.resolve("phone"));
    app.env.putAll(source.env());
    List<String> args = new ArrayList<>(List.of("import"));
    args.addAll(source.args());
    app.ok(args.toArray(String[]::new));

    for (InteropCodes.Totp totp : source.totp()) {
      for (int i = 0; i < InteropCodes.TIMES.length; i++) {
        long t = InteropCodes.TIMES[i];
        List<String> options = new ArrayList<>(totp.oathtool());
        options.addAll(List.of("-N", "@" + t));
        String expected = Peers.oathtool(dir, totp.secret(), options.toArray(String[]::new));
        assertThat(expected).as("oathtool agrees with the README").isEqualTo(totp.codes()[i]);
        assertThat(app.at(t).ok("code", totp.name()))
            .as("%s at t=%d", totp.name(), t)
            .isEqualTo(expected + "\n");
      }
    }
    for (InteropCodes.Hotp hotp : source.hotp()) {
      for (int i = 0; i < hotp.codes().length; i++) {
        long counter = hotp.counter() + i;
        String expected =
            Peers.oathtoolHotp(dir, hotp.secret(), hotp.algorithm(), hotp.digits(), counter);
        assertThat(expected).as("oathtool agrees with the README").isEqualTo(hotp.codes()[i]);
        assertThat(app.ok("code", hotp.name()))
            .as("%s at counter %d", hotp.name(), counter)
            .isEqualTo(expected + "\n");
      }
    }
  }

  private static Source aegis(String file, String password) {
    return new Source(
        file + (password == null ? "" : " with \"" + password + "\""),
        List.of(fixture(file)),
        password == null ? Map.of() : Map.of(FilePasswords.IMPORT_VARIABLE, password),
        InteropCodes.AEGIS_TOTP,
        InteropCodes.AEGIS_HOTP);
  }

  private static Source migration(String name, List<String> args) {
    return new Source(
        name, args, Map.of(), InteropCodes.MIGRATION_TOTP, List.of(InteropCodes.MIGRATION_HOTP));
  }

  private static String fixture(String name) {
    return Fixtures.file(name).toString();
  }
}
