package io.latchkey.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;

/**
 * An open vault: its accounts and push devices, and the PIN lock it is written with (none for a
 * plain vault). Every write uses the lock the vault was opened with, so a vault with a PIN is never
 * written plain unless {@link #removePin()} says so. Nothing is written when opening fails, so a
 * wrong PIN or a damaged file leaves the file exactly as it was.
 */
final class Vault implements AutoCloseable {
  private final VaultFile file;
  private final boolean existed;
  private Accounts accounts;
  private Devices devices;
  private PinLock lock;

  private Vault(VaultFile file, boolean existed, VaultCodec.Entries entries, PinLock lock) {
    this.file = file;
    this.existed = existed;
    this.accounts = entries.accounts();
    this.devices = entries.devices();
    this.lock = lock;
  }

  /**
   * Opens the vault in {@code home}, asking {@code pins} for the PIN if it has one (no unlock is
   * used, and wrong PINs count by the system clock). A home with no vault yet gives an empty one,
   * which will be written with a PIN if {@code LATCHKEY_PIN} is set.
   */
  static Vault open(Path home, PinSource pins) throws IOException {
    return open(home, new PinGate(pins, Clock.systemUTC(), null), false);
  }

  /**
   * Opens the vault in {@code home}; one with a PIN is opened through {@code gate}.
   *
   * @param pinRequired ask for the PIN even while the vault is unlocked
   */
  static Vault open(Path home, PinGate gate, boolean pinRequired) throws IOException {
    VaultFile file = VaultFile.open(home);
    try {
      Optional<byte[]> bytes = file.read();
      if (bytes.isEmpty()) {
        PinLock lock = gate.pins().fromEnvironment().map(Vault::create).orElse(null);
        return new Vault(
            file, false, new VaultCodec.Entries(Accounts.empty(), Devices.empty()), lock);
      }
      VaultCodec.Document document = VaultCodec.parse(bytes.get());
      PinLock lock =
          document.isLocked() ? gate.open(file.home(), document.pin(), pinRequired) : null;
      return new Vault(file, true, VaultCodec.entries(document, lock), lock);
    } catch (IOException | RuntimeException e) {
      file.close();
      throw e;
    }
  }

  /**
   * Whether the vault in {@code home} has a PIN, read without the PIN; false when there is no vault
   * (and then nothing is created).
   */
  static boolean hasPin(Path home) throws IOException {
    if (!Files.isDirectory(home)) {
      return false;
    }
    try (VaultFile file = VaultFile.open(home)) {
      Optional<byte[]> bytes = file.read();
      return bytes.isPresent() && VaultCodec.parse(bytes.get()).isLocked();
    }
  }

  Accounts accounts() {
    return accounts;
  }

  Devices devices() {
    return devices;
  }

  /** False for a home where nothing has been written yet. */
  boolean exists() {
    return existed;
  }

  boolean hasPin() {
    return lock != null;
  }

  /** The lock this vault is written with, or null for a plain vault. */
  PinLock pinLock() {
    return lock;
  }

  Path path() {
    return file.path();
  }

  /** Replaces the accounts; the devices stay as they are. */
  void save(Accounts updated) throws IOException {
    write(updated, devices);
  }

  /** Replaces the devices; the accounts stay as they are. */
  void save(Devices updated) throws IOException {
    write(accounts, updated);
  }

  /** Replaces the accounts and the devices in one write (a restore). */
  void save(Accounts updatedAccounts, Devices updatedDevices) throws IOException {
    write(updatedAccounts, updatedDevices);
  }

  /** Sets or changes the PIN: a new salt and a new vault key, then the vault is rewritten. */
  void setPin(char[] pin) throws IOException {
    PinLock previous = lock;
    lock = create(pin);
    try {
      write(accounts, devices);
    } catch (IOException | RuntimeException e) {
      lock = previous;
      throw e;
    }
  }

  /** Writes the vault plain from now on. */
  void removePin() throws IOException {
    PinLock previous = lock;
    lock = null;
    try {
      write(accounts, devices);
    } catch (IOException | RuntimeException e) {
      lock = previous;
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    file.close();
  }

  private void write(Accounts newAccounts, Devices newDevices) throws IOException {
    file.write(VaultCodec.encode(newAccounts, newDevices, lock));
    accounts = newAccounts;
    devices = newDevices;
  }

  private static PinLock create(char[] pin) {
    try {
      return PinLock.create(pin);
    } finally {
      Arrays.fill(pin, '\0');
    }
  }
}
