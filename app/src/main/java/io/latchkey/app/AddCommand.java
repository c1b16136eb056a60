package io.latchkey.app;

import io.latchkey.core.otp.OtpAuthUri;
import io.latchkey.core.push.ActivationUri;
import java.io.IOException;
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
  private static final ScannedText INPUT = new ScannedText("an otpauth:// URI", "an otpauth URI");

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
    String text = INPUT.read(uri, qr, app().stdin());
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.startsWith("otpauth-migration:")) {
      throw new AppException(
          "This is a Google Authenticator export, not one account; bring it in with the import"
              + " command.");
    }
    if (lower.startsWith(ActivationUri.PREFIX)) {
      throw new AppException(
          "This is a push activation code, not an account; use the activate command for it.");
    }
    return text;
  }

  private static OtpAuthUri parse(String text) {
    try {
      return OtpAuthUri.parse(text);
    } catch (IllegalArgumentException e) {
      // OtpUriException's message is safe to show by contract (no secret, no URI).
      throw new AppException("Could not add the account: " + Messages.sentence(e.getMessage()), e);
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
    return Messages.visibleName(name, "--name");
  }
}
