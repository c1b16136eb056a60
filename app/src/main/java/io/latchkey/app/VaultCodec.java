package io.latchkey.app;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.latchkey.core.otp.HashAlgorithm;
import io.latchkey.core.otp.OtpParameters;
import io.latchkey.core.otp.OtpType;
import io.latchkey.core.otp.Secret;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The vault file's JSON. A plain vault holds its accounts in the clear; a vault with a PIN holds
 * only the {@link PinHeader} and the encrypted content, so neither names nor keys show.
 *
 * <pre>
 * {"format": "latchkey-app-vault", "version": 1, "accounts": [...]}
 * {"format": "latchkey-app-vault", "version": 1, "pin": {...}, "nonce": "...", "content": "..."}
 * </pre>
 */
final class VaultCodec {
  static final String FORMAT = "latchkey-app-vault";
  static final int VERSION = 1;

  private static final JsonMapper MAPPER =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private VaultCodec() {}

  /** The whole file. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"format", "version", "pin", "nonce", "content", "accounts"})
  record Document(
      String format,
      int version,
      PinHeader pin,
      String nonce,
      String content,
      List<StoredAccount> accounts) {

    boolean isLocked() {
      return pin != null;
    }
  }

  /** What the encrypted {@code content} decrypts to. */
  record Content(List<StoredAccount> accounts) {}

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

  /** The file for {@code accounts}: plain when {@code lock} is null, else sealed with it. */
  static byte[] encode(Accounts accounts, PinLock lock) {
    List<StoredAccount> stored = accounts.all().stream().map(VaultCodec::store).toList();
    if (lock == null) {
      return MAPPER.writeValueAsBytes(new Document(FORMAT, VERSION, null, null, null, stored));
    }
    byte[] plaintext = MAPPER.writeValueAsBytes(new Content(stored));
    try {
      PinLock.Sealed sealed = lock.seal(plaintext);
      return MAPPER.writeValueAsBytes(
          new Document(FORMAT, VERSION, lock.header(), sealed.nonce(), sealed.ciphertext(), null));
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
    if (document.version() != VERSION) {
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
   * The accounts of a parsed document; {@code lock} must be its unlocked PIN lock if it has one.
   */
  static Accounts accounts(Document document, PinLock lock) {
    if (!document.isLocked()) {
      return restore(document.accounts());
    }
    byte[] plaintext = lock.open(new PinLock.Sealed(document.nonce(), document.content()));
    try {
      Content content = MAPPER.readValue(plaintext, Content.class);
      if (content == null || content.accounts() == null) {
        throw new AppException("The vault file is damaged (part of it is missing).");
      }
      return restore(content.accounts());
    } catch (JacksonException e) {
      throw new AppException("The vault file is damaged (its content is not valid JSON).", e);
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
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

  private static Accounts restore(List<StoredAccount> stored) {
    try {
      return new Accounts(stored.stream().map(VaultCodec::restore).toList());
    } catch (IllegalArgumentException | NullPointerException e) {
      // Never e.getMessage(): a Base32 error could describe the key.
      throw new AppException("The vault file is damaged (an account in it is invalid).", e);
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
}
