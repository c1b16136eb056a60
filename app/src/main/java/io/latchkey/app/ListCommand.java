package io.latchkey.app;

import java.io.IOException;
import picocli.CommandLine.Command;

/** {@code list}: the accounts and how their codes are made; never a key or a code. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "Lists the accounts with their type, algorithm, digits and period or counter.")
final class ListCommand extends AppSubcommand {

  @Override
  void execute() throws IOException {
    try (Vault vault = openVault()) {
      Accounts accounts = vault.accounts();
      if (accounts.isEmpty()) {
        out().println("No accounts yet; add one with the add command.");
        return;
      }
      Table table = new Table("NAME", "TYPE", "ALGORITHM", "DIGITS", "PERIOD/COUNTER");
      for (Account account : accounts.all()) {
        var p = account.parameters();
        String timing = account.isHotp() ? "counter " + p.counter() : p.periodSeconds() + "s";
        table.row(
            account.name(),
            p.type().name(),
            p.algorithm().name(),
            Integer.toString(p.digits()),
            timing);
      }
      table.print(out());
    }
  }
}
