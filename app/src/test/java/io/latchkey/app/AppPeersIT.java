package io.latchkey.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.otp.Base32;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The app against real peers: a QR code drawn by {@code qrencode} (as a web page or another server
 * would show it; {@code zbarimg} reads it back to prove it standard) is scanned with {@code add
 * --qr}, and the code the app shows must equal the one {@code oathtool} (OATH Toolkit) computes for
 * the same key and time. The tools are required; a missing one fails the test, never skips it.
 */
class AppPeersIT {
  private static final long[] TIMES = {59, 1111111109, 1234567890, 1700000000, 2000000000};

  @TempDir Path dir;

  static Stream<Arguments> settings() {
    return Stream.of(
        Arguments.of("SHA1", 6, 30),
        Arguments.of("SHA256", 8, 30),
        Arguments.of("SHA512", 7, 45),
        Arguments.of("SHA1", 8, 90),
        Arguments.of("SHA256", 6, 120));
  }

  @ParameterizedTest(name = "{0} {1} digits {2} s")
  @MethodSource("settings")
  void aQrencodeImageScannedByTheAppGivesTheCodesOathtoolGives(
      String algorithm, int digits, int period) throws Exception {
    String secret = randomBase32(20, algorithm.hashCode() + digits * 31L + period);
    String uri =
        "otpauth://totp/Peer%20Test:user@example.com?secret="
            + secret
            + "&issuer=Peer%20Test&algorithm="
            + algorithm
            + "&digits="
            + digits
            + "&period="
            + period;
    Path png = qrencode(uri);
    AppDriver app = new AppDriver(dir.resolve("phone"));
    app.ok("add", "--qr", png.toString());

    for (long t : TIMES) {
      String expected =
          oathtool(
              secret,
              "--totp=" + algorithm.toLowerCase(Locale.ROOT),
              "-d",
              Integer.toString(digits),
              "-s",
              period + "s",
              "-N",
              "@" + t);
      assertThat(app.at(t).ok("code", "Peer Test")).as("t=%d", t).isEqualTo(expected + "\n");
    }
  }

  @Test
  void theKeyUriExampleScannedFromQrencodeMatchesOathtool() throws Exception {
    Path png = qrencode(Fixtures.U01);
    AppDriver app = new AppDriver(dir.resolve("phone")).at(1234567890);

    app.ok("add", "--qr", png.toString());

    String expected = oathtool(Fixtures.U01_SECRET, "--totp", "-N", "@1234567890");
    assertThat(expected).isEqualTo("742275");
    assertThat(app.ok("code", "alice@google.com")).isEqualTo(expected + "\n");
  }

  @Test
  void aHotpQrCodeFromQrencodeCountsLikeOathtool() throws Exception {
    String secret = randomBase32(20, 4226);
    Path png = qrencode("otpauth://hotp/Counter:bob?secret=" + secret + "&counter=41");
    AppDriver app = new AppDriver(dir.resolve("phone"));
    app.ok("add", "--qr", png.toString());

    for (int counter = 41; counter < 44; counter++) {
      String expected = oathtool(secret, "-c", Integer.toString(counter));
      assertThat(app.ok("code", "bob")).as("counter %d", counter).isEqualTo(expected + "\n");
    }
  }

  private static String randomBase32(int bytes, long seed) {
    byte[] key = new byte[bytes];
    new Random(seed).nextBytes(key); // reproducible test keys; a real key comes from a CSPRNG
    return Base32.encode(key);
  }

  /**
   * A PNG drawn by qrencode, checked with zbarimg first: if the app cannot read it, the image is
   * known to be a standard QR code and the fault is the app's.
   */
  private Path qrencode(String text) throws Exception {
    Path png = Files.createTempFile(dir, "qr-", ".png");
    // The URI is an argument here only because it carries a throwaway test key.
    run(List.of(tool("qrencode"), "-o", png.toString(), text), null);
    String read = run(List.of(tool("zbarimg"), "--quiet", "--raw", png.toString()), null);
    assertThat(read.strip()).as("zbarimg reading the qrencode image").isEqualTo(text);
    return png;
  }

  private String oathtool(String base32, String... options) throws Exception {
    return Peers.oathtool(dir, base32, options);
  }

  private String run(List<String> command, String stdin) throws Exception {
    return Peers.run(dir, command, stdin, java.util.Map.of());
  }

  private static String tool(String name) throws IOException {
    return Peers.tool(name);
  }
}
