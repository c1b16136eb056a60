package io.latchkey.store;

import static io.latchkey.store.SqlValues.time;
import static io.latchkey.store.SqlValues.uuid;

import io.latchkey.core.crypto.Sealed;
import io.latchkey.core.crypto.SecretSealer;
import io.latchkey.core.method.Method;
import io.latchkey.core.method.MethodId;
import io.latchkey.core.method.MethodKind;
import io.latchkey.core.otp.HashAlgorithm;
import io.latchkey.core.otp.OtpParameters;
import io.latchkey.core.otp.OtpType;
import io.latchkey.core.otp.Secret;
import io.latchkey.core.totp.TotpCredential;
import io.latchkey.core.totp.TotpCredentialRepository;
import io.latchkey.core.tx.Transactions;
import io.latchkey.core.user.UserId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * TOTP credentials in {@code totp_credentials}, one row per TOTP method. The secret is sealed with
 * AES-GCM under the current data key ({@link DataKeys}), with the method ID as associated data: a
 * sealed secret copied into another row does not open, and the database alone never reveals a
 * secret.
 */
public final class JdbcTotpCredentialRepository implements TotpCredentialRepository {
  private final JdbcClient jdbc;
  private final SecretSealer cipher;
  private final Transactions transactions;

  /**
   * @param transactions makes the method row and the credential row one unit; it joins the caller's
   *     transaction when there is one
   */
  public JdbcTotpCredentialRepository(
      JdbcClient jdbc, SecretSealer cipher, Transactions transactions) {
    this.jdbc = jdbc;
    this.cipher = cipher;
    this.transactions = transactions;
  }

  @Override
  public void insert(Method method, TotpCredential credential) {
    requireConsistent(method, credential);
    OtpParameters parameters = credential.parameters();
    transactions.inTransaction(
        () -> {
          // Sealed in the transaction: the sealing key's row lock lasts until the commit.
          Sealed sealed = seal(credential.secret(), credential.methodId());
          JdbcMethodRepository.insert(jdbc, method);
          return jdbc.sql(
                  "INSERT INTO totp_credentials (method_id, secret_sealed, key_id, algorithm,"
                      + " digits, period_seconds, last_used_step, drift) VALUES (:methodId,"
                      + " :sealed, :keyId, :algorithm, :digits, :period, :lastUsedStep, :drift)")
              .param("methodId", credential.methodId().value())
              .param("sealed", sealed.blob())
              .param("keyId", sealed.keyId())
              .param("algorithm", parameters.algorithm().name())
              .param("digits", parameters.digits())
              .param("period", parameters.periodSeconds())
              .param("lastUsedStep", credential.lastUsedStep())
              .param("drift", credential.drift())
              .update();
        });
  }

  @Override
  public List<TotpCredential> findByUser(UserId userId) {
    return jdbc.sql(
            "SELECT t.method_id, m.user_id, t.secret_sealed, t.key_id, t.algorithm, t.digits,"
                + " t.period_seconds, t.last_used_step, t.drift FROM totp_credentials t"
                + " JOIN methods m ON m.id = t.method_id WHERE m.user_id = :userId"
                + " ORDER BY m.created_at, m.id")
        .param("userId", userId.value())
        .query(this::credential)
        .list();
  }

  /**
   * {@code UPDATE ... WHERE last_used_step < :step}: the database re-checks the condition on the
   * latest committed row after waiting for a concurrent writer (PostgreSQL READ COMMITTED, H2's row
   * locks), so of any number of racing requests for one step exactly one changes the row. The
   * method's last use is then stamped; it is informational and needs no such guard.
   */
  @Override
  public boolean markStepUsedIfNewer(MethodId methodId, long step, int drift, Instant at) {
    int rows =
        jdbc.sql(
                "UPDATE totp_credentials SET last_used_step = :step, drift = :drift"
                    + " WHERE method_id = :methodId AND last_used_step < :step")
            .param("step", step)
            .param("drift", drift)
            .param("methodId", methodId.value())
            .update();
    if (rows != 1) {
      return false;
    }
    jdbc.sql("UPDATE methods SET last_used_at = :at WHERE id = :methodId")
        .param("at", time(at))
        .param("methodId", methodId.value())
        .update();
    return true;
  }

  private Sealed seal(Secret secret, MethodId methodId) {
    byte[] plain = secret.bytes();
    try {
      return cipher.seal(plain, associatedData(methodId));
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  private TotpCredential credential(ResultSet rs, int row) throws SQLException {
    MethodId methodId = new MethodId(uuid(rs, "method_id"));
    Sealed sealed = new Sealed(rs.getString("key_id"), rs.getBytes("secret_sealed"));
    byte[] plain = cipher.open(sealed, associatedData(methodId));
    try {
      return new TotpCredential(
          methodId,
          new UserId(uuid(rs, "user_id")),
          new Secret(plain),
          OtpParameters.totp(
              HashAlgorithm.valueOf(rs.getString("algorithm")),
              rs.getInt("digits"),
              rs.getInt("period_seconds")),
          rs.getLong("last_used_step"),
          rs.getInt("drift"));
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  /** Binds a sealed secret to its row; the prefix keeps it apart from other tables' secrets. */
  static String associatedData(MethodId methodId) {
    return "totp:" + methodId.value();
  }

  private static void requireConsistent(Method method, TotpCredential credential) {
    if (!method.id().equals(credential.methodId())
        || !method.userId().equals(credential.userId())) {
      throw new IllegalArgumentException("the credential belongs to another method or user");
    }
    if (method.kind() != MethodKind.TOTP || credential.parameters().type() != OtpType.TOTP) {
      // The table has no column for a HOTP counter: storing one here would silently drop it.
      throw new IllegalArgumentException("only TOTP credentials are stored here");
    }
  }
}
