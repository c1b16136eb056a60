package io.latchkey.core.otp;

/** The HMAC hash functions of RFC 6238 §1.2 (SHA-1, SHA-256, SHA-512). */
public enum HashAlgorithm {
  SHA1("HmacSHA1"),
  SHA256("HmacSHA256"),
  SHA512("HmacSHA512");

  /** Longest rejected value repeated in an error message; the rest is cut off. */
  private final String macName;

  HashAlgorithm(String macName) {
    this.macName = macName;
  }

  /** The JCA name of the HMAC, e.g. {@code HmacSHA1}. */
  public String macName() {
    return macName;
  }

  /**
   * Parses {@code SHA1}, {@code sha256}, ... case-insensitively.
   *
   * @throws IllegalArgumentException naming the unsupported value (MD5, SHA3-256, ...)
   */
  public static HashAlgorithm parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("no algorithm given; expected SHA1, SHA256 or SHA512");
    }
    for (HashAlgorithm algorithm : values()) {
      // equalsIgnoreCase compares char by char, so the default locale (Turkish dotless i) plays
      // no part, unlike toUpperCase().
      if (algorithm.name().equalsIgnoreCase(text)) {
        return algorithm;
      }
    }
    throw new IllegalArgumentException(
        "unsupported algorithm '" + Echo.printable(text) + "'; expected SHA1, SHA256 or SHA512");
  }
}
