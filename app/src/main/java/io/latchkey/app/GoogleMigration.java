package io.latchkey.app;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.latchkey.core.otp.HashAlgorithm;
import io.latchkey.core.otp.OtpParameters;
import io.latchkey.core.otp.Secret;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Google Authenticator's export, {@code otpauth-migration://offline?data=...} (INTEROP.md §2): the
 * {@code data} is percent-encoded standard Base64 of a protobuf {@code MigrationPayload}, read here
 * field by field with protobuf-java's {@link CodedInputStream} (no generated code; the schema is in
 * §2.2). A large export is split into several QR codes that share a {@code batch_id}; {@link
 * #assemble} joins them and names any part that is missing.
 */
final class GoogleMigration {
  static final String SCHEME = "otpauth-migration://";

  /** Far above the QR code limit (under 3 KB of bytes); bounds the work on a hostile line. */
  private static final int MAX_URI_CHARS = 64 * 1024;

  /** More parts than any export makes (10 accounts a code, {@link ImportFindings#MAX_ENTRIES}). */
  private static final int MAX_BATCH_SIZE = 1_000;

  // MigrationPayload and OtpParameters field numbers (§2.2).
  private static final int PAYLOAD_OTP = 1;
  private static final int PAYLOAD_VERSION = 2;
  private static final int PAYLOAD_BATCH_SIZE = 3;
  private static final int PAYLOAD_BATCH_INDEX = 4;
  private static final int PAYLOAD_BATCH_ID = 5;
  private static final int OTP_SECRET = 1;
  private static final int OTP_NAME = 2;
  private static final int OTP_ISSUER = 3;
  private static final int OTP_ALGORITHM = 4;
  private static final int OTP_DIGITS = 5;
  private static final int OTP_TYPE = 6;
  private static final int OTP_COUNTER = 7;

  private GoogleMigration() {}

  /** One entry as written, enums as their numbers. */
  record RawEntry(
      byte[] secret,
      String name,
      String issuer,
      int algorithm,
      int digits,
      int type,
      long counter) {}

  /**
   * One QR code's payload.
   *
   * @param batchSize how many codes make up the export (at least 1)
   * @param batchIndex this one's 0-based position
   * @param batchId shared by every code of one export; may be negative
   * @param payload the protobuf bytes, to tell a code scanned twice from a clash
   */
  record Part(
      String source,
      int version,
      int batchSize,
      int batchIndex,
      int batchId,
      List<RawEntry> entries,
      byte[] payload) {}

  static boolean isMigrationUri(String text) {
    return text.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
  }

  /**
   * Parses one URI.
   *
   * @throws ImportProblem when it is not a well-formed export
   */
  static Part parse(String uri, String source) {
    if (uri.length() > MAX_URI_CHARS) {
      throw new ImportProblem("a Google Authenticator export line in it is far too long");
    }
    byte[] payload = payload(uri.strip());
    try {
      return decode(payload, source);
    } catch (InvalidProtocolBufferException e) {
      throw corrupt(e);
    }
  }

  /**
   * Joins the parts of every export in {@code parts} and offers their entries to {@code into}. A
   * part scanned twice counts once; missing parts are named by number (INTEROP.md §2.3).
   */
  static void assemble(List<Part> parts, ImportFindings into) {
    Map<Integer, List<Part>> exports =
        parts.stream()
            .collect(Collectors.groupingBy(Part::batchId, LinkedHashMap::new, Collectors.toList()));
    for (List<Part> export : exports.values()) {
      Map<Integer, Part> byIndex = new TreeMap<>();
      int size = export.get(0).batchSize();
      for (Part part : export) {
        if (part.batchSize() != size) {
          throw new ImportProblem(
              "two QR codes of one Google Authenticator export disagree on how many codes it has");
        }
        Part earlier = byIndex.putIfAbsent(part.batchIndex(), part);
        if (earlier != null && !Arrays.equals(earlier.payload(), part.payload())) {
          throw new ImportProblem(
              "two different QR codes both say they are part "
                  + (part.batchIndex() + 1)
                  + " of "
                  + size
                  + " of one Google Authenticator export");
        }
      }
      List<Integer> missing =
          IntStream.range(0, size).filter(i -> !byIndex.containsKey(i)).boxed().toList();
      if (!missing.isEmpty()) {
        String numbers =
            missing.stream().map(i -> Integer.toString(i + 1)).collect(Collectors.joining(", "));
        into.warn(
            "Part "
                + numbers
                + " of "
                + size
                + " of the Google Authenticator export that "
                + Messages.foreign(export.get(0).source())
                + " belongs to "
                + (missing.size() == 1 ? "is" : "are")
                + " missing, so its accounts were not imported; import "
                + (missing.size() == 1 ? "that QR code" : "those QR codes")
                + " too (the other parts were imported)");
      }
      for (Part part : byIndex.values()) {
        for (RawEntry entry : part.entries()) {
          offer(entry, part.source(), into);
        }
      }
    }
    // Parts of two split exports, one of them incomplete, are most likely codes of two exports
    // taken for one (§2.3: report that the parts are from different exports).
    List<List<Part>> split =
        exports.values().stream().filter(e -> e.get(0).batchSize() > 1).toList();
    if (split.size() > 1 && split.stream().anyMatch(GoogleMigration::incomplete)) {
      into.warn(
          "The QR codes come from "
              + split.size()
              + " different Google Authenticator exports (their batch IDs differ)");
    }
  }

  private static boolean incomplete(List<Part> export) {
    int size = export.get(0).batchSize();
    return export.stream().map(Part::batchIndex).distinct().count() < size;
  }

  /** Naming and enum mapping of §2.3; an entry Latchkey cannot compute is refused by name. */
  private static void offer(RawEntry raw, String source, ImportFindings into) {
    String issuer = raw.issuer();
    String account = raw.name();
    if (issuer.isEmpty()) {
      int colon = account.indexOf(':');
      if (colon >= 0) {
        issuer = account.substring(0, colon);
        account = account.substring(colon + 1);
      }
    } else if (account.startsWith(issuer + ":")) {
      account = account.substring(issuer.length() + 1);
    }
    account = account.replaceFirst("^ +", "");
    String name = Candidate.displayName(issuer, account);

    HashAlgorithm algorithm =
        switch (raw.algorithm()) {
          case 0, 1 -> HashAlgorithm.SHA1;
          case 2 -> HashAlgorithm.SHA256;
          case 3 -> HashAlgorithm.SHA512;
          default -> null;
        };
    if (algorithm == null) {
      into.refuse(
          name,
          source,
          raw.algorithm() == 4
              ? "the MD5 algorithm is not supported"
              : "its algorithm has the unknown value " + raw.algorithm());
      return;
    }
    int digits =
        switch (raw.digits()) {
          case 0, 1 -> 6;
          case 2 -> 8;
          default -> 0;
        };
    if (digits == 0) {
      into.refuse(name, source, "its digit count has the unknown value " + raw.digits());
      return;
    }
    if (raw.type() < 0 || raw.type() > 2) {
      into.refuse(name, source, "its OTP type has the unknown value " + raw.type());
      return;
    }
    if (raw.secret().length == 0) {
      into.refuse(name, source, "its secret is empty");
      return;
    }
    OtpParameters parameters;
    if (raw.type() == 1) {
      if (raw.counter() < 0) {
        into.refuse(name, source, "its counter is negative");
        return;
      }
      parameters = OtpParameters.hotp(algorithm, digits, raw.counter());
    } else {
      // The format has no period: every TOTP entry is 30 s (§2.3).
      parameters = OtpParameters.totp(algorithm, digits, 30);
    }
    Secret secret = new Secret(raw.secret());
    Arrays.fill(raw.secret(), (byte) 0);
    into.offer(new Candidate(issuer, account, secret, parameters, source));
  }

  /**
   * §2.3: scheme and host {@code offline}, exactly one {@code data}; RFC 3986 percent-decoding only
   * (a form decoder would turn a raw {@code +} into a space), and any space mapped back to {@code
   * +} as a safeguard; Base64 with or without padding.
   */
  private static byte[] payload(String uri) {
    String rest = uri.substring(SCHEME.length());
    int query = rest.indexOf('?');
    String host = query < 0 ? rest : rest.substring(0, query);
    if (!host.toLowerCase(Locale.ROOT).equals("offline")) {
      throw new ImportProblem("a Google Authenticator export in it has an unknown form");
    }
    String data = null;
    for (String pair : query < 0 ? new String[0] : rest.substring(query + 1).split("&")) {
      if (pair.regionMatches(true, 0, "data=", 0, 5)) {
        if (data != null) {
          throw new ImportProblem("a Google Authenticator export in it has two data parameters");
        }
        data = pair.substring(5);
      }
    }
    if (data == null || data.isEmpty()) {
      throw new ImportProblem("a Google Authenticator export in it has no data");
    }
    String base64 = percentDecode(data).replace(' ', '+');
    int padding = (4 - base64.length() % 4) % 4;
    if (padding == 3) {
      throw corrupt(null);
    }
    if (!base64.endsWith("=")) {
      base64 += "=".repeat(padding);
    }
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw corrupt(e);
    }
  }

  private static String percentDecode(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%') {
        int high = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
        int low = i + 2 < text.length() ? Character.digit(text.charAt(i + 2), 16) : -1;
        if (high < 0 || low < 0) {
          throw corrupt(null);
        }
        out.write(high * 16 + low);
        i += 2;
      } else if (c > 0x7f) {
        throw corrupt(null);
      } else {
        out.write(c);
      }
    }
    return out.toString(StandardCharsets.US_ASCII);
  }

  private static Part decode(byte[] payload, String source) throws InvalidProtocolBufferException {
    CodedInputStream in = CodedInputStream.newInstance(payload);
    List<RawEntry> entries = new ArrayList<>();
    int version = 0;
    int batchSize = 0;
    int batchIndex = 0;
    int batchId = 0;
    try {
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        switch (WireFormat.getTagFieldNumber(tag)) {
          case PAYLOAD_OTP -> {
            expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            if (entries.size() >= ImportFindings.MAX_ENTRIES) {
              throw new ImportProblem("it holds more entries than Latchkey imports at once");
            }
            entries.add(entry(in.readBytes()));
          }
          case PAYLOAD_VERSION -> version = varint32(in, tag);
          case PAYLOAD_BATCH_SIZE -> batchSize = varint32(in, tag);
          case PAYLOAD_BATCH_INDEX -> batchIndex = varint32(in, tag);
          case PAYLOAD_BATCH_ID -> batchId = varint32(in, tag);
          default -> in.skipField(tag);
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      throw new InvalidProtocolBufferException(e);
    }
    int size = Math.max(batchSize, 1);
    if (size > MAX_BATCH_SIZE || batchIndex < 0 || batchIndex >= size) {
      throw corrupt(null);
    }
    return new Part(source, version, size, batchIndex, batchId, entries, payload);
  }

  private static RawEntry entry(ByteString bytes) throws IOException {
    CodedInputStream in = bytes.newCodedInput();
    byte[] secret = new byte[0];
    String name = "";
    String issuer = "";
    int algorithm = 0;
    int digits = 0;
    int type = 0;
    long counter = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case OTP_SECRET -> {
          expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED);
          secret = in.readByteArray();
        }
        case OTP_NAME -> {
          expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED);
          name = in.readStringRequireUtf8();
        }
        case OTP_ISSUER -> {
          expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED);
          issuer = in.readStringRequireUtf8();
        }
        case OTP_ALGORITHM -> algorithm = varint32(in, tag);
        case OTP_DIGITS -> digits = varint32(in, tag);
        case OTP_TYPE -> type = varint32(in, tag);
        case OTP_COUNTER -> {
          expect(tag, WireFormat.WIRETYPE_VARINT);
          counter = in.readInt64();
        }
        default -> in.skipField(tag);
      }
    }
    return new RawEntry(secret, name, issuer, algorithm, digits, type, counter);
  }

  private static int varint32(CodedInputStream in, int tag) throws IOException {
    expect(tag, WireFormat.WIRETYPE_VARINT);
    return in.readInt32();
  }

  /** A known field with the wrong wire type is a corrupt payload, not a field to guess at. */
  private static void expect(int tag, int wireType) throws InvalidProtocolBufferException {
    if (WireFormat.getTagWireType(tag) != wireType) {
      throw new InvalidProtocolBufferException("a field has the wrong wire type");
    }
  }

  private static ImportProblem corrupt(Exception cause) {
    return new ImportProblem(
        "the Google Authenticator export is corrupt (its data is cut short or malformed)", cause);
  }
}
