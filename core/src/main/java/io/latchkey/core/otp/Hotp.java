package io.latchkey.core.otp;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** RFC 4226 HOTP: HMAC over the 8-byte big-endian counter, dynamic truncation (§5.3). */
public final class Hotp {

  /** 10^digits for 0..8 digits (RFC 4226 §5.3 step 3: Snum mod 10^Digit). */
  private static final int[] POWERS_OF_TEN = {
    1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000
  };

  private Hotp() {}

  /**
   * The code for {@code counter}, left-padded with zeros to {@code digits} ASCII digits. The key is
   * used exactly as given (plain HMAC, RFC 2104): never padded or repeated to the hash length. The
   * counter is a full 64-bit value.
   *
   * <p>A negative {@code counter} stands for the same 64 bits read as unsigned (RFC 4226 §5.1: C is
   * an 8-byte counter), so every one of the 2^64 counter values has a code.
   *
   * @throws IllegalArgumentException if {@code digits} is not 6 to 8
   */
  public static String generate(Secret secret, HashAlgorithm algorithm, int digits, long counter) {
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(algorithm, "algorithm");
    OtpParameters.checkDigits(digits);
    int value = dynamicTruncation(hmac(secret, algorithm, counter)) % POWERS_OF_TEN[digits];
    return zeroPadded(value, digits);
  }

  /** HS = HMAC(K, C) of RFC 4226 §5.3 step 1, with C as 8 bytes, big-endian (§5.1). */
  static byte[] hmac(Secret secret, HashAlgorithm algorithm, long counter) {
    byte[] message = new byte[8];
    for (int i = 7; i >= 0; i--) {
      message[i] = (byte) counter;
      counter >>>= 8;
    }
    byte[] key = secret.bytes();
    try {
      Mac mac = Mac.getInstance(algorithm.macName());
      mac.init(new SecretKeySpec(key, algorithm.macName()));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      // The JDK's SunJCE provider has all three HMACs and any key length is valid for HMAC, so
      // this means a broken runtime, not bad input.
      throw new IllegalStateException(algorithm.macName() + " is not available", e);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /**
   * DT of RFC 4226 §5.3 step 2 (and §5.4): the low 4 bits of the last byte give an offset; the 4
   * bytes there, with the top bit cleared, are a 31-bit number. RFC 6238 §1.2 keeps the same rule
   * for the longer SHA-256 and SHA-512 outputs.
   */
  static int dynamicTruncation(byte[] hmac) {
    int offset = hmac[hmac.length - 1] & 0x0f;
    return ((hmac[offset] & 0x7f) << 24)
        | ((hmac[offset + 1] & 0xff) << 16)
        | ((hmac[offset + 2] & 0xff) << 8)
        | (hmac[offset + 3] & 0xff);
  }

  /**
   * Built by hand: {@code String.format("%06d")} writes the default locale's digits (Thai, Arabic-
   * Indic, ...), and a code must be ASCII to match what the user's app shows.
   */
  private static String zeroPadded(int value, int digits) {
    char[] out = new char[digits];
    for (int i = digits - 1; i >= 0; i--) {
      out[i] = (char) ('0' + value % 10);
      value /= 10;
    }
    return new String(out);
  }
}
