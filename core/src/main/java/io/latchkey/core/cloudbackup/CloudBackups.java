package io.latchkey.core.cloudbackup;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.tx.Transactions;
import io.latchkey.core.user.User;
import io.latchkey.core.verification.Lockout;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * The app's encrypted backup, one per user: stored as opaque bytes with a version, never parsed or
 * decrypted here (the key is derived on the device from a password the server never sees). An
 * upload names the version it replaces (or that there is none yet), so a device that has not seen
 * the latest backup cannot overwrite it. Every upload, download and refusal is audited, by size and
 * version only.
 */
public final class CloudBackups {
  private final CloudBackupRepository backups;
  private final Transactions transactions;
  private final AuditLog audit;
  private final Clock clock;
  private final int maxBytes;

  /**
   * @param maxBytes the largest backup accepted ({@code payload_too_large} above)
   */
  public CloudBackups(
      CloudBackupRepository backups,
      Transactions transactions,
      AuditLog audit,
      Clock clock,
      int maxBytes) {
    if (maxBytes < 1024) {
      throw new IllegalArgumentException("a backup may have at least 1 KiB");
    }
    this.backups = backups;
    this.transactions = transactions;
    this.audit = audit;
    this.clock = clock;
    this.maxBytes = maxBytes;
  }

  public int maxBytes() {
    return maxBytes;
  }

  /**
   * The user's backup.
   *
   * @throws LatchkeyException {@code not_found} when there is none
   */
  public CloudBackup download(User user, RequestContext context) {
    Lockout.requireActive(user);
    CloudBackup backup =
        backups
            .find(user.id())
            .orElseThrow(
                () -> new LatchkeyException(ErrorCode.NOT_FOUND, "the user has no backup"));
    audit.record(
        event(AuditEventType.BACKUP_DOWNLOADED, user, context)
            .detail(
                "backup version " + backup.version() + " (" + backup.content().length + " bytes)")
            .build());
    return backup;
  }

  /**
   * Stores a new version if {@code expected} holds.
   *
   * @return the new version
   * @throws LatchkeyException {@code backup_stale} when the stored version is not the expected one
   *     (audited as {@code backup.rejected}), {@code payload_too_large}, {@code bad_request} for an
   *     empty backup
   */
  public long upload(User user, Precondition expected, byte[] content, RequestContext context) {
    Lockout.requireActive(user);
    if (content.length == 0) {
      throw reject(user, context, ErrorCode.BAD_REQUEST, "an empty backup was sent");
    }
    if (content.length > maxBytes) {
      throw reject(
          user,
          context,
          ErrorCode.PAYLOAD_TOO_LARGE,
          "a backup of " + content.length + " bytes was sent; at most " + maxBytes + " are kept");
    }
    Instant now = clock.instant();
    try {
      return transactions.inTransaction(
          () -> {
            long version = write(user, expected, content, now);
            audit.record(
                event(AuditEventType.BACKUP_UPLOADED, user, context)
                    .detail(
                        "backup version "
                            + version
                            + " stored ("
                            + content.length
                            + " bytes, replacing "
                            + describe(expected)
                            + ")")
                    .build());
            return version;
          });
    } catch (StaleUpload e) {
      // The transaction is over (rolled back): the refusal is recorded on its own.
      Optional<Long> stored = backups.version(user.id());
      throw reject(
          user,
          context,
          ErrorCode.BACKUP_STALE,
          "the upload expected "
              + describe(expected)
              + " but the server holds "
              + stored.map(v -> "version " + v).orElse("no backup"));
    }
  }

  private long write(User user, Precondition expected, byte[] content, Instant now) {
    return switch (expected) {
      case Precondition.NoneYet none -> {
        if (!backups.insertFirst(user.id(), content, now)) {
          throw new StaleUpload();
        }
        yield 1L;
      }
      case Precondition.Version v -> {
        if (!backups.replaceVersion(user.id(), v.version(), content, now)) {
          throw new StaleUpload();
        }
        yield v.version() + 1;
      }
      case Precondition.AnyVersion any ->
          backups.replaceAny(user.id(), content, now).orElseThrow(StaleUpload::new);
    };
  }

  private static String describe(Precondition expected) {
    return switch (expected) {
      case Precondition.NoneYet none -> "no backup";
      case Precondition.Version v -> "version " + v.version();
      case Precondition.AnyVersion any -> "any version";
    };
  }

  private LatchkeyException reject(
      User user, RequestContext context, ErrorCode code, String detail) {
    audit.record(
        event(AuditEventType.BACKUP_REJECTED, user, context)
            .failure(code.code())
            .detail(detail)
            .build());
    return new LatchkeyException(code, detail);
  }

  private AuditEvent.Builder event(AuditEventType type, User user, RequestContext context) {
    return AuditEvent.of(type, context, clock.instant()).user(user.id(), user.username().value());
  }

  /** Thrown inside the transaction so it rolls back; turned into {@code backup_stale} outside. */
  private static final class StaleUpload extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StaleUpload() {
      super("stale upload", null, false, false);
    }
  }
}
