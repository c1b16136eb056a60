package io.latchkey.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.otp.Secret;
import io.latchkey.server.testing.DatabaseFiles;
import io.latchkey.server.testing.ServerIT;
import io.latchkey.server.testing.WizardClient;
import io.latchkey.server.testing.WizardClient.EnrolledUser;
import io.latchkey.server.testing.WizardClient.Pending;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * TOTP secrets are sealed at rest with a key kept outside the database: the database files never
 * hold a secret in any spelling, and the files that do matter are readable by their owner only.
 */
class SecretsAtRestIT extends ServerIT {
  @Autowired JdbcClient jdbc;

  @Test
  void theDatabaseFileNeverRevealsATotpSecret() throws IOException {
    EnrolledUser registered =
        WizardClient.enrollNewUser(api, newUsername("atrest"), clock.instant());
    String pendingUser = newUsername("atrest-pending");
    api.createUser(pendingUser, "correct horse battery");
    WizardClient browser = new WizardClient(baseUrl());
    browser.signInOrFail(pendingUser, "correct horse battery");
    Pending pending = browser.start(); // shown on the scan page, not yet confirmed

    Map<String, byte[]> forbidden = new LinkedHashMap<>();
    addSpellings(forbidden, "registered secret", registered.secret());
    addSpellings(forbidden, "pending secret", pending.secret());
    List<String> found = new ArrayList<>();
    boolean sawRegisteredUser = false;
    boolean sawPendingUser = false;
    for (Map.Entry<Path, byte[]> file : DatabaseFiles.contents(jdbc).entrySet()) {
      byte[] content = file.getValue();
      forbidden.forEach(
          (what, bytes) -> {
            if (indexOf(content, bytes) >= 0) {
              found.add(what + " in " + file.getKey().getFileName());
            }
          });
      sawRegisteredUser |= indexOf(content, ascii(registered.username())) >= 0;
      sawPendingUser |= indexOf(content, ascii(pendingUser)) >= 0;
    }
    // Control: the rows of both users did reach the files, readable as plain bytes.
    assertThat(sawRegisteredUser).as("the registered user's name is on disk").isTrue();
    assertThat(sawPendingUser).as("the pending user's name is on disk").isTrue();
    assertThat(found).isEmpty();
  }

  @Test
  void theKeyFileAndTheInitialPasswordAreReadableByTheirOwnerOnly() throws IOException {
    assertThat(mode(DATA.resolve("keys/secret-keys"))).isEqualTo("rw-------");
    assertThat(mode(DATA.resolve("initial-admin-password"))).isEqualTo("rw-------");
    assertThat(mode(DATA.resolve("keys"))).isEqualTo("rwx------");
  }

  private static void addSpellings(Map<String, byte[]> into, String what, String base32) {
    byte[] raw = Secret.fromBase32(base32).bytes();
    into.put(what + " (raw bytes)", raw);
    into.put(what + " (Base32)", ascii(base32.toUpperCase(Locale.ROOT)));
    into.put(what + " (base32 lower case)", ascii(base32.toLowerCase(Locale.ROOT)));
    into.put(what + " (hex)", ascii(HexFormat.of().formatHex(raw)));
    into.put(what + " (HEX)", ascii(HexFormat.of().withUpperCase().formatHex(raw)));
  }

  private static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
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
