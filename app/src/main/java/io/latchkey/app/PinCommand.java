package io.latchkey.app;

import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code pin set | pin remove}: the app lock. */
@Command(
    name = "pin",
    mixinStandardHelpOptions = true,
    description = "Sets, changes or removes the PIN that encrypts this device's vault.",
    subcommands = {PinCommand.Set.class, PinCommand.Remove.class})
final class PinCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "Missing command: pin set or pin remove");
  }

  /** Encrypts the vault under a new PIN (and a new salt and key). */
  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = {
        "Sets or changes the PIN; the vault is encrypted with it from now on.",
        "The current PIN comes from LATCHKEY_PIN or a prompt, the new one from LATCHKEY_NEW_PIN"
            + " or a prompt. A change needs the current PIN even while the vault is unlocked,"
            + " and ends the unlock."
      })
  static final class Set extends AppSubcommand {
    @Override
    void execute() throws IOException {
      try (Vault vault = openVault(true)) {
        boolean changing = vault.exists() && vault.hasPin();
        vault.setPin(app().pins().fresh());
        app().unlocks().forget();
        out().println(changing ? "PIN changed." : "PIN set; the vault is now encrypted.");
      }
    }
  }

  /** Stores the vault without encryption again. */
  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description = {
        "Removes the PIN; the vault is then stored unencrypted.",
        "Needs the current PIN even while the vault is unlocked, and ends the unlock."
      })
  static final class Remove extends AppSubcommand {
    @Override
    void execute() throws IOException {
      try (Vault vault = openVault(true)) {
        if (!vault.exists() || !vault.hasPin()) {
          throw new AppException("This vault has no PIN.");
        }
        vault.removePin();
        app().unlocks().forget();
        out().println("PIN removed; the vault is now stored unencrypted.");
      }
    }
  }
}
