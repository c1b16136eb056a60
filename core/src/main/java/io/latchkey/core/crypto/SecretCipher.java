package io.latchkey.core.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM for secrets at rest, with a key ring: new values are sealed with the current key, old
 * values open with the key they name, so a key can be rotated without downtime. The associated data
 * binds a ciphertext to its row (e.g. the method ID), so a sealed secret copied to another row does
 * not open. A fresh random 96-bit nonce per seal.
 */
public final class SecretCipher implements SecretSealer {
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final Map<String, SecretKey> keys;
  private final String currentKeyId;
  private final SecureRandom random;

  /**
   * @param keys key ID to 32-byte AES key
   * @param currentKeyId the key that seals new values
   */
  public SecretCipher(Map<String, byte[]> keys, String currentKeyId, SecureRandom random) {
    if (!keys.containsKey(currentKeyId)) {
      throw new IllegalArgumentException("the current key is not in the key ring");
    }
    this.keys =
        keys.entrySet().stream()
            .collect(
                java.util.stream.Collectors.toUnmodifiableMap(
                    Map.Entry::getKey, e -> aesKey(e.getValue())));
    this.currentKeyId = currentKeyId;
    this.random = random;
  }

  private static SecretKey aesKey(byte[] raw) {
    if (raw.length != 32) {
      throw new IllegalArgumentException("an AES-256 key has 32 bytes");
    }
    return new SecretKeySpec(raw, "AES");
  }

  public String currentKeyId() {
    return currentKeyId;
  }

  /**
   * A value derived from the current key, for server-made one-time codes that must be shown again
   * on a reload without being stored: HMAC-SHA256 under a subkey of the current key for {@code
   * purpose}, so derivations for different purposes never collide with each other or with sealing.
   */
  public byte[] derive(String purpose, byte[] input) {
    try {
      javax.crypto.Mac outer = javax.crypto.Mac.getInstance("HmacSHA256");
      outer.init(new SecretKeySpec(keys.get(currentKeyId).getEncoded(), "HmacSHA256"));
      byte[] subkey =
          outer.doFinal(
              ("latchkey-derive-v1:" + purpose).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      javax.crypto.Mac inner = javax.crypto.Mac.getInstance("HmacSHA256");
      inner.init(new SecretKeySpec(subkey, "HmacSHA256"));
      return inner.doFinal(input);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    }
  }

  @Override
  public Sealed seal(byte[] plaintext, String associatedData) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.ENCRYPT_MODE, keys.get(currentKeyId), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(plaintext);
      byte[] blob = new byte[NONCE_BYTES + sealed.length];
      System.arraycopy(nonce, 0, blob, 0, NONCE_BYTES);
      System.arraycopy(sealed, 0, blob, NONCE_BYTES, sealed.length);
      return new Sealed(currentKeyId, blob);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /**
   * @throws IllegalStateException if the key is unknown or the value was tampered with or belongs
   *     to another row
   */
  @Override
  public byte[] open(Sealed sealed, String associatedData) {
    SecretKey key = keys.get(sealed.keyId());
    if (key == null) {
      throw new IllegalStateException("no key '" + sealed.keyId() + "' in the key ring");
    }
    byte[] blob = sealed.blob();
    if (blob.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new IllegalStateException("sealed value too short");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, blob, 0, NONCE_BYTES));
      cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
      return cipher.doFinal(blob, NONCE_BYTES, blob.length - NONCE_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("sealed value does not open (tampered or wrong row)", e);
    }
  }
}
