package io.latchkey.server.config;

import io.latchkey.core.user.SignInThrottlePolicy;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How password sign-ins are throttled and how much hashing may run at once (issue 14). Each option
 * is in the README's configuration table; each can be set as {@code --latchkey.sign-in.x=...} or
 * {@code LATCHKEY_SIGN_IN_X}. The counts are shared by every node through the database; every node
 * of a cluster should have the same settings.
 *
 * @param perNameAndAddress password checks of one username from one client address per {@code
 *     window} (default 10)
 * @param perAddress password checks from one client address, every name together, per {@code
 *     window} (default 50)
 * @param window the window of the two counts above (default 15m)
 * @param global password checks on every node together per {@code globalWindow} (default 1000)
 * @param globalWindow the window of {@code global} (default 1m)
 * @param hashingPermits password hashes one node runs at once; 0 means one per core (the default).
 *     A check that finds them all in use is refused at once with {@code rate_limited}
 */
@ConfigurationProperties("latchkey.sign-in")
public record SignInThrottleProperties(
    @DefaultValue("10") int perNameAndAddress,
    @DefaultValue("50") int perAddress,
    @DefaultValue("15m") Duration window,
    @DefaultValue("1000") int global,
    @DefaultValue("1m") Duration globalWindow,
    @DefaultValue("0") int hashingPermits) {

  public SignInThrottleProperties {
    if (hashingPermits < 0 || hashingPermits > 1024) {
      throw new IllegalArgumentException(
          "latchkey.sign-in.hashing-permits must be between 0 (one per core) and 1024");
    }
    try {
      policy(perNameAndAddress, perAddress, window, global, globalWindow);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "latchkey.sign-in: each limit is at least 1 and each window from 1s to 1d ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  public SignInThrottlePolicy policy() {
    return policy(perNameAndAddress, perAddress, window, global, globalWindow);
  }

  /** The hashes that may run at once: the setting, or the cores this JVM may use. */
  public int permits() {
    return hashingPermits > 0 ? hashingPermits : Runtime.getRuntime().availableProcessors();
  }

  private static SignInThrottlePolicy policy(
      int perNameAndAddress, int perAddress, Duration window, int global, Duration globalWindow) {
    return new SignInThrottlePolicy(
        new SignInThrottlePolicy.Limit(perNameAndAddress, window),
        new SignInThrottlePolicy.Limit(perAddress, window),
        new SignInThrottlePolicy.Limit(global, globalWindow));
  }
}
