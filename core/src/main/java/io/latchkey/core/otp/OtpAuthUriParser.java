package io.latchkey.core.otp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The consumer rules of INTEROP.md §1.2, one method per rule. Every refusal is an {@link
 * OtpUriException} whose message names the part that is wrong in plain words and never repeats the
 * secret or the URI (rule 8): URIs are secrets (draft-linuxgemini-otpauth-uri-02).
 */
final class OtpAuthUriParser {

  /**
   * Longest URI read. A QR code holds at most 4,296 characters (ISO/IEC 18004, version 40-L,
   * alphanumeric), so anything longer did not come from one; the cap bounds the work done on
   * hostile input.
   */
  static final int MAX_LENGTH = 8192;

  private static final String SCHEME = "otpauth://";

  /** The parameter names rule 3 matches case-insensitively; stored here in lower case. */
  private static final Set<String> KNOWN =
      Set.of("secret", "issuer", "algorithm", "digits", "period", "counter");

  /** KeePassXC marks Steam entries with {@code encoder=steam} on a {@code totp} URI (§1.5). */
  private static final String ENCODER = "encoder";

  private static final String STEAM_UNSUPPORTED = "Steam codes are not supported";

  /** Longest type name repeated in an error message. */
  private OtpAuthUriParser() {}

  static OtpAuthUri parse(String uri) {
    if (uri == null) {
      throw new OtpUriException("no URI was given");
    }
    if (uri.length() > MAX_LENGTH) {
      throw new OtpUriException(
          "the URI is longer than " + MAX_LENGTH + " characters, more than a QR code can hold");
    }
    // Text read from a QR code or pasted by a person often ends in a newline or space; the WHATWG
    // URL Standard's parser drops them too.
    String text = uri.strip();
    if (!text.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      throw new OtpUriException("this is not an otpauth:// URI");
    }
    if (text.indexOf('#') >= 0) {
      // RFC 3986 §3.5 would cut the URI at '#' and silently drop what follows (often the issuer or
      // the secret); a producer that meant a literal '#' had to write %23.
      throw new OtpUriException("the URI contains '#'; inside a name it must be written as %23");
    }
    String rest = text.substring(SCHEME.length());
    int queryStart = indexOrLength(rest, '?');
    int pathStart = indexOrLength(rest.substring(0, queryStart), '/');
    OtpType type = type(rest.substring(0, pathStart));
    String rawLabel = pathStart < queryStart ? rest.substring(pathStart + 1, queryStart) : "";
    String rawQuery = queryStart < rest.length() ? rest.substring(queryStart + 1) : "";

    Map<String, String> query = query(rawQuery);
    Label label = label(rawLabel);
    Secret secret = secret(query.get("secret"));
    OtpParameters parameters = parameters(type, query);
    String issuerParameter = issuerParameter(query.get("issuer"));

    List<String> warnings = new ArrayList<>();
    if (secret.length() < Secret.MINIMUM_BYTES) {
      warnings.add(
          "the secret has only "
              + secret.length() * 8
              + " bits; RFC 4226 requires at least 128 and recommends 160");
    }
    // Rule 7: the parameter wins for matching, the prefix stays for display.
    String issuer = issuerParameter.isEmpty() ? label.issuer() : issuerParameter;
    if (!issuerParameter.isEmpty()
        && !label.issuer().isEmpty()
        && !issuerParameter.equals(label.issuer())) {
      warnings.add(
          "the label names the issuer '"
              + label.issuer()
              + "' but the issuer parameter says '"
              + issuerParameter
              + "'; the parameter is used for matching");
    }
    return new OtpAuthUri(issuer, label.issuer(), label.account(), secret, parameters, warnings);
  }

  /** Rule 1: {@code totp} or {@code hotp} in any case; Steam refused by name. */
  private static OtpType type(String raw) {
    return switch (asciiLowerCase(raw)) {
      case "totp" -> OtpType.TOTP;
      case "hotp" -> OtpType.HOTP;
      case "steam" -> throw new OtpUriException(STEAM_UNSUPPORTED);
      case "" -> throw new OtpUriException("the URI names no OTP type; expected totp or hotp");
      default ->
          throw new OtpUriException(
              "the OTP type '" + Echo.printable(raw) + "' is not supported; expected totp or hotp");
    };
  }

  /**
   * Rule 3: pairs split on {@code &}, each at its first {@code =} (padded secrets contain {@code
   * =}); known names matched case-insensitively and refused when repeated. Values of unknown
   * parameters are not decoded: they are ignored, so their encoding is not ours to judge (Ente's
   * {@code codeDisplay} holds JSON).
   *
   * @return decoded values of the known parameters, keyed by lower-case name
   */
  private static Map<String, String> query(String rawQuery) {
    Map<String, String> known = new HashMap<>();
    for (String pair : rawQuery.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String rawName = equals < 0 ? pair : pair.substring(0, equals);
      String rawValue = equals < 0 ? "" : pair.substring(equals + 1);
      String name = asciiLowerCase(PercentEncoding.decode(rawName, true, "a parameter name"));
      if (KNOWN.contains(name)) {
        String value = PercentEncoding.decode(rawValue, true, "the " + name + " parameter");
        if (known.putIfAbsent(name, value) != null) {
          throw new OtpUriException("the " + name + " parameter appears more than once");
        }
      } else if (name.equals(ENCODER)) {
        // Rule 1: ignoring encoder=steam would turn a Steam entry into wrong six-digit codes.
        String value = PercentEncoding.decode(rawValue, true, "the encoder parameter");
        if (asciiLowerCase(value).equals("steam")) {
          throw new OtpUriException(STEAM_UNSUPPORTED);
        }
      }
    }
    return known;
  }

  /**
   * Rule 2: the raw path is split at the first {@code :} or {@code %3A} before decoding, so an
   * encoded colon inside a name cannot move the split; {@code +} is a literal plus here.
   */
  private static Label label(String raw) {
    int colon = raw.indexOf(':');
    int encodedColon = asciiLowerCase(raw).indexOf("%3a");
    int split;
    int accountStart;
    if (colon >= 0 && (encodedColon < 0 || colon < encodedColon)) {
      split = colon;
      accountStart = colon + 1;
    } else if (encodedColon >= 0) {
      split = encodedColon;
      accountStart = encodedColon + 3;
    } else {
      split = -1;
      accountStart = 0;
    }
    String issuer =
        split < 0 ? "" : PercentEncoding.decode(raw.substring(0, split), false, "the label");
    String account = PercentEncoding.decode(raw.substring(accountStart), false, "the label");
    // Google's example "Big%20Corporation%3A%20alice%40bigco.com" puts a space after the colon.
    account = account.replaceFirst("^ +", "");
    requireName(issuer, "the issuer in the label");
    requireName(account, "the account name");
    return new Label(issuer, account);
  }

  /** Rule 4: spaces and dashes removed, upper-cased, padding stripped, then strict Base32. */
  private static Secret secret(String value) {
    if (value == null) {
      throw new OtpUriException("the URI has no secret parameter");
    }
    StringBuilder cleaned = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == ' ' || c == '-') {
        continue;
      }
      // ASCII only: toUpperCase(Locale.ROOT) would turn the dotless 'ı' into a valid 'I'.
      cleaned.append(c >= 'a' && c <= 'z' ? (char) (c - 'a' + 'A') : c);
    }
    int length = cleaned.length();
    while (length > 0 && cleaned.charAt(length - 1) == '=') {
      length--;
    }
    cleaned.setLength(length);
    if (length == 0) {
      throw new OtpUriException("the secret is empty");
    }
    for (int i = 0; i < length; i++) {
      char c = cleaned.charAt(i);
      if (!((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7'))) {
        throw new OtpUriException("the secret contains a character that is not Base32 (A-Z, 2-7)");
      }
    }
    int tail = length % 8;
    if (tail == 1 || tail == 3 || tail == 6) {
      throw new OtpUriException(
          "the secret has "
              + length
              + " Base32 characters, a length no whole number of bytes can have");
    }
    return Secret.fromBase32(cleaned.toString());
  }

  /** Rules 5 and 6: each value checked, then counter ignored for TOTP and period for HOTP. */
  private static OtpParameters parameters(OtpType type, Map<String, String> query) {
    HashAlgorithm algorithm = algorithm(query.get("algorithm"));
    int digits = digits(query.get("digits"));
    if (type == OtpType.TOTP) {
      String period = query.get("period");
      long seconds = period == null ? 30 : decimal("period", period, Integer.MAX_VALUE);
      if (seconds < 1) {
        throw new OtpUriException("the period must be at least 1 second");
      }
      return OtpParameters.totp(algorithm, digits, (int) seconds);
    }
    String counter = query.get("counter");
    if (counter == null) {
      throw new OtpUriException("an hotp URI needs a counter parameter");
    }
    return OtpParameters.hotp(algorithm, digits, decimal("counter", counter, Long.MAX_VALUE));
  }

  private static HashAlgorithm algorithm(String value) {
    if (value == null) {
      return HashAlgorithm.SHA1;
    }
    try {
      return HashAlgorithm.parse(value);
    } catch (IllegalArgumentException e) {
      // HashAlgorithm's message names the rejected value, shortened and made safe to show.
      throw new OtpUriException(e.getMessage());
    }
  }

  /** 7 digits occur with Authy-origin seeds; 5 is Steam's, and 9 or 10 no HOTP peer computes. */
  private static int digits(String value) {
    if (value == null) {
      return 6;
    }
    long digits = decimal("digits", value, Long.MAX_VALUE);
    if (digits < OtpParameters.MIN_DIGITS || digits > OtpParameters.MAX_DIGITS) {
      throw new OtpUriException(
          "codes of " + digits + " digits are not supported; expected 6, 7 or 8");
    }
    return (int) digits;
  }

  /**
   * A decimal of ASCII digits only: {@link Long#parseLong} alone would also take a sign and
   * non-ASCII digits (Arabic-Indic, full-width, ...).
   */
  private static long decimal(String name, String value, long max) {
    if (value.isEmpty()) {
      throw new OtpUriException("the " + name + " parameter is empty");
    }
    boolean negative = value.charAt(0) == '-' && value.length() > 1;
    for (int i = negative ? 1 : 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        throw new OtpUriException("the " + name + " parameter is not a whole number");
      }
    }
    if (negative) {
      throw new OtpUriException("the " + name + " parameter must not be negative");
    }
    String digits = value.replaceFirst("^0+(?=.)", "");
    // Up to 19 digits fit in an unsigned long; compared unsigned, 2^63 and above count as too
    // large.
    if (digits.length() > 19 || Long.compareUnsigned(Long.parseUnsignedLong(digits), max) > 0) {
      throw new OtpUriException("the " + name + " parameter is larger than " + max);
    }
    return Long.parseLong(digits);
  }

  /** Rule 7 and the drafts: an empty {@code issuer=} counts as absent; a colon is refused. */
  private static String issuerParameter(String value) {
    if (value == null) {
      return "";
    }
    requireName(value, "the issuer parameter");
    return value;
  }

  /**
   * Rule 2 and the drafts: no colon after decoding. Control characters are refused too: no real
   * issuer or account has one, and a newline or escape in a name could forge log lines or the
   * display.
   */
  private static void requireName(String name, String what) {
    if (name.indexOf(':') >= 0) {
      throw new OtpUriException(what + " contains a colon, which the label uses as a separator");
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.getType(name.charAt(i)) == Character.CONTROL) {
        throw new OtpUriException(what + " contains a control character");
      }
    }
  }

  private static int indexOrLength(String text, char c) {
    int index = text.indexOf(c);
    return index < 0 ? text.length() : index;
  }

  /**
   * Lower-cases A-Z only. {@link String#toLowerCase} and {@link String#equalsIgnoreCase} also fold
   * non-ASCII letters (the Kelvin sign, dotted capital I, long s) onto ASCII ones, which would let
   * "ſecret" count as "secret".
   */
  private static String asciiLowerCase(String text) {
    char[] chars = text.toCharArray();
    for (int i = 0; i < chars.length; i++) {
      if (chars[i] >= 'A' && chars[i] <= 'Z') {
        chars[i] = (char) (chars[i] - 'A' + 'a');
      }
    }
    return new String(chars);
  }

  /** The two parts of the label after rule 2; either may be empty. */
  private record Label(String issuer, String account) {}
}
