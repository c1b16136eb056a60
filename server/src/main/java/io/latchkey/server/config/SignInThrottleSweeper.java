package io.latchkey.server.config;

import io.latchkey.core.user.SignInThrottle;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes sign-in windows that are over (issue 14), so a spray of made-up names leaves no rows
 * behind. Safe on several nodes: a window that is over is deleted whoever does it, and a claim on a
 * deleted bucket simply opens a new window.
 */
@Component
public class SignInThrottleSweeper {
  private final SignInThrottle throttle;

  public SignInThrottleSweeper(SignInThrottle throttle) {
    this.throttle = throttle;
  }

  @Scheduled(fixedDelayString = "${latchkey.sweep-interval:30s}", initialDelayString = "60s")
  public void sweep() {
    try {
      throttle.purge();
    } catch (RuntimeException e) {
      if (!io.latchkey.server.web.ErrorCodes.databaseUnavailable(e)) {
        throw e;
      }
      org.slf4j.LoggerFactory.getLogger(SignInThrottleSweeper.class)
          .warn("sign-in windows not swept, database unavailable: {}", e.toString());
    }
  }
}
