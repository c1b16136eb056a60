package io.latchkey.core.testing;

import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.audit.RequestContext;
import java.security.SecureRandom;

/** Request contexts for tests: each call is a new request with its own correlation ID. */
public final class Requests {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Requests() {}

  public static RequestContext by(String actor) {
    return new RequestContext(CorrelationId.random(RANDOM), "192.0.2.10", "JUnit/5 (test)", actor);
  }

  /** A request of {@code actor} from the client address {@code ip}. */
  public static RequestContext from(String actor, String ip) {
    return new RequestContext(CorrelationId.random(RANDOM), ip, "JUnit/5 (test)", actor);
  }

  /**
   * A {@link SecureRandom} whose output is fixed by {@code seed}, so secrets, and codes made from
   * them, are the same on every run.
   */
  public static SecureRandom seededRandom(long seed) {
    try {
      SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
      random.setSeed(seed);
      return random;
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
