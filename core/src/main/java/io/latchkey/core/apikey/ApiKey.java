package io.latchkey.core.apikey;

import java.time.Instant;
import java.util.UUID;

/**
 * A relying application's credential. The token itself is shown once and stored only as its
 * SHA-256: it is 256 random bits, so a fast hash is enough and checking one costs microseconds (a
 * slow KDF is for low-entropy passwords).
 *
 * @param prefix the first characters of the token, to recognise it in lists
 */
public record ApiKey(
    UUID id, String name, String prefix, Instant createdAt, String createdBy, Instant revokedAt) {
  public boolean active() {
    return revokedAt == null;
  }
}
