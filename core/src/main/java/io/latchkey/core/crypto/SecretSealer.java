package io.latchkey.core.crypto;

/**
 * Seals secrets at rest and opens them again: what a repository needs from the key ring. {@link
 * SecretCipher} is one with fixed keys; the store's envelope key ring ({@code DataKeys}) reads the
 * current sealing key from the database, so that every node switches when a key is rotated.
 */
public interface SecretSealer {
  /** Seals {@code plaintext} with the current key, bound to {@code associatedData}. */
  Sealed seal(byte[] plaintext, String associatedData);

  /**
   * Opens a value with the key it names.
   *
   * @throws IllegalStateException if the key is unknown or the value was tampered with or belongs
   *     to another row
   */
  byte[] open(Sealed sealed, String associatedData);
}
