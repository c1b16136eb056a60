package io.latchkey.app;

import io.latchkey.core.otp.OtpAuthUri;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Plain {@code otpauth://} URIs, one per line (INTEROP.md §1), read with the core parser; and the
 * same list written for another app (§1.3).
 */
final class OtpauthList {
  static final String SCHEME = "otpauth://";

  private OtpauthList() {}

  static boolean isOtpauthUri(String text) {
    return text.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
  }

  /** Offers the account of {@code uri}, or refuses it by the name in its label, with the reason. */
  static void read(String uri, String source, ImportFindings into) {
    OtpAuthUri parsed;
    try {
      parsed = OtpAuthUri.parse(uri);
    } catch (IllegalArgumentException e) {
      // OtpUriException's message never holds the secret or the URI (parser rule 8).
      into.refuse(labelOf(uri), source, e.getMessage());
      return;
    }
    Candidate candidate =
        new Candidate(
            parsed.issuer(), parsed.account(), parsed.secret(), parsed.parameters(), source);
    into.offer(candidate);
    for (String warning : parsed.warnings()) {
      // The short-secret warning comes from ImportFindings.offer, with the entry's name.
      if (!warning.startsWith("the secret has only")) {
        into.warn(ImportFindings.shownName(candidate.displayName()) + ": " + warning);
      }
    }
  }

  /** One URI a line, the producer rules of §1.3; accounts no label can carry are named. */
  static String write(List<Account> accounts, Consumer<String> skipped) {
    return accounts.stream()
        .map(account -> uri(account, skipped))
        .filter(uri -> !uri.isEmpty())
        .map(uri -> uri + "\n")
        .collect(Collectors.joining());
  }

  private static String uri(Account account, Consumer<String> skipped) {
    try {
      return OtpAuthUri.of(
              account.issuer(),
              AegisFormat.exportedAccount(account),
              account.secret(),
              account.parameters())
          .toUriString();
    } catch (IllegalStateException e) {
      skipped.accept(
          ImportFindings.shownName(account.name())
              + ": its issuer or account contains ':', which an otpauth:// label cannot hold.");
      return "";
    }
  }

  /**
   * The label of a URI the parser refused, decoded as far as it goes, to name the entry: "Issuer:
   * account". Only the path is read, never the query that holds the secret.
   */
  static String labelOf(String uri) {
    String rest = uri.strip().substring(SCHEME.length());
    int query = rest.indexOf('?');
    String path = query < 0 ? rest : rest.substring(0, query);
    int slash = path.indexOf('/');
    if (slash < 0) {
      return "";
    }
    String label = lenientDecode(path.substring(slash + 1));
    int colon = label.indexOf(':');
    return colon < 0
        ? label.strip()
        : Candidate.displayName(
            label.substring(0, colon).strip(), label.substring(colon + 1).strip());
  }

  private static String lenientDecode(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int high = c == '%' && i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
      int low = high >= 0 ? Character.digit(text.charAt(i + 2), 16) : -1;
      if (low >= 0) {
        out.write(high * 16 + low);
        i += 2;
      } else {
        byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
