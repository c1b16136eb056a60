package io.latchkey.app;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.latchkey.core.otp.HashAlgorithm;
import io.latchkey.core.otp.OtpParameters;
import io.latchkey.core.otp.OtpType;
import io.latchkey.core.otp.Secret;
import io.latchkey.core.push.KeyAlgorithm;
import java.net.URI;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The vault file's JSON. A plain vault holds its accounts and push devices in the clear; a vault
 * with a PIN holds only the {@link PinHeader} and the encrypted content, so neither names nor keys
 * show (the device private keys included).
 *
 * <pre>
 * {"format": "latchkey-app-vault", "version": 1, "accounts": [...]}
 * {"format": "latchkey-app-vault", "version": 2, "accounts": [...], "devices": [...]}
 * {"format": "latchkey-app-vault", "version": 1 or 2, "pin": {...}, "nonce": "...", "content": "..."}
 * </pre>
 *
 * <p>Version 2 is version 1 plus push devices, and is written only when there are devices: a vault
 * without any stays exactly as before, and an older app, which would ignore the devices and drop
 * them on its next write, refuses a version 2 file instead.
 */
final class VaultCodec {
  static final String FORMAT = "latchkey-app-vault";
  static final int VERSION = 1;
  static final int VERSION_WITH_DEVICES = 2;

  private static final JsonMapper MAPPER =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private VaultCodec() {}

  /** The whole file. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"format", "version", "pin", "nonce", "content", "accounts", "devices"})
  record Document(
      String format,
      int version,
      PinHeader pin,
      String nonce,
      String content,
      List<StoredAccount> accounts,
      List<StoredDevice> devices) {

    boolean isLocked() {
      return pin != null;
    }
  }

  /** What the encrypted {@code content} decrypts to. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Content(List<StoredAccount> accounts, List<StoredDevice> devices) {}

  /** What a vault holds. */
  record Entries(Accounts accounts, Devices devices) {}

  /** One account as text; the secret is unpadded Base32, as in an otpauth URI. */
  @JsonPropertyOrder({
    "name",
    "issuer",
    "account",
    "secret",
    "type",
    "algorithm",
    "digits",
    "period",
    "counter"
  })
  record StoredAccount(
      String name,
      String issuer,
      String account,
      String secret,
      OtpType type,
      HashAlgorithm algorithm,
      int digits,
      int period,
      long counter) {}

  /**
   * One push device as text: keys are standard Base64 of their DER (PKCS #8 private, X.509
   * SubjectPublicKeyInfo public), {@code activatedAt} an ISO-8601 instant.
   */
  @JsonPropertyOrder({
    "deviceId",
    "server",
    "userId",
    "username",
    "issuer",
    "name",
    "keyAlgorithm",
    "privateKey",
    "publicKey",
    "activatedAt"
  })
  record StoredDevice(
      String deviceId,
      String server,
      String userId,
      String username,
      String issuer,
      String name,
      String keyAlgorithm,
      String privateKey,
      String publicKey,
      String activatedAt) {}

  /** The file for the entries: plain when {@code lock} is null, else sealed with it. */
  static byte[] encode(Accounts accounts, Devices devices, PinLock lock) {
    List<StoredAccount> storedAccounts = accounts.all().stream().map(VaultCodec::store).toList();
    List<StoredDevice> storedDevices =
        devices.isEmpty() ? null : devices.all().stream().map(VaultCodec::store).toList();
    int version = devices.isEmpty() ? VERSION : VERSION_WITH_DEVICES;
    if (lock == null) {
      return MAPPER.writeValueAsBytes(
          new Document(FORMAT, version, null, null, null, storedAccounts, storedDevices));
    }
    byte[] plaintext = MAPPER.writeValueAsBytes(new Content(storedAccounts, storedDevices));
    try {
      PinLock.Sealed sealed = lock.seal(plaintext);
      return MAPPER.writeValueAsBytes(
          new Document(
              FORMAT, version, lock.header(), sealed.nonce(), sealed.ciphertext(), null, null));
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  /** Reads the outer document and checks that it is ours, without opening any lock. */
  static Document parse(byte[] file) {
    Document document;
    try {
      document = MAPPER.readValue(file, Document.class);
    } catch (JacksonException e) {
      // Never e.getMessage(): Jackson quotes the input, which may hold a key.
      throw new AppException("The vault file is damaged (it is not valid JSON).", e);
    }
    if (document == null || !FORMAT.equals(document.format())) {
      throw new AppException("The vault file is not a Latchkey app vault.");
    }
    if (document.version() != VERSION && document.version() != VERSION_WITH_DEVICES) {
      throw new AppException(
          "The vault file has format version "
              + document.version()
              + ", which this version of Latchkey cannot read.");
    }
    boolean complete =
        document.isLocked()
            ? document.nonce() != null && document.content() != null
            : document.accounts() != null;
    if (!complete) {
      throw new AppException("The vault file is damaged (part of it is missing).");
    }
    return document;
  }

  /**
   * The entries of a parsed document; {@code lock} must be its unlocked PIN lock if it has one. A
   * file written before push devices existed has none.
   */
  static Entries entries(Document document, PinLock lock) {
    if (!document.isLocked()) {
      return restore(document.accounts(), document.devices());
    }
    byte[] plaintext = lock.open(new PinLock.Sealed(document.nonce(), document.content()));
    try {
      Content content = MAPPER.readValue(plaintext, Content.class);
      if (content == null || content.accounts() == null) {
        throw new AppException("The vault file is damaged (part of it is missing).");
      }
      return restore(content.accounts(), content.devices());
    } catch (JacksonException e) {
      throw new AppException("The vault file is damaged (its content is not valid JSON).", e);
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  /**
   * The accounts and devices as the JSON a sealed vault holds ({@link Content}); also the plaintext
   * of a cloud backup (docs/BACKUP-FORMAT.md). The caller clears the array after use.
   */
  static byte[] contentJson(Accounts accounts, Devices devices) {
    return MAPPER.writeValueAsBytes(
        new Content(
            accounts.all().stream().map(VaultCodec::store).toList(),
            devices.all().stream().map(VaultCodec::store).toList()));
  }

  /** The entries of {@link #contentJson}'s output. */
  static Entries fromContentJson(byte[] json) {
    Content content;
    try {
      content = MAPPER.readValue(json, Content.class);
    } catch (JacksonException e) {
      throw new AppException("The backup is damaged (its content is not valid JSON).", e);
    }
    if (content == null || content.accounts() == null) {
      throw new AppException("The backup is damaged (part of it is missing).");
    }
    return restore(content.accounts(), content.devices());
  }

  private static StoredAccount store(Account a) {
    OtpParameters p = a.parameters();
    return new StoredAccount(
        a.name(),
        a.issuer(),
        a.account(),
        a.secret().base32(),
        p.type(),
        p.algorithm(),
        p.digits(),
        p.periodSeconds(),
        p.counter());
  }

  private static StoredDevice store(Device d) {
    Base64.Encoder base64 = Base64.getEncoder();
    return new StoredDevice(
        d.id(),
        d.server().toString(),
        d.userId(),
        d.username(),
        d.issuer(),
        d.name(),
        d.algorithm().wireName(),
        base64.encodeToString(d.privateKey().getEncoded()),
        base64.encodeToString(d.publicKey().getEncoded()),
        d.activatedAt().toString());
  }

  private static Entries restore(List<StoredAccount> accounts, List<StoredDevice> devices) {
    Accounts restoredAccounts;
    try {
      restoredAccounts = new Accounts(accounts.stream().map(VaultCodec::restore).toList());
    } catch (IllegalArgumentException | NullPointerException e) {
      // Never e.getMessage(): a Base32 error could describe the key.
      throw new AppException("The vault file is damaged (an account in it is invalid).", e);
    }
    if (devices == null) {
      return new Entries(restoredAccounts, Devices.empty());
    }
    try {
      return new Entries(
          restoredAccounts, new Devices(devices.stream().map(VaultCodec::restore).toList()));
    } catch (IllegalArgumentException | NullPointerException | DateTimeException e) {
      throw new AppException("The vault file is damaged (a push device in it is invalid).", e);
    }
  }

  private static Account restore(StoredAccount s) {
    Objects.requireNonNull(s.type());
    Objects.requireNonNull(s.algorithm());
    OtpParameters parameters =
        new OtpParameters(s.type(), s.algorithm(), s.digits(), s.period(), s.counter());
    return new Account(
        s.name(), s.issuer(), s.account(), Secret.fromBase32(s.secret()), parameters);
  }

  private static Device restore(StoredDevice s) {
    KeyAlgorithm algorithm =
        KeyAlgorithm.fromWireName(s.keyAlgorithm())
            .orElseThrow(() -> new IllegalArgumentException("unknown key algorithm"));
    Base64.Decoder base64 = Base64.getDecoder();
    return new Device(
        s.deviceId(),
        URI.create(s.server()),
        s.userId(),
        s.username(),
        s.issuer() == null ? "" : s.issuer(),
        s.name(),
        algorithm,
        algorithm.privateKey(base64.decode(s.privateKey())),
        algorithm.publicKey(base64.decode(s.publicKey())),
        Instant.parse(s.activatedAt()));
  }
}
