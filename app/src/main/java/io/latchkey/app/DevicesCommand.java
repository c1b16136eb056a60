package io.latchkey.app;

import java.io.IOException;
import picocli.CommandLine.Command;

/** {@code devices}: the push devices this home holds; never a key. */
@Command(
    name = "devices",
    mixinStandardHelpOptions = true,
    description = "Lists the push devices this app was activated as.")
final class DevicesCommand extends AppSubcommand {

  @Override
  void execute() throws IOException {
    try (Vault vault = openVault()) {
      Devices devices = vault.devices();
      if (devices.isEmpty()) {
        out().println("No push devices yet; activate one with the activate command.");
        return;
      }
      Table table = new Table("NAME", "USER", "SERVER", "ACTIVATED", "DEVICE ID");
      for (Device device : devices.all()) {
        table.row(
            device.name(),
            device.username(),
            device.server().toString(),
            device.activatedAt().toString(),
            device.id());
      }
      table.print(out());
    }
  }
}
