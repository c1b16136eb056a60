package io.latchkey.core.cloudbackup;

import io.latchkey.core.user.UserId;
import java.time.Instant;
import java.util.Optional;

/**
 * Storage of one backup per user. Each write is one conditional statement judged by its row count,
 * so two uploads that expect the same version cannot both win, on any number of nodes.
 */
public interface CloudBackupRepository {
  Optional<CloudBackup> find(UserId userId);

  /**
   * Stores the first backup as version 1.
   *
   * @return false if the user already has one
   */
  boolean insertFirst(UserId userId, byte[] content, Instant at);

  /**
   * Replaces version {@code expected} with version {@code expected + 1}, in one conditional update.
   *
   * @return false if the stored version is not {@code expected} (or there is none)
   */
  boolean replaceVersion(UserId userId, long expected, byte[] content, Instant at);

  /**
   * Replaces whatever version there is with the next one.
   *
   * @return the new version; empty if there is no backup
   */
  Optional<Long> replaceAny(UserId userId, byte[] content, Instant at);

  /** The stored version, without the content; empty if there is none. */
  Optional<Long> version(UserId userId);
}
