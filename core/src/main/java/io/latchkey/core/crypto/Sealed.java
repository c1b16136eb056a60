package io.latchkey.core.crypto;

/**
 * Bytes encrypted at rest: which key sealed them, and nonce || ciphertext || tag.
 *
 * @param keyId the key-ring entry that sealed the value, so keys can be rotated
 * @param blob 12-byte nonce, then AES-GCM ciphertext with its 16-byte tag
 */
public record Sealed(String keyId, byte[] blob) {
  public Sealed {
    blob = blob.clone();
  }

  @Override
  public byte[] blob() {
    return blob.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Sealed s
        && s.keyId.equals(keyId)
        && java.util.Arrays.equals(s.blob, blob);
  }

  @Override
  public int hashCode() {
    return keyId.hashCode() * 31 + java.util.Arrays.hashCode(blob);
  }

  @Override
  public String toString() {
    return "Sealed[key=" + keyId + ", " + blob.length + " bytes]";
  }
}
