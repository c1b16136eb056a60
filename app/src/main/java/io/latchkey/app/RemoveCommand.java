package io.latchkey.app;

import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code remove NAME}: deletes one account from this device. */
@Command(
    name = "remove",
    mixinStandardHelpOptions = true,
    description = {
      "Removes one account from this device.",
      "NAME must be the whole name (in any case): a fragment is not enough to delete a key."
    })
final class RemoveCommand extends AppSubcommand {

  @Parameters(paramLabel = "NAME", description = "The account's whole name, as list shows it.")
  String query;

  @Override
  void execute() throws IOException {
    try (Vault vault = openVault()) {
      Account account = vault.accounts().findWhole(query);
      vault.save(vault.accounts().without(account));
      out().println("Removed \"" + account.name() + "\".");
    }
  }
}
