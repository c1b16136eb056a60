package io.latchkey.core.otp;

import java.util.List;

/**
 * An {@code otpauth://} Key URI (INTEROP.md §1), parsed by the consumer rules of §1.2 and written
 * by the producer rules of §1.3.
 *
 * @param issuer the issuer used for matching: the {@code issuer} parameter if present, else the
 *     label prefix; empty if neither
 * @param labelIssuer the label prefix as written (may differ from {@code issuer}); empty if none
 * @param account the account part of the label; may be empty
 * @param secret the key
 * @param parameters type, algorithm, digits, period or counter
 * @param warnings plain-language warnings (short secret, prefix and parameter differ); never the
 *     secret
 */
public record OtpAuthUri(
    String issuer,
    String labelIssuer,
    String account,
    Secret secret,
    OtpParameters parameters,
    List<String> warnings) {

  public OtpAuthUri {
    warnings = List.copyOf(warnings);
  }

  /** A URI for a credential the server issues, with no warnings. */
  public static OtpAuthUri of(
      String issuer, String account, Secret secret, OtpParameters parameters) {
    return new OtpAuthUri(issuer, issuer, account, secret, parameters, List.of());
  }

  /**
   * Parses by INTEROP.md §1.2.
   *
   * @throws OtpUriException with a message that says what is wrong and never contains the secret or
   *     the whole URI
   */
  public static OtpAuthUri parse(String uri) {
    return OtpAuthUriParser.parse(uri);
  }

  /**
   * Writes by INTEROP.md §1.3: {@code
   * otpauth://totp/Issuer:account?secret=...&issuer=Issuer&algorithm=SHA1&digits=6&period=30}. HOTP
   * writes {@code counter=N} instead of {@code period}. The issuer goes both into the label prefix
   * (old Google Authenticator reads only that) and into the parameter (Google's Key Uri Format
   * page); with no issuer, the label is the account alone. Every parameter is written, even at its
   * default, so no app has to guess.
   *
   * @throws IllegalStateException if the issuer or account contains a colon: no consumer could
   *     split such a label (INTEROP.md §1.1), so the URI would be refused or misread
   */
  public String toUriString() {
    String issuerText = orEmpty(issuer);
    String accountText = orEmpty(account);
    if (issuerText.indexOf(':') >= 0 || accountText.indexOf(':') >= 0) {
      throw new IllegalStateException(
          "an issuer or account name containing ':' cannot be written into an otpauth label");
    }
    StringBuilder uri = new StringBuilder("otpauth://");
    uri.append(parameters.type() == OtpType.HOTP ? "hotp" : "totp").append('/');
    if (!issuerText.isEmpty()) {
      uri.append(PercentEncoding.encode(issuerText)).append(':');
    }
    uri.append(PercentEncoding.encode(accountText));
    uri.append("?secret=").append(secret.base32());
    if (!issuerText.isEmpty()) {
      uri.append("&issuer=").append(PercentEncoding.encode(issuerText));
    }
    uri.append("&algorithm=").append(parameters.algorithm().name());
    uri.append("&digits=").append(parameters.digits());
    if (parameters.type() == OtpType.HOTP) {
      uri.append("&counter=").append(parameters.counter());
    } else {
      uri.append("&period=").append(parameters.periodSeconds());
    }
    return uri.toString();
  }

  /**
   * "Issuer: account", or the account alone; what an app shows as the entry's name. The label
   * prefix is preferred when it differs from the issuer parameter (INTEROP.md §1.2 rule 7: keep the
   * prefix for display); with no account, the issuer alone.
   */
  public String displayName() {
    String shownIssuer = orEmpty(labelIssuer).isEmpty() ? orEmpty(issuer) : labelIssuer;
    String accountText = orEmpty(account);
    if (shownIssuer.isEmpty()) {
      return accountText;
    }
    return accountText.isEmpty() ? shownIssuer : shownIssuer + ": " + accountText;
  }

  private static String orEmpty(String text) {
    return text == null ? "" : text;
  }

  /** Never the secret. */
  @Override
  public String toString() {
    return "OtpAuthUri[" + displayName() + ", " + parameters + ", " + secret + "]";
  }
}
