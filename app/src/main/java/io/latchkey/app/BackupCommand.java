package io.latchkey.app;

import java.io.IOException;
import java.net.URI;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code backup --server URL --user NAME}: encrypts this app's accounts and push devices on the
 * device with a key derived from a backup password (docs/BACKUP-FORMAT.md), signs in to the user's
 * account with the password and a second factor, and uploads the result as the user's one backup.
 * The upload names the version this home last uploaded or restored, so a backup another phone made
 * meanwhile is never overwritten by accident; {@code --force} replaces it on purpose.
 */
@Command(
    name = "backup",
    mixinStandardHelpOptions = true,
    description = {
      "Uploads this app's accounts and push devices, encrypted on this device, to your account on"
          + " the server.",
      "Passwords: LATCHKEY_PASSWORD (the account), LATCHKEY_BACKUP_PASSWORD (the backup), else"
          + " hidden prompts; the second factor: --code, LATCHKEY_CODE, else a prompt."
    })
final class BackupCommand extends CloudSubcommand {
  static final String STALE =
      "The backup on the server changed since this device last backed up; restore or use --force"
          + " after checking.";

  @Option(
      names = "--force",
      description = "Replace the backup on the server even if another device changed it.")
  boolean force;

  @Override
  void execute() throws IOException {
    URI server = server();
    try (Vault vault = openVault()) {
      if (vault.accounts().isEmpty() && vault.devices().isEmpty()) {
        throw new AppException("This app holds no accounts or push devices; nothing to back up.");
      }
      byte[] sealed = seal(vault);
      try (UserApi api = new UserApi(server, app().clock())) {
        UserApi.Session session = signIn(api);
        try {
          long version = upload(api, session, server, sealed);
          BackupState.remember(app().home(), server, session.username(), version);
          out()
              .println(
                  "Backed up "
                      + count(vault.accounts().all().size(), "account")
                      + " and "
                      + count(vault.devices().all().size(), "push device")
                      + " to "
                      + server
                      + " for "
                      + session.username()
                      + " (backup version "
                      + version
                      + ").");
        } finally {
          api.signOut(session);
        }
      }
    }
  }

  private byte[] seal(Vault vault) {
    char[] password = backupPassword(true);
    byte[] plaintext = VaultCodec.contentJson(vault.accounts(), vault.devices());
    try {
      return BackupCodec.seal(plaintext, password, new SecureRandom());
    } finally {
      Arrays.fill(plaintext, (byte) 0);
      Arrays.fill(password, '\0');
    }
  }

  private long upload(UserApi api, UserApi.Session session, URI server, byte[] sealed) {
    // Keyed by the name as the server spells it, so "Alice" and "alice" share one entry.
    Optional<Long> known = BackupState.version(app().home(), server, session.username());
    UserApi.Reply reply;
    if (force) {
      reply = api.upload(session, sealed, "If-Match", "*");
      if (reply.status() == 412) {
        reply = api.upload(session, sealed, "If-None-Match", "*"); // there was none yet
      }
    } else if (known.isPresent()) {
      reply = api.upload(session, sealed, "If-Match", "\"" + known.get() + "\"");
    } else {
      reply = api.upload(session, sealed, "If-None-Match", "*");
    }
    if (reply.status() == 412) {
      String block = ServerError.of(reply.plain()).block("");
      throw new AppException(STALE + "\n" + block.substring(block.indexOf('\n') + 1));
    }
    if (reply.status() != 200 && reply.status() != 201) {
      throw ServerError.of(reply.plain()).toException("The backup was not stored");
    }
    return UserApi.version(reply.etag())
        .orElseThrow(
            () -> new AppException("The server stored the backup but did not say its version."));
  }

  static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
