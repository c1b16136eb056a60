package io.latchkey.app;

import io.latchkey.core.otp.Hotp;
import io.latchkey.core.otp.OtpParameters;
import io.latchkey.core.otp.OtpType;
import io.latchkey.core.otp.Secret;
import io.latchkey.core.otp.Totp;
import java.time.Instant;
import java.util.Objects;

/**
 * One entry of the app: what the user calls it, whom it belongs to, and how its codes are made.
 * {@link #toString()} shows the secret's fingerprint only (see {@link Secret#toString()}).
 *
 * @param name the display name the user picks the entry by; unique within a vault
 * @param issuer the issuer used for matching duplicates; may be empty
 * @param account the account part of the label; may be empty
 * @param secret the shared key
 * @param parameters type, algorithm, digits, period, and for HOTP the counter of the next code
 */
record Account(
    String name, String issuer, String account, Secret secret, OtpParameters parameters) {

  Account {
    Objects.requireNonNull(name);
    Objects.requireNonNull(issuer);
    Objects.requireNonNull(account);
    Objects.requireNonNull(secret);
    Objects.requireNonNull(parameters);
  }

  boolean isHotp() {
    return parameters.type() == OtpType.HOTP;
  }

  /** The TOTP code at {@code at}, or the HOTP code for the stored counter. */
  String code(Instant at) {
    if (isHotp()) {
      return Hotp.generate(
          secret, parameters.algorithm(), parameters.digits(), parameters.counter());
    }
    return Totp.generate(secret, parameters, at);
  }

  /** This HOTP entry with its counter moved past the code just shown (RFC 4226 §7.2). */
  Account advanced() {
    long next;
    try {
      next = Math.addExact(parameters.counter(), 1);
    } catch (ArithmeticException e) {
      throw new AppException("The counter of \"" + name + "\" cannot go any higher.", e);
    }
    OtpParameters moved = OtpParameters.hotp(parameters.algorithm(), parameters.digits(), next);
    return new Account(name, issuer, account, secret, moved);
  }

  /** Same issuer, account and key: adding it again would only make a confusing twin. */
  boolean sameCredentialAs(Account other) {
    return issuer.equals(other.issuer)
        && account.equals(other.account)
        && secret.equals(other.secret);
  }

  /** "SHA1, 6 digits, every 30 s" or "SHA1, 6 digits, counter 7": never the key. */
  String settings() {
    String tail =
        isHotp() ? "counter " + parameters.counter() : "every " + parameters.periodSeconds() + " s";
    return parameters.algorithm() + ", " + parameters.digits() + " digits, " + tail;
  }
}
