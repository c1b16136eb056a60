package io.latchkey.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app's encrypted Aegis export opened by an independent implementation, Python's {@code
 * cryptography} (scrypt and AES-GCM, from Debian's python3-cryptography), following INTEROP.md §3
 * and nothing of Latchkey's code; the entries it finds give, with {@code oathtool}, the codes the
 * app shows.
 */
class ExportPeersIT {
  private static final String PASSWORD = "export password for the peers";

  /** Decrypts an Aegis vault (argv[1], password in AEGIS_PASSWORD); one entry a line. */
  private static final String DECRYPT =
      """
      import base64, json, os, sys
      from cryptography.hazmat.primitives.ciphers.aead import AESGCM
      from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
      vault = json.load(open(sys.argv[1], encoding="utf-8"))
      assert vault["version"] == 1
      password = os.environ["AEGIS_PASSWORD"].encode("utf-8")
      master = None
      for slot in vault["header"]["slots"]:
          if slot["type"] != 1:
              continue
          kek = Scrypt(salt=bytes.fromhex(slot["salt"]), length=32,
                       n=slot["n"], r=slot["r"], p=slot["p"]).derive(password)
          params = slot["key_params"]
          master = AESGCM(kek).decrypt(bytes.fromhex(params["nonce"]),
                                       bytes.fromhex(slot["key"]) + bytes.fromhex(params["tag"]), None)
      params = vault["header"]["params"]
      db = AESGCM(master).decrypt(bytes.fromhex(params["nonce"]),
                                  base64.b64decode(vault["db"]) + bytes.fromhex(params["tag"]), None)
      content = json.loads(db.decode("utf-8"))
      assert content["version"] == 3
      for e in content["entries"]:
          info = e["info"]
          timing = info["period"] if e["type"] == "totp" else info["counter"]
          print("\\t".join([e["type"], e["issuer"], e["name"], info["secret"], info["algo"],
                           str(info["digits"]), str(timing)]))
      """;

  @TempDir Path dir;

  @Test
  void pythonCryptographyOpensTheEncryptedExportAndOathtoolConfirmsEveryCode() throws Exception {
    AppDriver app = new AppDriver(dir.resolve("phone"));
    app.ok("import", Fixtures.file("aegis-plain.json").toString());
    app.ok("import", Fixtures.file("google-migration.txt").toString());
    app.env.put(FilePasswords.EXPORT_VARIABLE, PASSWORD);
    Path export = dir.resolve("export.json");
    app.ok("export", "--format", "aegis", "--encrypt", "--output", export.toString());

    String decrypted =
        Peers.run(
            dir,
            List.of("/usr/bin/python3", "-c", DECRYPT, export.toString()),
            null,
            Map.of("AEGIS_PASSWORD", PASSWORD));

    List<String> lines = decrypted.lines().toList();
    assertThat(lines).hasSize(13);
    for (String line : lines) {
      String[] f = line.split("\t", -1);
      String name = Candidate.displayName(f[1], f[2]);
      if (name.equals("ACME Co: bob@acme.test") && f[3].startsWith("KUBR")) {
        name += " (2)"; // the migration's bob, renamed on import next to the vault's
      }
      String secret = f[3];
      String algorithm = f[4];
      int digits = Integer.parseInt(f[5]);
      if (f[0].equals("hotp")) {
        long counter = Long.parseLong(f[6]);
        String expected = Peers.oathtoolHotp(dir, secret, algorithm, digits, counter);
        assertThat(app.ok("code", name)).as(name).isEqualTo(expected + "\n");
      } else {
        for (long t : InteropCodes.TIMES) {
          String expected =
              Peers.oathtool(
                  dir,
                  secret,
                  "--totp=" + algorithm.toLowerCase(Locale.ROOT),
                  "-d",
                  Integer.toString(digits),
                  "-s",
                  f[6] + "s",
                  "-N",
                  "@" + t);
          assertThat(app.at(t).ok("code", name))
              .as("%s at t=%d", name, t)
              .isEqualTo(expected + "\n");
        }
      }
    }
  }
}
