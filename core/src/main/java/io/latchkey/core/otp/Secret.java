package io.latchkey.core.otp;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The shared key of an OTP credential. Never a {@code String}; {@link #toString()} shows only the
 * length and a short fingerprint, so a secret in a log line or exception leaks nothing. Immutable:
 * the constructor and {@link #bytes()} copy.
 */
public final class Secret {

  /** RFC 4226 §4 R6 recommends 160 bits; Latchkey issues 20 bytes. */
  public static final int ISSUED_BYTES = 20;

  /** RFC 4226 §4 R6: at least 128 bits. */
  public static final int MINIMUM_BYTES = 16;

  /** Hex digits of the SHA-256 shown by {@link #fingerprint()}. */
  private static final int FINGERPRINT_BYTES = 4;

  private final byte[] bytes;

  /** The first bytes of SHA-256 over the key; serves both the fingerprint and the hash code. */
  private final byte[] digestPrefix;

  /**
   * Copies {@code bytes}. Keys shorter than {@link #MINIMUM_BYTES} are accepted because existing
   * accounts use them (Google's example key has 10 bytes); whoever imports one warns about it.
   *
   * @throws IllegalArgumentException if {@code bytes} is empty: HMAC needs a key
   */
  public Secret(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length == 0) {
      throw new IllegalArgumentException("a secret must not be empty");
    }
    this.bytes = bytes.clone();
    this.digestPrefix = Arrays.copyOf(sha256(this.bytes), FINGERPRINT_BYTES);
  }

  /** A fresh secret of {@link #ISSUED_BYTES} bytes from the given CSPRNG. */
  public static Secret generate(SecureRandom random) {
    Objects.requireNonNull(random, "random");
    byte[] fresh = new byte[ISSUED_BYTES];
    random.nextBytes(fresh);
    try {
      return new Secret(fresh);
    } finally {
      Arrays.fill(fresh, (byte) 0);
    }
  }

  /** Decodes Base32 (case-insensitive, padding optional). */
  public static Secret fromBase32(String base32) {
    byte[] decoded = Base32.decode(base32);
    try {
      return new Secret(decoded);
    } finally {
      Arrays.fill(decoded, (byte) 0);
    }
  }

  /** A copy of the key bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  public int length() {
    return bytes.length;
  }

  /** Upper-case, unpadded Base32 (RFC 4648 §6), as otpauth URIs carry it. */
  public String base32() {
    return Base32.encode(bytes);
  }

  /** First 8 hex digits of SHA-256 over the key: enough to tell two keys apart, nothing more. */
  public String fingerprint() {
    return HexFormat.of().formatHex(digestPrefix);
  }

  /** Constant-time comparison of the key bytes. */
  @Override
  public boolean equals(Object other) {
    return other instanceof Secret that && MessageDigest.isEqual(bytes, that.bytes);
  }

  /** Derived from the fingerprint, not the key bytes, so it reveals no more than toString. */
  @Override
  public int hashCode() {
    return ((digestPrefix[0] & 0xff) << 24)
        | ((digestPrefix[1] & 0xff) << 16)
        | ((digestPrefix[2] & 0xff) << 8)
        | (digestPrefix[3] & 0xff);
  }

  /** {@code Secret[160 bits, fp=1a2b3c4d]}: never the bytes. */
  @Override
  public String toString() {
    return "Secret[" + bytes.length * 8 + " bits, fp=" + fingerprint() + "]";
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must provide SHA-256 (MessageDigest Javadoc).
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
