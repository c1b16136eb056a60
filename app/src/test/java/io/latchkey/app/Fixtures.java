package io.latchkey.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The interop fixtures (INTEROP.md, testdata/interop/README.md), copied into the test resources
 * ({@code interop/}) so the tests need nothing outside the repository.
 */
final class Fixtures {
  static final Path INTEROP = resource("interop");

  /** Row U01: Google's Key URI example; 742275 at t=1234567890. */
  static final String U01 =
      "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example";

  static final String U01_SECRET = "JBSWY3DPEHPK3PXP";

  /** Row U10: HOTP with the RFC 4226 key, counter 0 → 755224, then 287082, 359152. */
  static final String U10 =
      "otpauth://hotp/HOTP%20Co:grace?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
          + "&issuer=HOTP%20Co&counter=0";

  /** Row U02: 566657 at t=1234567890. */
  static final String U02 =
      "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ"
          + "&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30";

  /** Row U11: SHA512, 7 digits, 45 s; 7339030 at t=1234567890. */
  static final String U11 =
      "otpauth://totp/Seven:s7?secret=DGW4ORI3D23NFFOJAXIBWO2ZALX7F36B&issuer=Seven"
          + "&algorithm=SHA512&digits=7&period=45";

  private Fixtures() {}

  /** One fixture file, e.g. {@code aegis-plain.json}. */
  static Path file(String name) {
    Path path = INTEROP.resolve(name);
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException("missing test fixture " + path);
    }
    return path;
  }

  private static Path resource(String name) {
    URL url = Fixtures.class.getClassLoader().getResource(name);
    if (url == null) {
      throw new IllegalStateException("the test resources have no " + name + "/ folder");
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One row of otpauth-uri-cases.tsv. */
  record UriCase(String id, String expect, String uri, String type, String check) {
    @Override
    public String toString() {
      return id; // the URI holds a (test) secret; keep it out of test names anyway
    }
  }

  static List<UriCase> uriCases() {
    try {
      return Files.readAllLines(INTEROP.resolve("otpauth-uri-cases.tsv")).stream()
          .skip(1)
          .map(line -> line.split("\t", -1))
          .map(f -> new UriCase(f[0], f[1], f[2], f[3], f[9]))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
