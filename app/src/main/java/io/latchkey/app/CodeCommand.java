package io.latchkey.app;

import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code code NAME}: one account's code and nothing else, for scripts. */
@Command(
    name = "code",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the current code of one account, digits only.",
      "NAME is the account's name, in any case, or a part of it that only one name contains.",
      "For a HOTP account, prints the code of the stored counter and moves the counter on."
    })
final class CodeCommand extends AppSubcommand {

  @Parameters(paramLabel = "NAME", description = "The account.")
  String query;

  @Override
  void execute() throws IOException {
    if (query.isBlank()) {
      throw new AppException("Give the name of an account; the list command shows them.");
    }
    try (Vault vault = openVault()) {
      Account account = vault.accounts().find(query);
      String code = account.code(app().clock().instant());
      if (account.isHotp()) {
        // Saved before the code is shown: a crash in between skips a code, which the server's
        // look-ahead window absorbs, instead of showing one code twice.
        vault.save(vault.accounts().replacing(account, account.advanced()));
      }
      out().print(code + "\n");
    }
  }
}
