package io.latchkey.app;

import java.io.IOException;
import picocli.CommandLine.Command;

/** {@code lock}: forgets the key an {@code unlock} kept, so the next command asks for the PIN. */
@Command(
    name = "lock",
    mixinStandardHelpOptions = true,
    description = {
      "Locks the vault now: the key kept by 'unlock' is deleted, and the next command asks for"
          + " the PIN. Needs no PIN."
    })
final class LockCommand extends AppSubcommand {

  @Override
  void execute() throws IOException {
    if (!Vault.hasPin(app().home())) {
      throw new AppException(
          "This vault has no PIN, so there is nothing to lock it with: anyone who can read "
              + app().home()
              + " can read its accounts. Set a PIN with 'pin set'.");
    }
    app().unlocks().forget();
    out().println("Locked.");
  }
}
