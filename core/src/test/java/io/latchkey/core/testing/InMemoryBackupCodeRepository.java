package io.latchkey.core.testing;

import io.latchkey.core.backupcode.BackupCode;
import io.latchkey.core.backupcode.BackupCodeRepository;
import io.latchkey.core.user.UserId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Backup codes in memory; each call is atomic, like the conditional statements of the store. */
public final class InMemoryBackupCodeRepository implements BackupCodeRepository {
  private final List<BackupCode> codes = new ArrayList<>();

  @Override
  public synchronized List<BackupCode> listByUser(UserId userId) {
    return codes.stream().filter(c -> c.userId().equals(userId)).toList();
  }

  @Override
  public synchronized void replaceAll(UserId userId, List<BackupCode> replacement) {
    codes.removeIf(c -> c.userId().equals(userId));
    codes.addAll(replacement);
  }

  @Override
  public synchronized boolean markUsedIfUnused(UUID codeId, Instant at) {
    for (int i = 0; i < codes.size(); i++) {
      BackupCode c = codes.get(i);
      if (c.id().equals(codeId) && !c.used()) {
        codes.set(i, new BackupCode(c.id(), c.userId(), c.setId(), c.hash(), c.createdAt(), at));
        return true;
      }
    }
    return false;
  }

  @Override
  public synchronized int deleteAllForUser(UserId userId) {
    int before = codes.size();
    codes.removeIf(c -> c.userId().equals(userId));
    return before - codes.size();
  }

  /** Every stored hash, for tests that look at what is kept. */
  public synchronized List<String> storedHashes() {
    return codes.stream().map(BackupCode::hash).toList();
  }
}
