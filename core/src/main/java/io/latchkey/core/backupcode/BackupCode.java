package io.latchkey.core.backupcode;

import io.latchkey.core.user.UserId;
import java.time.Instant;
import java.util.UUID;

/**
 * One stored backup code: never the code, only its slow salted hash (SECURITY-TESTS E1).
 *
 * @param setId the set it was issued in; issuing a new set deletes the old one
 * @param hash a PHC string (Argon2id with a per-code salt)
 * @param usedAt when it was spent; null while unused
 */
public record BackupCode(
    UUID id, UserId userId, UUID setId, String hash, Instant createdAt, Instant usedAt) {

  public boolean used() {
    return usedAt != null;
  }

  /** Never prints the hash. */
  @Override
  public String toString() {
    return "BackupCode[" + id + ", set " + setId + (used() ? ", used " + usedAt : "") + "]";
  }
}
