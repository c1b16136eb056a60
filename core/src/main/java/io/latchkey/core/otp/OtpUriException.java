package io.latchkey.core.otp;

/** An otpauth URI that Latchkey refuses; the message is safe to show (no secret, no URI). */
public class OtpUriException extends IllegalArgumentException {
  public OtpUriException(String message) {
    super(message);
  }
}
