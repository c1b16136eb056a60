package io.latchkey.app;

import io.latchkey.core.otp.Totp;
import java.io.IOException;
import java.time.Instant;
import picocli.CommandLine.Command;

/** {@code codes}: every account's current code, for a person glancing at the screen. */
@Command(
    name = "codes",
    mixinStandardHelpOptions = true,
    description = "Shows the current code of every account and the seconds it has left.")
final class CodesCommand extends AppSubcommand {

  @Override
  void execute() throws IOException {
    try (Vault vault = openVault()) {
      Accounts accounts = vault.accounts();
      if (accounts.isEmpty()) {
        out().println("No accounts yet; add one with the add command.");
        return;
      }
      Instant now = app().clock().instant();
      Table table = new Table("NAME", "CODE", "LEFT");
      boolean anyHotp = false;
      for (Account account : accounts.all()) {
        if (account.isHotp()) {
          // Showing a HOTP code here without advancing the counter would hand out a code that
          // the next 'code' shows again; it would be refused as a replay.
          table.row(account.name(), "-", "hotp");
          anyHotp = true;
        } else {
          int left = Totp.secondsLeft(now, account.parameters().periodSeconds());
          table.row(account.name(), account.code(now), left + "s");
        }
      }
      table.print(out());
      if (anyHotp) {
        out().println("HOTP codes are used one at a time: get the next with 'code NAME'.");
      }
    }
  }
}
