package io.latchkey.app;

/**
 * How the vault key is derived from the PIN and wrapped, as stored in the vault file. Holds no
 * secret: the salt and nonce are public, and the wrapped key is useless without the PIN.
 *
 * @param kdf always {@code argon2id}
 * @param argon2Version 19 (0x13), Argon2 version 1.3
 * @param memoryKib Argon2 memory in KiB
 * @param iterations Argon2 passes
 * @param parallelism Argon2 lanes
 * @param salt 16 random bytes, Base64
 * @param keyNonce the AES-GCM nonce of the wrapped key, Base64
 * @param wrappedKey the vault key encrypted with the PIN key, with its tag, Base64
 */
record PinHeader(
    String kdf,
    int argon2Version,
    int memoryKib,
    int iterations,
    int parallelism,
    String salt,
    String keyNonce,
    String wrappedKey) {

  PinHeader withWrappedKey(String wrapped) {
    return new PinHeader(
        kdf, argon2Version, memoryKib, iterations, parallelism, salt, keyNonce, wrapped);
  }
}
