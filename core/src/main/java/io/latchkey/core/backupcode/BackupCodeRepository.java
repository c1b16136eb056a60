package io.latchkey.core.backupcode;

import io.latchkey.core.user.UserId;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Storage of backup-code hashes. */
public interface BackupCodeRepository {

  /** The user's current set, used codes included (empty when none was issued). */
  List<BackupCode> listByUser(UserId userId);

  /**
   * Replaces the user's set: deletes every code of theirs, then inserts {@code codes}. Callers run
   * it in one transaction, so no moment exists where old and new codes both work, and a code being
   * spent concurrently either wins before the replacement or finds its row gone (SECURITY-TESTS
   * C5).
   */
  void replaceAll(UserId userId, List<BackupCode> codes);

  /**
   * Spends a code: {@code UPDATE ... SET used_at WHERE id = ? AND used_at IS NULL}, one conditional
   * statement, so of any number of racing requests with the same code exactly one gets true.
   */
  boolean markUsedIfUnused(UUID codeId, Instant at);

  /** Removes every code of the user (a reset of their MFA); returns how many. */
  int deleteAllForUser(UserId userId);
}
