package io.latchkey.core.cloudbackup;

import io.latchkey.core.user.UserId;
import java.time.Instant;

/**
 * A user's encrypted app backup as the server holds it: opaque bytes (encrypted on the device with
 * a key the server never sees) and a version that grows by one with every upload.
 *
 * @param version 1 for the first upload
 * @param content the bytes as uploaded; never parsed
 * @param updatedAt when this version was uploaded
 */
public record CloudBackup(UserId userId, long version, byte[] content, Instant updatedAt) {
  @Override
  public String toString() {
    return "CloudBackup[user="
        + userId
        + ", version="
        + version
        + ", "
        + content.length
        + " bytes]";
  }
}
