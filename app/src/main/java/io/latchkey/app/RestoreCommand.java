package io.latchkey.app;

import io.latchkey.core.push.KeyAlgorithm;
import io.latchkey.core.push.Posture;
import java.io.IOException;
import java.net.URI;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code restore --server URL --user NAME}: on a new phone, signs in to the user's account with the
 * password and a second factor, downloads the encrypted backup, decrypts it on the device with the
 * backup password and writes its accounts and push devices into the vault (with the vault's PIN, if
 * it has one). Then each restored push device of that server and user is <em>re-bound</em>: a new
 * device key is made here and the server replaces the old one, so the old phone stops working for
 * push (docs/PUSH-PROTOCOL.md §5).
 *
 * <p>Nothing is written unless the backup decrypts: a wrong backup password leaves the vault as it
 * was. A home that holds anything is refused unless {@code --merge}, which adds what is new and
 * reports the duplicates.
 */
@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    description = {
      "Restores the accounts and push devices of your backup on the server into this app, and"
          + " moves the push devices to this phone.",
      "Passwords: LATCHKEY_PASSWORD (the account), LATCHKEY_BACKUP_PASSWORD (the backup), else"
          + " hidden prompts; the second factor: --code, LATCHKEY_CODE, else a prompt."
          + " LATCHKEY_POSTURE overrides the posture sent when re-binding."
    })
final class RestoreCommand extends CloudSubcommand {
  private static final KeyAlgorithm ALGORITHM = KeyAlgorithm.ED25519;

  @Option(
      names = "--merge",
      description =
          "Add the backup's accounts to those already in this app (duplicates are skipped and"
              + " reported).")
  boolean merge;

  @Override
  void execute() throws IOException {
    URI server = server();
    try (Vault vault = openVault()) {
      int held = vault.accounts().all().size() + vault.devices().all().size();
      if (held > 0 && !merge) {
        throw new AppException(
            "This app already holds "
                + BackupCommand.count(vault.accounts().all().size(), "account")
                + " and "
                + BackupCommand.count(vault.devices().all().size(), "push device")
                + "; restore into a new home, or use --merge to add the backup to them. Nothing"
                + " was changed.");
      }
      try (UserApi api = new UserApi(server, app().clock())) {
        UserApi.Session session = signIn(api);
        try {
          restore(vault, api, session, server);
        } finally {
          api.signOut(session);
        }
      }
    }
  }

  private void restore(Vault vault, UserApi api, UserApi.Session session, URI server)
      throws IOException {
    UserApi.Download download =
        api.download(session)
            .orElseThrow(
                () ->
                    new AppException(
                        "There is no backup for "
                            + session.username()
                            + " at "
                            + server
                            + "; nothing was changed."));
    VaultCodec.Entries restored = decrypt(download.content());
    Merged merged = merge(vault, restored);
    vault.save(merged.accounts(), merged.devices());
    BackupState.remember(app().home(), server, session.username(), download.version());
    out()
        .println(
            "Restored "
                + BackupCommand.count(merged.addedAccounts(), "account")
                + " and "
                + BackupCommand.count(merged.addedDevices(), "push device")
                + " from backup version "
                + download.version()
                + ".");
    if (!merged.duplicates().isEmpty()) {
      out()
          .println(
              "Already in this app, so skipped: "
                  + String.join(
                      ", ", merged.duplicates().stream().map(n -> "\"" + n + "\"").toList())
                  + ".");
    }
    rebind(vault, api, session, server, merged.toRebind());
  }

  private VaultCodec.Entries decrypt(byte[] backup) {
    char[] password = backupPassword(false);
    byte[] plaintext;
    try {
      plaintext = BackupCodec.open(backup, password);
    } finally {
      Arrays.fill(password, '\0');
    }
    try {
      return VaultCodec.fromContentJson(plaintext);
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  /**
   * @param toRebind the backup's devices that this vault now holds with the backup's key: newly
   *     added ones, and ones an earlier restore added but could not move (a retry with --merge)
   */
  private record Merged(
      Accounts accounts,
      Devices devices,
      int addedAccounts,
      int addedDevices,
      List<Device> toRebind,
      List<String> duplicates) {}

  private static Merged merge(Vault vault, VaultCodec.Entries restored) {
    List<Account> accounts = new ArrayList<>(vault.accounts().all());
    List<String> duplicates = new ArrayList<>();
    int added = 0;
    for (Account account : restored.accounts().all()) {
      if (accounts.stream().anyMatch(a -> a.sameCredentialAs(account))) {
        duplicates.add(account.name());
        continue;
      }
      accounts.add(renamedIfTaken(account, accounts));
      added++;
    }
    List<Device> devices = new ArrayList<>(vault.devices().all());
    List<Device> toRebind = new ArrayList<>();
    int addedDevices = 0;
    for (Device device : restored.devices().all()) {
      Optional<Device> held =
          devices.stream()
              .filter(d -> d.id().equals(device.id()) && d.server().equals(device.server()))
              .findFirst();
      if (held.isEmpty()) {
        devices.add(device);
        toRebind.add(device);
        addedDevices++;
      } else if (Arrays.equals(
          held.get().publicKey().getEncoded(), device.publicKey().getEncoded())) {
        toRebind.add(held.get()); // restored before, not moved yet
      } else {
        duplicates.add(device.name()); // this phone holds the device with a key of its own
      }
    }
    return new Merged(
        new Accounts(accounts), new Devices(devices), added, addedDevices, toRebind, duplicates);
  }

  private static Account renamedIfTaken(Account account, List<Account> existing) {
    Set<String> names = new HashSet<>();
    existing.forEach(a -> names.add(a.name()));
    String name = account.name();
    for (int n = 1; names.contains(name); n++) {
      name = account.name() + " (restored" + (n == 1 ? "" : " " + n) + ")";
    }
    return name.equals(account.name())
        ? account
        : new Account(
            name, account.issuer(), account.account(), account.secret(), account.parameters());
  }

  /**
   * Re-binds each restored device of this server and user to a key made here, saving the vault
   * after each one so a device the server moved is never left with its old key here.
   */
  private void rebind(
      Vault vault, UserApi api, UserApi.Session session, URI server, List<Device> restored)
      throws IOException {
    List<String> failures = new ArrayList<>();
    for (Device device : restored) {
      if (!BackupState.key(device.server()).equals(BackupState.key(server))
          || !device.userId().equals(session.userId())) {
        out()
            .println(
                "Push device "
                    + device.describe()
                    + " belongs to another server or user and was not re-bound: the old phone"
                    + " still works for it. Run restore against that server to move it.");
        continue;
      }
      KeyPair keys = ALGORITHM.generate();
      byte[] body = Json.bytes(body(keys));
      UserApi.Reply reply = api.rebind(session, device.id(), body, ALGORITHM, keys.getPrivate());
      if (reply.status() != 200) {
        failures.add(
            ServerError.of(reply.plain())
                .block("Push device " + device.describe() + " was not re-bound"));
        continue;
      }
      Device moved =
          new Device(
              device.id(),
              device.server(),
              device.userId(),
              device.username(),
              device.issuer(),
              device.name(),
              ALGORITHM,
              keys.getPrivate(),
              keys.getPublic(),
              device.activatedAt());
      List<Device> updated = new ArrayList<>(vault.devices().all());
      updated.replaceAll(
          d -> d.id().equals(device.id()) && d.server().equals(device.server()) ? moved : d);
      vault.save(new Devices(updated));
      out()
          .println(
              "Push device "
                  + device.describe()
                  + " now answers on this phone; the old phone no longer works for it.");
      reply
          .json()
          .map(j -> j.path("warnings"))
          .filter(w -> w.isArray())
          .ifPresent(
              w ->
                  w.values()
                      .forEach(
                          v -> {
                            if (v.isString() && !v.stringValue().isBlank()) {
                              out()
                                  .println(
                                      "Warning from the server: "
                                          + Messages.sentence(Messages.foreign(v.stringValue())));
                            }
                          }));
    }
    if (!failures.isEmpty()) {
      throw new AppException(
          String.join("\n", failures)
              + "\nThe accounts were restored. Run restore with --merge again to retry moving the"
              + " push devices.");
    }
  }

  private Map<String, Object> body(KeyPair keys) {
    Instant now = app().clock().instant();
    Posture detected = app().postureProbe().detect(app().home(), AppCommand.appVersion(), now);
    String override = app().env().get(PostureOverride.VARIABLE);
    Posture posture;
    try {
      posture = override == null ? detected : PostureOverride.parse(override).applyTo(detected);
    } catch (IllegalArgumentException e) {
      throw new AppException("Invalid " + PostureOverride.VARIABLE + ": " + e.getMessage());
    }
    Map<String, Object> sent = new LinkedHashMap<>();
    sent.put("storageEncrypted", posture.storageEncrypted());
    sent.put("rooted", posture.rooted());
    sent.put("notificationsEnabled", posture.notificationsEnabled());
    sent.put("appVersion", posture.appVersion());
    sent.put("deviceClock", posture.deviceClock().toString());
    sent.put("overridden", posture.overridden());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("keyAlgorithm", ALGORITHM.wireName());
    body.put("publicKey", Base64.getEncoder().encodeToString(keys.getPublic().getEncoded()));
    body.put("posture", sent);
    return body;
  }
}
