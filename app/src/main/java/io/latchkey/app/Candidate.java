package io.latchkey.app;

import io.latchkey.core.otp.OtpParameters;
import io.latchkey.core.otp.Secret;
import java.util.Objects;

/**
 * An account found in a file being imported, before it meets the vault.
 *
 * @param issuer the issuer; may be empty
 * @param account the account name; may be empty
 * @param secret the key
 * @param parameters how its codes are made
 * @param source where it came from, for the report (a file name, "a QR code in X")
 */
record Candidate(
    String issuer, String account, Secret secret, OtpParameters parameters, String source) {

  Candidate {
    Objects.requireNonNull(issuer);
    Objects.requireNonNull(account);
    Objects.requireNonNull(secret);
    Objects.requireNonNull(parameters);
    Objects.requireNonNull(source);
  }

  /** "Issuer: account", the account alone, or the issuer alone; empty when both are. */
  String displayName() {
    return displayName(issuer, account);
  }

  static String displayName(String issuer, String account) {
    if (issuer.isEmpty()) {
      return account;
    }
    return account.isEmpty() ? issuer : issuer + ": " + account;
  }

  /** The account in the app, called {@code name}. */
  Account toAccount(String name) {
    return new Account(name, issuer, account, secret, parameters);
  }
}
