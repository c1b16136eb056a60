package io.latchkey.core.totp;

import io.latchkey.core.method.Method;
import io.latchkey.core.method.MethodId;
import io.latchkey.core.user.UserId;
import java.time.Instant;
import java.util.List;

/** Storage of TOTP credentials; the secret is sealed at rest by the implementation. */
public interface TotpCredentialRepository {

  /** Inserts the method and its credential together. */
  void insert(Method method, TotpCredential credential);

  List<TotpCredential> findByUser(UserId userId);

  /**
   * Records {@code step} as used only if it is newer than the stored one, in one conditional update
   * judged by its row count: of any number of racing requests with the same code, exactly one gets
   * true (RFC 6238 §5.2; SECURITY-TESTS C1-C3).
   */
  boolean markStepUsedIfNewer(MethodId methodId, long step, int drift, Instant at);
}
