package io.latchkey.store;

import static io.latchkey.store.SqlValues.time;

import io.latchkey.core.crypto.Sealed;
import io.latchkey.core.crypto.SecretCipher;
import io.latchkey.core.crypto.SecretSealer;
import io.latchkey.core.tx.Transactions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The envelope key ring that seals secrets at rest (issue 14). The key file holds the
 * key-encryption keys; the data keys live in {@code data_keys}, each wrapped (AES-256-GCM) under a
 * key of the key file. A value names its data key, and every node opens it with that key: known
 * keys are cached, an unknown one is read from the database and unwrapped with the node's copy of
 * the key file. New values are sealed with the key that {@code sealing_key} names, read in the
 * sealing transaction with a row lock, so that when a rotation switches the key every node seals
 * with the new one from then on, and the switch waits for sealings in flight.
 *
 * <p>IDs the key file itself holds (rows sealed before V12 name them) open with the file key until
 * a rotation re-seals them.
 */
public final class DataKeys implements SecretSealer {
  static final String WRAP_PREFIX = "latchkey-data-key:";
  private static final int KEY_BYTES = 32;

  private final JdbcClient jdbc;
  private final KeyFile file;
  private final SecretCipher fileCipher;
  private final SecureRandom random;
  private final Clock clock;
  private final Map<String, SecretCipher> known = new ConcurrentHashMap<>();

  public DataKeys(JdbcClient jdbc, KeyFile file, SecureRandom random, Clock clock) {
    this.jdbc = jdbc;
    this.file = file;
    this.fileCipher = file.cipher(random);
    this.random = random;
    this.clock = clock;
  }

  /**
   * The cipher of the key file's current key, for derivations that must give the same result on
   * every node ({@link SecretCipher#derive}); never used to seal rows.
   */
  public SecretCipher fileCipher() {
    return fileCipher;
  }

  /**
   * On the first start (or the first after V12): creates the first data key and makes it the
   * sealing key, unless a node did so already. Returns the sealing key's ID.
   */
  public String ensureSealingKey(Transactions transactions) {
    Optional<String> current = currentKeyId();
    if (current.isPresent()) {
      return current.get();
    }
    try {
      transactions.inTransaction(
          () -> {
            String id = createKey();
            return jdbc.sql(
                    "INSERT INTO sealing_key (id, key_id, changed_at) VALUES (1, :keyId, :now)")
                .param("keyId", id)
                .param("now", time(clock.instant()))
                .update();
          });
    } catch (DataIntegrityViolationException anotherNodeWasFaster) {
      // its key is the one; ours was rolled back with the refused insert
    }
    return currentKeyId().orElseThrow(() -> new IllegalStateException("no sealing key"));
  }

  /** The key new values are sealed with, as the database says now. */
  public Optional<String> currentKeyId() {
    return jdbc.sql("SELECT key_id FROM sealing_key WHERE id = 1").query(String.class).optional();
  }

  /** Every data key ID in the database (the current one included). */
  public List<String> keyIds() {
    return jdbc.sql("SELECT id FROM data_keys ORDER BY created_at, id").query(String.class).list();
  }

  /**
   * Creates a data key wrapped under the key file's current key and stores it, in the caller's
   * transaction. Returns its ID ({@code d} and 8 random hex digits, apart from the file's {@code
   * k...}).
   */
  public String createKey() {
    byte[] raw = new byte[KEY_BYTES];
    random.nextBytes(raw);
    byte[] id = new byte[4];
    random.nextBytes(id);
    String keyId = "d" + HexFormat.of().formatHex(id);
    try {
      Sealed wrapped = fileCipher.seal(raw, WRAP_PREFIX + keyId);
      jdbc.sql(
              "INSERT INTO data_keys (id, wrapped, wrapping_key_id, created_at)"
                  + " VALUES (:id, :wrapped, :wrappingKeyId, :now)")
          .param("id", keyId)
          .param("wrapped", wrapped.blob())
          .param("wrappingKeyId", wrapped.keyId())
          .param("now", time(clock.instant()))
          .update();
      return keyId;
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  /**
   * Makes {@code keyId} the sealing key, in the caller's transaction: the row lock waits for
   * sealings in flight (they hold it until they commit). Returns the key it replaces.
   */
  public String switchTo(String keyId) {
    String before = lockCurrent();
    jdbc.sql("UPDATE sealing_key SET key_id = :keyId, changed_at = :now WHERE id = 1")
        .param("keyId", keyId)
        .param("now", time(clock.instant()))
        .update();
    return before;
  }

  /**
   * Seals with the current key. Call it in the transaction that stores the value: the sealing key
   * is read with a row lock held until that transaction ends, so no rotation switches keys (and
   * then retires this one) between the read and the commit.
   */
  @Override
  public Sealed seal(byte[] plaintext, String associatedData) {
    return sealWith(lockCurrent(), plaintext, associatedData);
  }

  /** Seals with {@code keyId} (a rotation re-sealing a row with its new key). */
  public Sealed sealWith(String keyId, byte[] plaintext, String associatedData) {
    return cipherFor(keyId).seal(plaintext, associatedData);
  }

  @Override
  public byte[] open(Sealed sealed, String associatedData) {
    return cipherFor(sealed.keyId()).open(sealed, associatedData);
  }

  /** Forgets a retired key on this node. */
  void forget(String keyId) {
    known.remove(keyId);
  }

  private String lockCurrent() {
    return jdbc.sql("SELECT key_id FROM sealing_key WHERE id = 1 FOR UPDATE")
        .query(String.class)
        .optional()
        .orElseThrow(
            () -> new IllegalStateException("no sealing key yet (the server creates it at start)"));
  }

  private SecretCipher cipherFor(String keyId) {
    SecretCipher cached = known.get(keyId);
    if (cached != null) {
      return cached;
    }
    SecretCipher loaded = load(keyId);
    known.put(keyId, loaded);
    return loaded;
  }

  private record Row(byte[] wrapped, String wrappingKeyId) {}

  private SecretCipher load(String keyId) {
    Row row =
        jdbc.sql("SELECT wrapped, wrapping_key_id FROM data_keys WHERE id = :id")
            .param("id", keyId)
            .query((rs, n) -> new Row(rs.getBytes("wrapped"), rs.getString("wrapping_key_id")))
            .optional()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no data key '"
                            + keyId
                            + "' in the database: retired, or the row comes from another"
                            + " database"));
    byte[] raw;
    if (row.wrapped() == null) {
      // A key of the key file that sealed rows directly (before V12).
      raw = file.key(keyId);
    } else {
      if (!file.keyIds().contains(row.wrappingKeyId())) {
        throw new IllegalStateException(
            "the data key '"
                + keyId
                + "' is wrapped under key '"
                + row.wrappingKeyId()
                + "', which this node's key file "
                + file.path()
                + " does not hold: every node needs a copy of the same key file");
      }
      raw = fileCipher.open(new Sealed(row.wrappingKeyId(), row.wrapped()), WRAP_PREFIX + keyId);
    }
    try {
      return new SecretCipher(Map.of(keyId, raw), keyId, random);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }
}
