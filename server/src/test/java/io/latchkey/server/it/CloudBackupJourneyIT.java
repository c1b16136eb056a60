package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.backupcode.BackupCodes;
import io.latchkey.core.enrollment.EnrollmentService;
import io.latchkey.core.otp.Secret;
import io.latchkey.core.push.Decision;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserRepository;
import io.latchkey.core.user.Username;
import io.latchkey.server.testing.Api;
import io.latchkey.server.testing.DatabaseFiles;
import io.latchkey.server.testing.Phone;
import io.latchkey.server.testing.PolicyChanges;
import io.latchkey.server.testing.ServerIT;
import io.latchkey.server.testing.UserApiClient;
import io.latchkey.server.testing.UserApiClient.PushAndTotpUser;
import io.latchkey.server.testing.WizardClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Moving to a new phone with the encrypted backup, through the real server and two homes of the
 * real app: home A backs up, home B restores with the backup password and takes the push device
 * over (re-bound to a key made on B), after which A is refused. The server only ever holds bytes it
 * cannot read.
 */
class CloudBackupJourneyIT extends ServerIT {
  private static final String BACKUP_PASSWORD = "a long backup passphrase";

  @Autowired EnrollmentService enrollments;
  @Autowired UserRepository users;
  @Autowired JdbcClient jdbc;
  @Autowired BackupCodes backupCodes;

  @AfterEach
  void resetPolicy() {
    PolicyChanges.restoreInitial(api);
  }

  /** Accounts of other services on phone A: every algorithm, 6 and 8 digits, 30 and 60 s. */
  private static final Map<String, String> OTHERS = new LinkedHashMap<>();

  static {
    SecureRandom random = new SecureRandom();
    String[][] settings = {
      {"GitHub", "SHA1", "6", "30"},
      {"AWS", "SHA256", "8", "30"},
      {"Bank", "SHA512", "8", "60"},
      {"Mail", "SHA256", "6", "60"},
      {"VPN", "SHA512", "6", "30"},
      {"Wiki", "SHA1", "8", "60"},
    };
    for (String[] s : settings) {
      String secret = Secret.generate(random).base32();
      OTHERS.put(
          secret,
          "otpauth://totp/"
              + s[0]
              + ":alice@example.com?secret="
              + secret
              + "&issuer="
              + s[0]
              + "&algorithm="
              + s[1]
              + "&digits="
              + s[2]
              + "&period="
              + s[3]);
    }
  }

  private Phone phone() {
    return Phone.compliant(clock)
        .with(
            Map.of(
                "LATCHKEY_PASSWORD",
                UserApiClient.PASSWORD,
                "LATCHKEY_BACKUP_PASSWORD",
                BACKUP_PASSWORD));
  }

  /** Phone A with the user's push device, the Latchkey account and six others. */
  private PushAndTotpUser phoneWithEverything(Phone a, String username) {
    PushAndTotpUser user =
        UserApiClient.registerPushAndTotp(api, username, a, enrollments, users, clock);
    ok(a.run("add", user.totpUri()));
    for (String uri : OTHERS.values()) {
      ok(a.run("add", uri));
    }
    return user;
  }

  /** The code of the user's Latchkey account in the next TOTP step (the last one is used up). */
  private String nextCode(PushAndTotpUser user) {
    clock.nextStep(30);
    return WizardClient.code(user.totpSecret(), clock.instant());
  }

  private Phone.Run backup(Phone phone, PushAndTotpUser user, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "backup",
                "--server",
                baseUrl(),
                "--user",
                user.username(),
                "--code",
                nextCode(user)));
    args.addAll(List.of(extra));
    return phone.run(args.toArray(String[]::new));
  }

  private Phone.Run restore(Phone phone, PushAndTotpUser user, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "restore",
                "--server",
                baseUrl(),
                "--user",
                user.username(),
                "--code",
                nextCode(user)));
    args.addAll(List.of(extra));
    return phone.run(args.toArray(String[]::new));
  }

  @Test
  void aRestoredPhoneShowsTheSameCodesAndTakesThePushDeviceOverWhileTheOldOneIsRefused()
      throws Exception {
    Phone a = phone();
    PushAndTotpUser alice = phoneWithEverything(a, newUsername("mover"));
    Phone.Run backedUp = backup(a, alice);
    assertThat(backedUp.exit()).as(backedUp.all()).isZero();
    assertThat(backedUp.out()).contains("7 accounts and 1 push device").contains("version 1");

    Phone b = phone();
    Phone.Run wrong =
        b.with(Map.of("LATCHKEY_BACKUP_PASSWORD", "not the backup password"))
            .run(restoreArgs(alice));
    assertThat(wrong.exit()).isNotZero();
    assertThat(wrong.err().strip().lines())
        .containsExactly(
            "Cannot decrypt the backup: the backup password is wrong, or the backup was changed or"
                + " damaged. Nothing was restored.");
    assertThat(b.home().resolve("vault.json")).doesNotExist();

    String token = api.createApiKey("cloud-backup-journey");
    try (Phone.Listener oldPhone = a.listen()) {
      oldPhone.await(e -> "connected".equals(e.path("event").asString()), Duration.ofSeconds(20));
      Phone.Run restored = restore(b, alice);
      assertThat(restored.exit()).as(restored.all()).isZero();
      assertThat(restored.out())
          .contains("Restored 7 accounts and 1 push device from backup version 1")
          .contains("now answers on this phone");
      // A's open stream was ended by the re-binding, and its reconnection refused.
      assertThat(oldPhone.endsWithin(Duration.ofSeconds(30)))
          .as(oldPhone.lines().toString())
          .isTrue();
      assertThat(oldPhone.lines())
          .anySatisfy(line -> assertThat(line).contains("disconnected").contains("unauthorized"));

      // Every account gives the same code on both phones at the same moment, for a few moments.
      for (int i = 0; i < 3; i++) {
        assertThat(b.run("codes").out()).isEqualTo(a.run("codes").out());
        clock.advance(Duration.ofSeconds(37));
      }
      assertThat(b.run("list").out()).isEqualTo(a.run("list").out());

      // A sign-in request from an application reaches B, which approves it with the number.
      try (Phone.Listener newPhone = b.listen()) {
        JsonNode created = api.createChallenge(token, alice.username());
        String challengeId = created.path("challengeId").asString();
        JsonNode delivered = newPhone.awaitChallenge();
        assertThat(delivered.path("challengeId").asString()).isEqualTo(challengeId);
        Phone.Run approved =
            b.run("approve", challengeId, "--number", created.path("number").asString());
        assertThat(approved.exit()).as(approved.all()).isZero();
        assertThat(api.challengeStatus(token, challengeId, 0)).isEqualTo("approved");

        assertThat(String.join("\n", oldPhone.lines())).doesNotContain(challengeId);
      }
    }

    // A can neither list requests nor answer one with its old key: 401 envelopes.
    JsonNode second = api.createChallenge(token, alice.username());
    Phone.Run oldApprove = a.run("approve", "--number", second.path("number").asString());
    assertThat(oldApprove.exit()).isNotZero();
    assertThat(oldApprove.all()).contains("unauthorized");
    Phone.DeviceKey oldKey = a.deviceKey();
    Api.Response forged =
        api.send(
            api.request(
                    "/api/v1/device/challenges/"
                        + second.path("challengeId").asString()
                        + "/answer")
                .header("Content-Type", "application/json")
                .POST(
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        Api.JSON.writeValueAsString(
                            Map.of(
                                "deviceId",
                                oldKey.deviceId(),
                                "decision",
                                "approve",
                                "number",
                                second.path("number").asString(),
                                "signature",
                                oldKey.signAnswer(
                                    second.path("challengeId").asString(),
                                    oldKey.userId(),
                                    java.time.Instant.parse(second.path("expiresAt").asString()),
                                    Decision.APPROVE,
                                    second.path("number").asString())))))
                .build());
    assertThat(forged.status()).isEqualTo(401);
    assertThat(forged.errorCode()).isEqualTo("unauthorized");
    assertThat(api.challengeStatus(token, second.path("challengeId").asString(), 0))
        .isEqualTo("pending");

    // The re-binding is audited once, for this user.
    JsonNode rebound =
        api.adminGet("/api/v1/admin/audit?type=push_device.rebound&username=" + alice.username())
            .json()
            .path("events");
    assertThat(rebound.size()).isEqualTo(1);
    // ...and the user is told, with the correlation ID of the re-binding (SECURITY-TESTS E3).
    String notices = api.adminGet("/api/v1/admin/users/" + alice.username() + "/notices").body();
    assertThat(notices)
        .contains("\"recovery\"")
        .contains(rebound.get(0).path("correlationId").asString());
  }

  @Test
  void aDeviceThePolicyRefusedToMoveStaysWithTheOldPhoneUntilARetryWithMergeMovesIt()
      throws Exception {
    Phone a = phone();
    PushAndTotpUser alice = phoneWithEverything(a, newUsername("retry"));
    ok(backup(a, alice));
    String token = api.createApiKey("cloud-backup-retry");

    // Phone A is lost: B signs in with a backup code (from LATCHKEY_CODE) and restores, but the
    // policy refuses B's posture, so the device cannot move yet.
    User user = users.findByUsername(Username.of(alice.username())).orElseThrow();
    List<String> codes =
        backupCodes
            .generate(
                user,
                new RequestContext(
                    CorrelationId.random(new SecureRandom()), "127.0.0.1", "it", "it"))
            .codes();
    PolicyChanges.set(api, java.util.Map.of("push.posture.not-rooted", "refuse"));
    Phone b = phone();
    Phone.Run refused =
        b.with(
                Map.of(
                    "LATCHKEY_POSTURE",
                    "storage-encrypted=yes,rooted=yes,notifications=yes",
                    "LATCHKEY_CODE",
                    codes.get(0)))
            .run("restore", "--server", baseUrl(), "--user", alice.username());
    assertThat(refused.exit()).as(refused.all()).isNotZero();
    assertThat(refused.out()).contains("Restored 7 accounts and 1 push device");
    assertThat(refused.err())
        .contains("was not re-bound")
        .contains("device_not_compliant")
        .contains("The accounts were restored")
        .contains("--merge");
    assertThat(b.run("codes").out()).isEqualTo(a.run("codes").out());

    // The old key still answers: nothing moved.
    JsonNode first = api.createChallenge(token, alice.username());
    ok(a.run("approve", first.path("challengeId").asString(), "--number", number(first)));
    assertThat(api.challengeStatus(token, first.path("challengeId").asString(), 0))
        .isEqualTo("approved");

    // With a posture the policy accepts, a retry with --merge moves the device it restored.
    Phone.Run retried = restore(b, alice, "--merge");
    assertThat(retried.exit()).as(retried.all()).isZero();
    assertThat(retried.out())
        .contains("Restored 0 accounts and 0 push devices")
        .contains("now answers on this phone");

    JsonNode second = api.createChallenge(token, alice.username());
    String secondId = second.path("challengeId").asString();
    Phone.Run old = a.run("approve", secondId, "--number", number(second));
    assertThat(old.exit()).isNotZero();
    assertThat(old.all()).contains("unauthorized");
    ok(b.run("approve", secondId, "--number", number(second)));
    assertThat(api.challengeStatus(token, secondId, 0)).isEqualTo("approved");
    JsonNode rejected =
        api.adminGet(
                "/api/v1/admin/audit?type=push_device.rebind_rejected&username=" + alice.username())
            .json()
            .path("events");
    assertThat(rejected.size()).isEqualTo(1);
  }

  @Test
  void theServerStoresNoSecretOfTheBackupInAnyForm() throws IOException {
    Phone a = phone();
    PushAndTotpUser alice = phoneWithEverything(a, newUsername("opaque"));
    assertThat(backup(a, alice).exit()).isZero();

    byte[] stored =
        jdbc.sql(
                "SELECT content FROM cloud_backups WHERE user_id = (SELECT id FROM users WHERE"
                    + " username = :u)")
            .param("u", alice.username())
            .query(byte[].class)
            .single();
    Map<String, byte[]> forbidden = new LinkedHashMap<>();
    addSpellings(forbidden, "the Latchkey account", alice.totpSecret());
    OTHERS.keySet().forEach(secret -> addSpellings(forbidden, "an account", secret));
    Phone.DeviceKey device = a.deviceKey();
    byte[] privateKey = device.key().getEncoded();
    forbidden.put("the device key (raw)", privateKey);
    forbidden.put(
        "the device key (Base64)",
        ascii(Base64.getEncoder().encodeToString(privateKey).substring(0, 40)));
    forbidden.put("an account name", ascii("GitHub"));
    forbidden.put("the device ID", ascii(device.deviceId()));

    assertThat(new String(stored, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("LKBACKUP");
    forbidden.forEach(
        (what, bytes) -> assertThat(indexOf(stored, bytes)).as(what + " in the row").isNegative());

    // And nowhere in the database's files either (the row's bytes are there, encrypted).
    List<String> found = new ArrayList<>();
    boolean sawTheBlob = false;
    byte[] blobPart = java.util.Arrays.copyOfRange(stored, stored.length - 32, stored.length);
    for (Map.Entry<Path, byte[]> entryOfFile : DatabaseFiles.contents(jdbc).entrySet()) {
      Path file = entryOfFile.getKey();
      byte[] content = entryOfFile.getValue();
      sawTheBlob |= indexOf(content, blobPart) >= 0;
      for (var entry : forbidden.entrySet()) {
        if (!entry.getKey().equals("an account name")
            && !entry.getKey().equals("the device ID")
            && indexOf(content, entry.getValue()) >= 0) {
          found.add(entry.getKey() + " in " + file.getFileName());
        }
      }
    }
    assertThat(sawTheBlob).as("the backup's bytes reached the files").isTrue();
    assertThat(found).isEmpty();
  }

  @Test
  void aStaleUploadFromTheOldPhoneAfterTheNewOneBackedUpIsRefused() throws IOException {
    Phone a = phone();
    PushAndTotpUser alice = phoneWithEverything(a, newUsername("stale"));
    assertThat(backup(a, alice).exit()).isZero();
    Phone b = phone();
    assertThat(restore(b, alice).exit()).isZero();
    ok(
        b.run(
            "add",
            "otpauth://totp/New:alice?secret=" + Secret.generate(new SecureRandom()).base32()));
    Phone.Run newer = backup(b, alice);
    assertThat(newer.exit()).as(newer.all()).isZero();
    assertThat(newer.out()).contains("version 2");

    Phone.Run stale = backup(a, alice);
    assertThat(stale.exit()).isNotZero();
    assertThat(stale.err())
        .startsWith(
            "The backup on the server changed since this device last backed up; restore or use"
                + " --force after checking.")
        .contains("backup_stale");
    assertThat(storedVersion(alice)).isEqualTo(2);

    Phone.Run forced = backup(a, alice, "--force");
    assertThat(forced.exit()).as(forced.all()).isZero();
    assertThat(storedVersion(alice)).isEqualTo(3);
  }

  @Test
  void aWrongBackupPasswordLeavesAPinLockedVaultByteForByte() throws IOException {
    Phone a = phone();
    PushAndTotpUser alice = phoneWithEverything(a, newUsername("pinned"));
    assertThat(backup(a, alice).exit()).isZero();

    Phone c = phone().with(Map.of("LATCHKEY_PIN", "2468", "LATCHKEY_NEW_PIN", "2468"));
    ok(
        c.run(
            "add",
            "otpauth://totp/Own:carol?secret=" + Secret.generate(new SecureRandom()).base32()));
    ok(c.run("pin", "set"));
    byte[] before = Files.readAllBytes(c.home().resolve("vault.json"));

    Phone.Run refused = restore(c, alice);
    assertThat(refused.exit()).isNotZero();
    assertThat(refused.err()).contains("--merge");
    Phone.Run wrong =
        restore(c.with(Map.of("LATCHKEY_BACKUP_PASSWORD", "guess guess guess")), alice, "--merge");
    assertThat(wrong.exit()).isNotZero();
    assertThat(wrong.err()).startsWith("Cannot decrypt the backup");
    assertThat(Files.readAllBytes(c.home().resolve("vault.json"))).isEqualTo(before);

    Phone.Run merged = restore(c, alice, "--merge");
    assertThat(merged.exit()).as(merged.all()).isZero();
    String vault = Files.readString(c.home().resolve("vault.json"));
    assertThat(vault).contains("\"pin\"").doesNotContain("GitHub");
    assertThat(c.run("list").out()).contains("Own").contains("GitHub").contains("Latchkey");
  }

  private String[] restoreArgs(PushAndTotpUser user) {
    return new String[] {
      "restore", "--server", baseUrl(), "--user", user.username(), "--code", nextCode(user)
    };
  }

  private long storedVersion(PushAndTotpUser user) {
    return jdbc.sql(
            "SELECT version FROM cloud_backups WHERE user_id = (SELECT id FROM users WHERE"
                + " username = :u)")
        .param("u", Username.of(user.username()).value())
        .query(Long.class)
        .single();
  }

  private static String number(JsonNode challenge) {
    return challenge.path("number").asString();
  }

  private static void ok(Phone.Run run) {
    assertThat(run.exit()).as(run.all()).isZero();
  }

  private static void addSpellings(Map<String, byte[]> into, String what, String base32) {
    byte[] raw = Secret.fromBase32(base32).bytes();
    String n = what + " " + base32.substring(0, 4);
    into.put(n + " (raw bytes)", raw);
    into.put(n + " (Base32)", ascii(base32.toUpperCase(Locale.ROOT)));
    into.put(n + " (base32 lower case)", ascii(base32.toLowerCase(Locale.ROOT)));
    into.put(n + " (hex)", ascii(HexFormat.of().formatHex(raw)));
    into.put(n + " (HEX)", ascii(HexFormat.of().withUpperCase().formatHex(raw)));
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
