package io.latchkey.app;

import io.latchkey.core.otp.HashAlgorithm;
import io.latchkey.core.otp.OtpParameters;
import io.latchkey.core.otp.Secret;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import javax.crypto.AEADBadTagException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Aegis vault file (INTEROP.md §3; Aegis's {@code docs/vault.md}): read, plain or encrypted
 * with password slots, and written, plain or with one password slot.
 *
 * <pre>
 * {"version": 1, "header": {"slots": null, "params": null}, "db": {"version": 3, "entries": [...]}}
 * {"version": 1, "header": {"slots": [...], "params": {"nonce", "tag"}}, "db": "Base64"}
 * </pre>
 *
 * Only TOTP and HOTP entries become accounts; Steam, mOTP, Yandex, MD5 and any other entry Latchkey
 * cannot compute is refused by name. Notes, icons, groups and favourites have no place in the app.
 */
final class AegisFormat {
  static final int FILE_VERSION = 1;
  static final int CONTENT_VERSION = 3;

  private static final int PASSWORD_SLOT = 1;

  /** More slots than any vault has; each password slot costs one scrypt run. */
  private static final int MAX_SLOTS = 16;

  private static final Map<String, String> UNSUPPORTED_TYPES =
      Map.of(
          "steam", "Steam codes are not supported",
          "motp", "mOTP codes are not supported",
          "yandex", "Yandex codes are not supported");

  /** Repeated keys are refused: two different secrets for one entry would be a guess. */
  private static final JsonMapper READER =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private static final JsonMapper PRETTY =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
  private static final JsonMapper COMPACT = JsonMapper.builder().build();
  private static final HexFormat HEX = HexFormat.of();

  private AegisFormat() {}

  /** The JSON document in {@code bytes}. */
  static JsonNode parse(byte[] bytes) {
    try {
      JsonNode root = READER.readTree(bytes);
      if (root == null || root.isMissingNode()) {
        throw new ImportProblem("the file is empty");
      }
      return root;
    } catch (JacksonException e) {
      // Never e.getMessage(): Jackson quotes the input, which may hold a key.
      throw new ImportProblem("the file is damaged (it is not valid JSON)", e);
    }
  }

  /** True for the outer object of an Aegis vault file. */
  static boolean isVault(JsonNode root) {
    return root.isObject() && root.has("header") && root.has("db") && root.has("version");
  }

  /**
   * Reads the vault's entries into {@code into}.
   *
   * @param password asked only when the vault is encrypted
   * @throws ImportProblem when the file cannot be read at all
   */
  static void read(JsonNode root, String source, Supplier<char[]> password, ImportFindings into) {
    int version = integer(root.get("version"), "the vault file version");
    if (version != FILE_VERSION) {
      throw new ImportProblem(
          "it is an Aegis vault of file version " + version + ", which Latchkey cannot read");
    }
    JsonNode header = root.get("header");
    if (header == null || !header.isObject()) {
      throw new ImportProblem("the file is damaged (its header is missing)");
    }
    JsonNode slots = header.get("slots");
    JsonNode content;
    if (slots == null || slots.isNull()) {
      content = root.get("db");
      if (content == null || !content.isObject()) {
        throw new ImportProblem("the file is damaged (a plain vault needs its entries in \"db\")");
      }
    } else {
      byte[] plaintext = decrypt(root, slots, header.get("params"), password, into);
      try {
        content = parse(plaintext);
      } finally {
        Arrays.fill(plaintext, (byte) 0);
      }
    }
    readContent(content, source, into);
  }

  /**
   * Writes {@code accounts} as a vault: plain when {@code password} is null, else with one password
   * slot (scrypt at Latchkey's settings) and a fresh master key, salt and nonces.
   */
  static byte[] write(List<Account> accounts, char[] password) {
    ObjectNode content = COMPACT.createObjectNode();
    content.put("version", CONTENT_VERSION);
    ArrayNode entries = content.putArray("entries");
    for (Account account : accounts) {
      entries.add(entry(account));
    }
    content.putArray("groups");

    ObjectNode file = PRETTY.createObjectNode();
    file.put("version", FILE_VERSION);
    ObjectNode header = file.putObject("header");
    if (password == null) {
      header.putNull("slots");
      header.putNull("params");
      file.set("db", content);
      return PRETTY.writeValueAsBytes(file);
    }
    byte[] masterKey = AegisCrypto.random(AegisCrypto.KEY_BYTES);
    byte[] plaintext = COMPACT.writeValueAsBytes(content);
    try {
      header.putArray("slots").add(passwordSlot(masterKey, password));
      AegisCrypto.Sealed db = AegisCrypto.seal(masterKey, plaintext);
      ObjectNode params = header.putObject("params");
      params.put("nonce", HEX.formatHex(db.nonce()));
      params.put("tag", HEX.formatHex(db.tag()));
      file.put("db", Base64.getEncoder().encodeToString(db.ciphertext()));
      return PRETTY.writeValueAsBytes(file);
    } finally {
      Arrays.fill(masterKey, (byte) 0);
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  /**
   * INTEROP.md §3.2: every password slot is tried. None opening means a wrong password; a slot that
   * opens while the content fails its tag means a damaged file. Other slot types (raw keys, the
   * phone's biometric key) cannot be opened here and are skipped.
   */
  private static byte[] decrypt(
      JsonNode root, JsonNode slots, JsonNode params, Supplier<char[]> password, ImportFindings f) {
    if (!slots.isArray()) {
      throw new ImportProblem("the file is damaged (its slots are not a list)");
    }
    if (slots.size() > MAX_SLOTS) {
      throw new ImportProblem("the file has " + slots.size() + " key slots, more than any vault");
    }
    List<JsonNode> passwordSlots = new ArrayList<>();
    for (JsonNode slot : slots) {
      if (!slot.isObject()) {
        throw new ImportProblem("the file is damaged (a key slot is not an object)");
      }
      if (slot.path("type").isIntegralNumber() && slot.get("type").asInt() == PASSWORD_SLOT) {
        passwordSlots.add(slot);
      }
    }
    if (passwordSlots.isEmpty()) {
      throw new ImportProblem(
          "it has no password slot (only a key kept on the phone that made it opens it); export"
              + " it from Aegis with a password");
    }
    if (params == null || !params.isObject()) {
      throw new ImportProblem("the file is damaged (its encryption parameters are missing)");
    }
    AegisCrypto.Sealed db =
        new AegisCrypto.Sealed(
            hex(params.get("nonce"), "the content nonce"),
            base64(root.get("db")),
            hex(params.get("tag"), "the content tag"));
    List<AegisCrypto.Kdf> kdfs = passwordSlots.stream().map(AegisFormat::kdf).toList();
    kdfs.forEach(AegisCrypto.Kdf::check);

    char[] typed = password.get();
    byte[] masterKey = null;
    try {
      for (int i = 0; i < passwordSlots.size() && masterKey == null; i++) {
        masterKey = unwrap(passwordSlots.get(i), kdfs.get(i), typed);
        if (masterKey != null && kdfs.get(i).belowFloor()) {
          f.notice(
              "The password slot that opened it uses scrypt N="
                  + kdfs.get(i).n()
                  + " (Aegis's own setting), below the OWASP floor of N="
                  + AegisCrypto.WRITE_N
                  + " that Latchkey writes; it was read all the same");
        }
      }
    } finally {
      Arrays.fill(typed, '\0');
    }
    if (masterKey == null) {
      throw new ImportProblem("wrong password (no password slot of the vault opens with it)");
    }
    try {
      return AegisCrypto.open(masterKey, db);
    } catch (AEADBadTagException e) {
      throw new ImportProblem(
          "the file is damaged or was changed (the password is right, but the content fails its"
              + " integrity check)",
          e);
    } finally {
      Arrays.fill(masterKey, (byte) 0);
    }
  }

  /** The slot's master key, or null when {@code password} does not open it. */
  private static byte[] unwrap(JsonNode slot, AegisCrypto.Kdf kdf, char[] password) {
    JsonNode keyParams = slot.get("key_params");
    if (keyParams == null || !keyParams.isObject()) {
      throw new ImportProblem("the file is damaged (a key slot has no key parameters)");
    }
    AegisCrypto.Sealed wrapped =
        new AegisCrypto.Sealed(
            hex(keyParams.get("nonce"), "a slot nonce"),
            hex(slot.get("key"), "a slot key"),
            hex(keyParams.get("tag"), "a slot tag"));
    byte[] kek = kdf.derive(password);
    try {
      byte[] masterKey = AegisCrypto.open(kek, wrapped);
      if (masterKey.length != AegisCrypto.KEY_BYTES) {
        Arrays.fill(masterKey, (byte) 0);
        throw new ImportProblem("the file is damaged (its master key has the wrong length)");
      }
      return masterKey;
    } catch (AEADBadTagException wrongPassword) {
      return null;
    } finally {
      Arrays.fill(kek, (byte) 0);
    }
  }

  private static AegisCrypto.Kdf kdf(JsonNode slot) {
    return new AegisCrypto.Kdf(
        integer(slot.get("n"), "the scrypt N"),
        integer(slot.get("r"), "the scrypt r"),
        integer(slot.get("p"), "the scrypt p"),
        hex(slot.get("salt"), "a slot salt"));
  }

  private static ObjectNode passwordSlot(byte[] masterKey, char[] password) {
    AegisCrypto.Kdf kdf = AegisCrypto.Kdf.fresh();
    byte[] kek = kdf.derive(password);
    AegisCrypto.Sealed wrapped;
    try {
      wrapped = AegisCrypto.seal(kek, masterKey);
    } finally {
      Arrays.fill(kek, (byte) 0);
    }
    ObjectNode slot = COMPACT.createObjectNode();
    slot.put("type", PASSWORD_SLOT);
    slot.put("uuid", UUID.randomUUID().toString());
    slot.put("key", HEX.formatHex(wrapped.ciphertext()));
    ObjectNode keyParams = slot.putObject("key_params");
    keyParams.put("nonce", HEX.formatHex(wrapped.nonce()));
    keyParams.put("tag", HEX.formatHex(wrapped.tag()));
    slot.put("n", kdf.n());
    slot.put("r", kdf.r());
    slot.put("p", kdf.p());
    slot.put("salt", HEX.formatHex(kdf.salt()));
    // Written fresh from the exact UTF-8 bytes, so free of Aegis issue #95.
    slot.put("repaired", true);
    slot.put("is_backup", false);
    return slot;
  }

  private static void readContent(JsonNode content, String source, ImportFindings into) {
    if (!content.isObject()) {
      throw new ImportProblem("the file is damaged (its content is not a JSON object)");
    }
    int version = integer(content.get("version"), "the content version");
    if (version < 1 || version > CONTENT_VERSION) {
      throw new ImportProblem(
          "its content has version " + version + ", which this version of Latchkey cannot read");
    }
    JsonNode entries = content.get("entries");
    if (entries == null || !entries.isArray()) {
      throw new ImportProblem("the file is damaged (it has no list of entries)");
    }
    if (entries.size() > ImportFindings.MAX_ENTRIES) {
      throw new ImportProblem(
          "it holds "
              + entries.size()
              + " entries, more than the "
              + ImportFindings.MAX_ENTRIES
              + " Latchkey imports at once");
    }
    boolean extras = false;
    for (JsonNode entry : entries) {
      if (!entry.isObject()) {
        throw new ImportProblem("the file is damaged (an entry is not a JSON object)");
      }
      readEntry(entry, source, into);
      extras |= hasExtras(entry);
    }
    if (extras) {
      into.notice("Aegis notes, icons, groups and favourites are not kept by Latchkey");
    }
  }

  private static void readEntry(JsonNode entry, String source, ImportFindings into) {
    String issuer = text(entry.get("issuer"));
    String account = text(entry.get("name"));
    String name =
        Candidate.displayName(issuer == null ? "" : issuer, account == null ? "" : account);
    if (issuer == null || account == null) {
      into.refuse(name, source, "its name or issuer is not text");
      return;
    }
    String type = text(entry.get("type"));
    if (type == null) {
      into.refuse(name, source, "it has no type");
      return;
    }
    String lowerType = type.toLowerCase(Locale.ROOT);
    if (UNSUPPORTED_TYPES.containsKey(lowerType)) {
      into.refuse(name, source, UNSUPPORTED_TYPES.get(lowerType));
      return;
    }
    if (!lowerType.equals("totp") && !lowerType.equals("hotp")) {
      into.refuse(name, source, "the type \"" + shortText(type) + "\" is not supported");
      return;
    }
    JsonNode info = entry.get("info");
    if (info == null || !info.isObject()) {
      into.refuse(name, source, "it has no \"info\" with its secret and settings");
      return;
    }
    try {
      Secret secret = secret(info.get("secret"));
      HashAlgorithm algorithm = algorithm(info.get("algo"));
      int digits = digits(info.get("digits"));
      OtpParameters parameters =
          lowerType.equals("totp")
              ? OtpParameters.totp(algorithm, digits, period(info.get("period")))
              : OtpParameters.hotp(algorithm, digits, counter(info.get("counter")));
      into.offer(new Candidate(issuer, account, secret, parameters, source));
    } catch (EntryRefused e) {
      into.refuse(name, source, e.getMessage());
    }
  }

  private static boolean hasExtras(JsonNode entry) {
    String note = text(entry.get("note"));
    JsonNode icon = entry.get("icon");
    JsonNode groups = entry.get("groups");
    return (note != null && !note.isEmpty())
        || (icon != null && !icon.isNull())
        || entry.path("favorite").asBoolean(false)
        || (groups != null && groups.isArray() && !groups.isEmpty());
  }

  private static ObjectNode entry(Account account) {
    OtpParameters p = account.parameters();
    ObjectNode entry = COMPACT.createObjectNode();
    entry.put("type", account.isHotp() ? "hotp" : "totp");
    entry.put("uuid", UUID.randomUUID().toString());
    entry.put("name", exportedAccount(account));
    entry.put("issuer", account.issuer());
    entry.put("note", "");
    entry.put("favorite", false);
    entry.putNull("icon");
    ObjectNode info = entry.putObject("info");
    info.put("secret", account.secret().base32());
    info.put("algo", p.algorithm().name());
    info.put("digits", p.digits());
    if (account.isHotp()) {
      info.put("counter", p.counter());
    } else {
      info.put("period", p.periodSeconds());
    }
    entry.putArray("groups");
    return entry;
  }

  /**
   * The account part for another app: the label's account, or, for an entry that had no label and
   * was named with {@code --name}, that name, so the export does not lose what the user called it.
   */
  static String exportedAccount(Account account) {
    if (account.account().isEmpty() && account.issuer().isEmpty()) {
      return account.name();
    }
    return account.account();
  }

  private static Secret secret(JsonNode node) {
    String text = text(node);
    if (text == null) {
      throw new EntryRefused("it has no secret");
    }
    if (text.isEmpty() || text.chars().allMatch(c -> c == '=')) {
      throw new EntryRefused("its secret is empty");
    }
    try {
      return Secret.fromBase32(text);
    } catch (IllegalArgumentException e) {
      throw new EntryRefused("its secret is not valid Base32");
    }
  }

  private static HashAlgorithm algorithm(JsonNode node) {
    String text = text(node);
    if (text == null) {
      throw new EntryRefused("it names no algorithm");
    }
    if (text.equalsIgnoreCase("MD5")) {
      throw new EntryRefused("the MD5 algorithm is not supported");
    }
    try {
      return HashAlgorithm.parse(text);
    } catch (IllegalArgumentException e) {
      throw new EntryRefused(
          "the algorithm \""
              + shortText(text)
              + "\" is not supported; expected SHA1, SHA256 or"
              + " SHA512");
    }
  }

  private static int digits(JsonNode node) {
    if (node == null || !node.isIntegralNumber() || !node.canConvertToInt()) {
      throw new EntryRefused("its number of digits is missing or not a whole number");
    }
    int digits = node.intValue();
    if (digits < OtpParameters.MIN_DIGITS || digits > OtpParameters.MAX_DIGITS) {
      throw new EntryRefused(
          "codes of " + digits + " digits are not supported; expected 6, 7 or 8");
    }
    return digits;
  }

  private static int period(JsonNode node) {
    if (node == null || !node.isIntegralNumber() || !node.canConvertToInt()) {
      throw new EntryRefused("its period is missing or not a whole number");
    }
    if (node.intValue() < 1) {
      throw new EntryRefused("its period must be at least 1 second");
    }
    return node.intValue();
  }

  private static long counter(JsonNode node) {
    if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
      throw new EntryRefused("its counter is missing or not a whole number");
    }
    if (node.longValue() < 0) {
      throw new EntryRefused("its counter is negative");
    }
    return node.longValue();
  }

  /** A string member, "" for an absent or null one, null for one that is not a string. */
  private static String text(JsonNode node) {
    if (node == null || node.isNull()) {
      return "";
    }
    return node.isString() ? node.stringValue() : null;
  }

  private static int integer(JsonNode node, String what) {
    if (node == null || !node.isIntegralNumber() || !node.canConvertToInt()) {
      throw new ImportProblem("the file is damaged (" + what + " is missing or not a number)");
    }
    return node.intValue();
  }

  private static byte[] hex(JsonNode node, String what) {
    if (node == null || !node.isString()) {
      throw new ImportProblem("the file is damaged (" + what + " is missing)");
    }
    try {
      return HEX.parseHex(node.stringValue());
    } catch (IllegalArgumentException e) {
      throw new ImportProblem("the file is damaged (" + what + " is not hexadecimal)", e);
    }
  }

  private static byte[] base64(JsonNode node) {
    if (node == null || !node.isString()) {
      throw new ImportProblem("the file is damaged (an encrypted vault needs its content as text)");
    }
    try {
      return Base64.getDecoder().decode(node.stringValue().getBytes(StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      throw new ImportProblem("the file is damaged (its content is not valid Base64)", e);
    }
  }

  /** A value from the file, shortened and made safe to show. */
  private static String shortText(String text) {
    String shown = Messages.foreign(text);
    return shown.length() > 40 ? shown.substring(0, 40) + "..." : shown;
  }

  /** Why one entry is not imported; caught per entry, never leaves this class. */
  private static final class EntryRefused extends RuntimeException {
    EntryRefused(String reason) {
      super(reason, null, false, false);
    }
  }
}
