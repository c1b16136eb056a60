package io.latchkey.app;

import io.latchkey.core.otp.OtpAuthUri;
import io.latchkey.core.qr.QrCodes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code add URI | add --qr PNG}: scans or types in a new account. */
@Command(
    name = "add",
    mixinStandardHelpOptions = true,
    description = "Adds an account from an otpauth:// URI or a QR code image.")
final class AddCommand extends AppSubcommand {
  // Far above any QR code photo; stops a mistyped path to a huge file from eating memory.
  private static final long MAX_IMAGE_BYTES = 20L * 1024 * 1024;
  private static final int MAX_URI_BYTES = 64 * 1024;

  @Parameters(
      arity = "0..1",
      paramLabel = "URI",
      description =
          "The otpauth:// URI, or - to read it from standard input (keeps the key"
              + " out of the process list and the shell history).")
  String uri;

  @Option(names = "--qr", paramLabel = "PNG", description = "An image of the QR code.")
  Path qr;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description = "What to call the account (needed when the code carries no name).")
  String name;

  @Override
  void execute() throws IOException {
    OtpAuthUri parsed = parse(readUri());
    Account account =
        new Account(
            chooseName(parsed),
            parsed.issuer(),
            parsed.account(),
            parsed.secret(),
            parsed.parameters());
    try (Vault vault = openVault()) {
      vault.save(vault.accounts().with(account));
    }
    for (String warning : parsed.warnings()) {
      err().println("Warning: " + warning);
    }
    String type = account.parameters().type().name();
    out().println("Added \"" + account.name() + "\" (" + type + ", " + account.settings() + ").");
  }

  private String readUri() throws IOException {
    if ((uri == null) == (qr == null)) {
      throw new AppException("Give either an otpauth:// URI or --qr PNG, not both or neither.");
    }
    if (qr != null) {
      return decodeImage();
    }
    if (uri.equals("-")) {
      return readStdin();
    }
    return uri;
  }

  private String decodeImage() throws IOException {
    byte[] image;
    try {
      if (Files.size(qr) > MAX_IMAGE_BYTES) {
        throw new AppException("The image " + qr + " is too large to be a QR code.");
      }
      image = Files.readAllBytes(qr);
    } catch (NoSuchFileException e) {
      throw new AppException("The image " + qr + " does not exist.", e);
    }
    String text;
    try {
      text = QrCodes.decode(image);
    } catch (IllegalArgumentException e) {
      throw new AppException("No readable QR code was found in " + qr + ".", e);
    }
    if (text.toLowerCase(Locale.ROOT).startsWith("otpauth-migration:")) {
      throw new AppException(
          "This QR code is a Google Authenticator export, not one account; add takes otpauth://"
              + " codes.");
    }
    return text;
  }

  private String readStdin() throws IOException {
    InputStream in = app().stdin();
    byte[] bytes = in.readNBytes(MAX_URI_BYTES + 1);
    if (bytes.length > MAX_URI_BYTES) {
      throw new AppException("The standard input is too long to be an otpauth URI.");
    }
    return new String(bytes, StandardCharsets.UTF_8).strip();
  }

  private static OtpAuthUri parse(String text) {
    try {
      return OtpAuthUri.parse(text);
    } catch (IllegalArgumentException e) {
      // OtpUriException's message is safe to show by contract (no secret, no URI).
      throw new AppException("Could not add the account: " + sentence(e.getMessage()), e);
    }
  }

  private String chooseName(OtpAuthUri parsed) {
    if (name == null) {
      String shown = parsed.displayName().strip();
      if (shown.isEmpty()) {
        throw new AppException("This code carries no account name; add it again with --name NAME.");
      }
      return shown;
    }
    String chosen = name.strip();
    if (chosen.isEmpty() || chosen.codePoints().anyMatch(Character::isISOControl)) {
      throw new AppException("The --name must be visible text on one line.");
    }
    return chosen;
  }

  private static String sentence(String message) {
    String text = message == null || message.isBlank() ? "the URI is invalid" : message.strip();
    return text.endsWith(".") ? text : text + ".";
  }
}
