package io.latchkey.server.config;

import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.clock.ClockWatch;
import io.latchkey.core.enrollment.EnrollmentService;
import io.latchkey.core.push.ChallengeService;
import io.latchkey.core.push.PushEnrollmentService;
import java.security.SecureRandom;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Times out abandoned registrations (and expires unanswered push requests) so their pending secrets
 * are erased even if nobody comes back to the page (SECURITY-TESTS D2). Safe on several nodes: each
 * time-out is a conditional update. Each sweep first reads the node's clock for {@link ClockWatch},
 * which alerts the administrator when it went back.
 */
@Component
public class RegistrationSweeper {
  private final EnrollmentService enrollments;
  private final PushEnrollmentService pushEnrollments;
  private final ChallengeService challenges;
  private final SecureRandom random;
  private final ClockWatch clockWatch;

  public RegistrationSweeper(
      EnrollmentService enrollments,
      PushEnrollmentService pushEnrollments,
      ChallengeService challenges,
      SecureRandom random,
      ClockWatch clockWatch) {
    this.enrollments = enrollments;
    this.pushEnrollments = pushEnrollments;
    this.challenges = challenges;
    this.random = random;
    this.clockWatch = clockWatch;
  }

  @Scheduled(fixedDelayString = "${latchkey.sweep-interval:30s}", initialDelayString = "30s")
  public void sweep() {
    try {
      clockWatch.check(context());
      enrollments.expireOverdue(context());
      pushEnrollments.expireOverdue(context());
      challenges.expireOverdue(context());
    } catch (RuntimeException e) {
      if (!io.latchkey.server.web.ErrorCodes.databaseUnavailable(e)) {
        throw e;
      }
      // The next run catches up; one line instead of a stack trace every 30 s of an outage.
      org.slf4j.LoggerFactory.getLogger(RegistrationSweeper.class)
          .warn("sweep skipped, database unavailable: {}", e.toString());
    }
  }

  private RequestContext context() {
    return new RequestContext(CorrelationId.random(random), "", "", "system:sweeper");
  }
}
