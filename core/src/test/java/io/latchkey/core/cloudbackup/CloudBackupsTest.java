package io.latchkey.core.cloudbackup;

import static io.latchkey.core.testing.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.testing.CoreFixture;
import io.latchkey.core.testing.DirectTransactions;
import io.latchkey.core.testing.Requests;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CloudBackupsTest {
  private final CoreFixture core = new CoreFixture(10);
  private final Backups stored = new Backups();
  private final CloudBackups backups =
      new CloudBackups(stored, new DirectTransactions(), core.audit, core.clock, 4096);
  private final User alice = core.addUser("alice");

  @Test
  void eachUploadNamesWhatItReplacesAndGetsTheNextVersion() {
    assertThat(backups.upload(alice, new Precondition.NoneYet(), bytes("one"), ctx())).isEqualTo(1);
    assertThat(backups.upload(alice, new Precondition.Version(1), bytes("two"), ctx()))
        .isEqualTo(2);
    assertThat(backups.upload(alice, new Precondition.AnyVersion(), bytes("three"), ctx()))
        .isEqualTo(3);
    CloudBackup latest = backups.download(alice, ctx());
    assertThat(latest.version()).isEqualTo(3);
    assertThat(latest.content()).isEqualTo(bytes("three"));
    assertThat(core.audit.ofType(AuditEventType.BACKUP_UPLOADED)).hasSize(3);
    assertThat(core.audit.single(AuditEventType.BACKUP_DOWNLOADED).detail())
        .isEqualTo("backup version 3 (5 bytes)")
        .doesNotContain("three");
  }

  @Test
  void aStaleUploadIsRefusedAndAuditedWithoutItsContent() {
    backups.upload(alice, new Precondition.NoneYet(), bytes("one"), ctx());
    backups.upload(alice, new Precondition.Version(1), bytes("two"), ctx());

    assertRefused(
        () -> backups.upload(alice, new Precondition.Version(1), bytes("secret-ish"), ctx()),
        ErrorCode.BACKUP_STALE);
    assertRefused(
        () -> backups.upload(alice, new Precondition.NoneYet(), bytes("again"), ctx()),
        ErrorCode.BACKUP_STALE);
    assertThat(core.audit.ofType(AuditEventType.BACKUP_REJECTED))
        .hasSize(2)
        .allSatisfy(
            e -> {
              assertThat(e.reason()).isEqualTo("backup_stale");
              assertThat(e.detail()).contains("version 2").doesNotContain("secret-ish");
            });
    assertThat(backups.download(alice, ctx()).content()).isEqualTo(bytes("two"));
  }

  @Test
  void nothingToDownloadEmptyAndOversizeUploadsAndBlockedUsersAreRefused() {
    assertRefused(() -> backups.download(alice, ctx()), ErrorCode.NOT_FOUND);
    assertRefused(
        () -> backups.upload(alice, new Precondition.AnyVersion(), bytes("x"), ctx()),
        ErrorCode.BACKUP_STALE);
    assertRefused(
        () -> backups.upload(alice, new Precondition.NoneYet(), new byte[0], ctx()),
        ErrorCode.BAD_REQUEST);
    assertRefused(
        () -> backups.upload(alice, new Precondition.NoneYet(), new byte[4097], ctx()),
        ErrorCode.PAYLOAD_TOO_LARGE);
    assertThat(backups.upload(alice, new Precondition.NoneYet(), new byte[4096], ctx()))
        .isEqualTo(1);
    core.users.block(alice.id(), "test", core.clock.instant());
    assertRefused(() -> backups.download(core.reload(alice), ctx()), ErrorCode.USER_BLOCKED);
  }

  private static io.latchkey.core.audit.RequestContext ctx() {
    return Requests.by("alice");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static final class Backups implements CloudBackupRepository {
    private final Map<UserId, CloudBackup> rows = new HashMap<>();

    @Override
    public synchronized Optional<CloudBackup> find(UserId userId) {
      return Optional.ofNullable(rows.get(userId));
    }

    @Override
    public synchronized boolean insertFirst(UserId userId, byte[] content, Instant at) {
      return rows.putIfAbsent(userId, new CloudBackup(userId, 1, content, at)) == null;
    }

    @Override
    public synchronized boolean replaceVersion(
        UserId userId, long expected, byte[] content, Instant at) {
      CloudBackup row = rows.get(userId);
      if (row == null || row.version() != expected) {
        return false;
      }
      rows.put(userId, new CloudBackup(userId, expected + 1, content, at));
      return true;
    }

    @Override
    public synchronized Optional<Long> replaceAny(UserId userId, byte[] content, Instant at) {
      CloudBackup row = rows.get(userId);
      if (row == null) {
        return Optional.empty();
      }
      rows.put(userId, new CloudBackup(userId, row.version() + 1, content, at));
      return Optional.of(row.version() + 1);
    }

    @Override
    public synchronized Optional<Long> version(UserId userId) {
      return find(userId).map(CloudBackup::version);
    }
  }
}
