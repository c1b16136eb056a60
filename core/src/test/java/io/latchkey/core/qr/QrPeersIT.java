package io.latchkey.core.qr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.latchkey.core.otp.HashAlgorithm;
import io.latchkey.core.otp.Hotp;
import io.latchkey.core.otp.OtpAuthUri;
import io.latchkey.core.otp.OtpParameters;
import io.latchkey.core.otp.OtpType;
import io.latchkey.core.otp.Secret;
import io.latchkey.core.otp.Totp;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * QR images and otpauth URIs against independent peers (INTEROP.md §7, §8 item 3): our PNGs read by
 * {@code zbarimg}, {@code qrencode}'s PNGs read by us, and pyotp's provisioning URIs read by us
 * (and ours by pyotp), with the same codes on both sides. A missing peer fails the test with the
 * package to install: INTEROP.md §7 says never to skip.
 */
class QrPeersIT {

  /** python3-pyotp is installed for the system interpreter only, not for a python3 on PATH. */
  private static final String SYSTEM_PYTHON = "/usr/bin/python3";

  private static final long MOMENT = 1234567890;

  private static final String RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

  private static final String LONG_URI =
      OtpAuthUri.of(
              "Big Corporation International Holdings",
              "carol.with.a.rather.long.address@subsidiary.example.com",
              Secret.fromBase32(
                  "F4BGAVCRO7I2WOHPLG5FMJBCVK4KG2POLV3LRFLY6SVVEITQ4MABBZB"
                      + "36LFEERDHEQDVZGL6CHAHOAKH3GFTJZARUBTQUPMJ5Y3QP2I"),
              OtpParameters.totp(HashAlgorithm.SHA512, 8, 90))
          .toUriString();

  @TempDir Path folder;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
        "otpauth://totp/Z%C3%BCrich%20Bank:erin?secret=" + RFC_SECRET,
        "Zürich Bank: erin ✓ 東京 🔐",
      })
  void zbarimgReadsOurPngAsTheSameText(String text) throws IOException {
    assertZbarimgReads(QrCodes.png(text, 300), text);
  }

  @Test
  void zbarimgReadsOurPngOfALongUri() throws IOException {
    assertZbarimgReads(QrCodes.png(LONG_URI, 500), LONG_URI);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
        "otpauth://hotp/HOTP%20Co:grace?secret=" + RFC_SECRET + "&issuer=HOTP%20Co&counter=0",
        "Zürich Bank: erin ✓ 東京 🔐",
        // ZXing's detector alone misses this one; zbarimg reads it (the app helper's find).
        "otpauth://totp/Peer%20Test:user@example.com?secret=34NMECHGVQJHOLPEFYA76URARQ4JLSVP"
            + "&issuer=Peer%20Test&algorithm=SHA1&digits=8&period=90",
      })
  void ourDecoderReadsQrencodePngs(String text) throws IOException {
    Path png = folder.resolve("qrencode.png");

    run(List.of("qrencode", "-o", png.toString(), text), "", "qrencode (Debian package qrencode)");

    assertThat(QrCodes.decode(Files.readAllBytes(png))).isEqualTo(text);
  }

  @Test
  void ourDecoderReadsAQrencodePngOfALongUri() throws IOException {
    Path png = folder.resolve("long.png");

    run(List.of("qrencode", "-o", png.toString(), LONG_URI), "", "qrencode (package qrencode)");

    assertThat(QrCodes.decode(Files.readAllBytes(png))).isEqualTo(LONG_URI);
  }

  /** One credential as pyotp is told to make it; {@code moving} is the period or the counter. */
  private record Case(
      OtpType type,
      String secret,
      HashAlgorithm algorithm,
      int digits,
      long moving,
      String issuer,
      String account) {

    String line() {
      return String.join(
          "\t",
          type.name().toLowerCase(java.util.Locale.ROOT),
          secret,
          algorithm.name(),
          Integer.toString(digits),
          Long.toString(moving),
          issuer,
          account);
    }
  }

  private static final List<Case> PYOTP_CASES =
      List.of(
          new Case(
              OtpType.TOTP, RFC_SECRET, HashAlgorithm.SHA1, 6, 30, "ACME Co", "alice@example.com"),
          new Case(
              OtpType.TOTP,
              "WETZDJRP6SZJQXMPJKOSWTXLW6P6SHO2LNNMWNTR4QYJ32O4KHDA",
              HashAlgorithm.SHA256,
              8,
              45,
              "Zürich Bank",
              "erin+2fa@example.org"),
          new Case(
              OtpType.TOTP,
              "Q7YTBH5677XZF3Q2PSM64Z4TLRLVIQYKGE",
              HashAlgorithm.SHA512,
              7,
              120,
              "Rail & Co / 東京",
              "zoe smith"),
          new Case(
              OtpType.TOTP,
              "MX6MEODPFSLQDV46WBTY4S5Z3FTQGYXFUTK34HSOBQ",
              HashAlgorithm.SHA512,
              8,
              60,
              "Zürich Bank",
              "erin@example.org"),
          new Case(OtpType.TOTP, RFC_SECRET, HashAlgorithm.SHA1, 6, 30, "", "nobody@example.com"),
          new Case(
              OtpType.HOTP,
              "UMWX6F4C4G5776QH3J3RWWVLLIAEDRRF",
              HashAlgorithm.SHA1,
              6,
              7,
              "HOTP Co",
              "dave"));

  /**
   * pyotp → Latchkey. pyotp leaves out {@code algorithm}, {@code digits} and {@code period} at
   * their defaults, encodes {@code @} as {@code %40} and writes no issuer when there is none
   * (INTEROP.md §1.5); the parser must still arrive at the same credential and the same codes.
   */
  @Test
  void pyotpProvisioningUrisParseToTheSameCredential() {
    String script =
        """
        import hashlib, sys, pyotp
        for line in sys.stdin:
            kind, secret, algorithm, digits, moving, issuer, name = line.rstrip("\\n").split("\\t")
            options = dict(digits=int(digits), digest=getattr(hashlib, algorithm.lower()),
                           issuer=issuer or None, name=name)
            if kind == "totp":
                otp = pyotp.TOTP(secret, interval=int(moving), **options)
                code = otp.at(%d)
            else:
                otp = pyotp.HOTP(secret, initial_count=int(moving), **options)
                code = otp.at(0)  # pyotp adds initial_count: this is the code for the counter
            print(otp.provisioning_uri() + "\\t" + code)
        """
            .formatted(MOMENT);
    List<String> output = python(script, PYOTP_CASES.stream().map(Case::line).toList());

    assertThat(output).hasSameSizeAs(PYOTP_CASES);
    for (int i = 0; i < PYOTP_CASES.size(); i++) {
      Case expected = PYOTP_CASES.get(i);
      String[] uriAndCode = output.get(i).split("\t");
      OtpAuthUri parsed = OtpAuthUri.parse(uriAndCode[0]);
      OtpParameters parameters = parsed.parameters();

      assertThat(parameters.type()).as(uriAndCode[0]).isEqualTo(expected.type());
      assertThat(parsed.issuer()).as(uriAndCode[0]).isEqualTo(expected.issuer());
      assertThat(parsed.account()).as(uriAndCode[0]).isEqualTo(expected.account());
      assertThat(parsed.secret()).isEqualTo(Secret.fromBase32(expected.secret()));
      assertThat(parameters.algorithm()).as(uriAndCode[0]).isEqualTo(expected.algorithm());
      assertThat(parameters.digits()).as(uriAndCode[0]).isEqualTo(expected.digits());
      assertThat(
              expected.type() == OtpType.TOTP ? parameters.periodSeconds() : parameters.counter())
          .as(uriAndCode[0])
          .isEqualTo(expected.moving());
      assertThat(parsed.warnings()).as(uriAndCode[0]).isEmpty();
      assertThat(codeOf(parsed)).as(uriAndCode[0]).isEqualTo(uriAndCode[1]);
    }
  }

  /**
   * Latchkey → pyotp: pyotp's own parser reads our URIs to the same names and codes.
   *
   * <p>Names with {@code & / ? # % +} are left out: pyotp 2.6.0's {@code parse_uri} percent-decodes
   * the whole URI before splitting it, so it misreads them however they are encoded. The other
   * direction covers them.
   */
  @Test
  void pyotpReadsOurUrisToTheSameNamesAndCodes() {
    List<OtpAuthUri> ours = new ArrayList<>();
    for (Case c : PYOTP_CASES) {
      if ((c.issuer() + c.account()).matches(".*[&/?#%+].*")) {
        continue;
      }
      OtpParameters parameters =
          c.type() == OtpType.TOTP
              ? OtpParameters.totp(c.algorithm(), c.digits(), (int) c.moving())
              : OtpParameters.hotp(c.algorithm(), c.digits(), c.moving());
      ours.add(OtpAuthUri.of(c.issuer(), c.account(), Secret.fromBase32(c.secret()), parameters));
    }
    String script =
        """
        import sys, pyotp
        for line in sys.stdin:
            otp = pyotp.parse_uri(line.rstrip("\\n"))
            code = otp.at(%d) if isinstance(otp, pyotp.TOTP) else otp.at(0)
            print("\\t".join([code, otp.issuer or "", otp.name or ""]))
        """
            .formatted(MOMENT);

    List<String> output = python(script, ours.stream().map(OtpAuthUri::toUriString).toList());

    assertThat(ours).hasSizeGreaterThanOrEqualTo(4);
    assertThat(output).hasSameSizeAs(ours);
    for (int i = 0; i < ours.size(); i++) {
      OtpAuthUri uri = ours.get(i);
      assertThat(output.get(i))
          .as(uri.toUriString())
          .isEqualTo(codeOf(uri) + "\t" + uri.issuer() + "\t" + uri.account());
    }
  }

  // ---- helpers ----

  private void assertZbarimgReads(byte[] png, String text) throws IOException {
    Path file = folder.resolve("ours.png");
    Files.write(file, png);

    String output =
        run(
            List.of("zbarimg", "--raw", "-q", file.toString()),
            "",
            "zbarimg (Debian package zbar-tools)");

    // zbarimg ends each symbol with a newline.
    assertThat(output).isEqualTo(text + "\n");
  }

  private static String codeOf(OtpAuthUri uri) {
    OtpParameters parameters = uri.parameters();
    return parameters.type() == OtpType.TOTP
        ? Totp.generate(uri.secret(), parameters, Instant.ofEpochSecond(MOMENT))
        : Hotp.generate(
            uri.secret(), parameters.algorithm(), parameters.digits(), parameters.counter());
  }

  private static List<String> python(String script, List<String> inputLines) {
    String input = inputLines.stream().map(line -> line + "\n").collect(Collectors.joining());
    String output =
        run(
            List.of(SYSTEM_PYTHON, "-c", script),
            input,
            "the system Python with pyotp (Debian package python3-pyotp) at " + SYSTEM_PYTHON);
    return output.lines().toList();
  }

  /**
   * Runs a peer with UTF-8 on every stream and returns its standard output.
   *
   * @param peer what to install if the command cannot be started
   */
  private static String run(List<String> command, String input, String peer) {
    ProcessBuilder builder = new ProcessBuilder(command);
    // Python otherwise picks the locale's encoding for stdin/stdout, which may be ASCII.
    builder.environment().put("PYTHONIOENCODING", "utf-8");
    builder.environment().put("PYTHONUTF8", "1");
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      return fail(
          "cannot start "
              + command.getFirst()
              + ": install "
              + peer
              + " (INTEROP.md §7 says peers are never skipped)",
          e);
    }
    CompletableFuture<String> stdout = readAsync(process.getInputStream());
    CompletableFuture<String> stderr = readAsync(process.getErrorStream());
    try (OutputStream stdin = process.getOutputStream()) {
      stdin.write(input.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to " + command.getFirst(), e);
    }
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return fail(command.getFirst() + " did not finish within 60 s");
      }
      if (process.exitValue() != 0) {
        return fail(
            command.getFirst()
                + " exited with "
                + process.exitValue()
                + "; its error output:\n"
                + stderr.join());
      }
      return stdout.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted while waiting for " + command.getFirst(), e);
    }
  }

  private static CompletableFuture<String> readAsync(InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }
}
