package io.latchkey.core.otp;

/** Counter-based (RFC 4226) or time-based (RFC 6238) one-time passwords. */
public enum OtpType {
  HOTP,
  TOTP
}
