package io.latchkey.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import io.latchkey.core.notice.Notice;
import io.latchkey.core.notice.NoticeKind;
import io.latchkey.core.notice.NoticePolicy;
import io.latchkey.core.notice.Notices;
import io.latchkey.core.testing.DirectTransactions;
import io.latchkey.core.testing.InMemoryAuditLog;
import io.latchkey.core.testing.InMemoryNoticeRepository;
import io.latchkey.core.testing.InMemoryUserRepository;
import io.latchkey.core.testing.MutableClock;
import io.latchkey.core.testing.Requests;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserId;
import io.latchkey.core.user.UserStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AutoBlockTest {
  private static final Instant T0 = Instant.parse("2026-04-01T08:00:00Z");

  private final MutableClock clock = new MutableClock(T0);
  private final InMemoryUserRepository users = new InMemoryUserRepository();
  private final InMemoryAuditLog audit = new InMemoryAuditLog();
  private final List<Activity> attempts = new ArrayList<>();
  private final List<Activity> refusals = new ArrayList<>();
  private AutoBlockRules rules =
      new AutoBlockRules(3, Duration.ofMinutes(30), 4, Duration.ofHours(1));

  private final ActivityRepository activity =
      new ActivityRepository() {
        @Override
        public List<Activity> registrationAttemptsSince(UserId user, Instant since) {
          return attempts.stream().filter(a -> !a.at().isBefore(since)).toList();
        }

        @Override
        public List<Activity> pushRefusalsSince(UserId user, Instant since) {
          return refusals.stream().filter(a -> !a.at().isBefore(since)).toList();
        }
      };
  private final InMemoryNoticeRepository noticeStore = new InMemoryNoticeRepository();
  private final AutoBlock autoBlock =
      new AutoBlock(
          users,
          activity,
          audit,
          clock,
          () -> rules,
          new DirectTransactions(),
          new Notices(
              noticeStore,
              users,
              audit,
              clock,
              new NoticePolicy(true, 3, Duration.ofMinutes(1), Duration.ofMinutes(5))));

  /** What the wizard does: ask, then record the attempt. */
  private void attempt(User user, RequestContext context) {
    autoBlock.beforeAttempt(user, context);
    attempts.add(new Activity(clock.instant(), "registration attempt", context.correlationId()));
  }

  @Test
  void theAttemptAfterTheMaximumWithinTheWindowIsRefusedAndBlocksWithEvidence() {
    User user = users.add("carol", T0);
    List<CorrelationId> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      RequestContext context = Requests.by("carol");
      attempt(user, context);
      ids.add(context.correlationId());
      clock.advance(Duration.ofMinutes(1));
    }
    assertThat(users.get(user.id()).status()).isEqualTo(UserStatus.ACTIVE);

    RequestContext fifth = Requests.by("carol");
    assertThatThrownBy(() -> attempt(user, fifth))
        .isInstanceOfSatisfying(
            LatchkeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USER_BLOCKED));

    User blocked = users.get(user.id());
    assertThat(blocked.status()).isEqualTo(UserStatus.BLOCKED);
    assertThat(blocked.blockedReason())
        .contains("more than 4 registration starts or retries within 1h")
        .contains("4 counted, the first at " + T0)
        .contains(ids.getLast().value())
        .contains("this request: " + fifth.correlationId().value());
    AuditEvent event = audit.ofType(AuditEventType.USER_BLOCKED).getFirst();
    assertThat(event.reason()).isEqualTo(AutoBlock.TOO_MANY_REGISTRATIONS);
    assertThat(event.correlationId()).isEqualTo(fifth.correlationId());
    assertThat(event.detail()).contains(blocked.blockedReason());
  }

  @Test
  void anAutomaticBlockTellsTheUserWhyOnce() {
    User user = users.add("gina", T0);
    for (int i = 0; i < 4; i++) {
      attempt(user, Requests.by("gina"));
    }
    assertThat(noticeStore.all()).isEmpty();

    RequestContext fifth = Requests.by("gina");
    assertThatThrownBy(() -> attempt(user, fifth)).isInstanceOf(LatchkeyException.class);

    Notice told = noticeStore.all().getFirst();
    assertThat(noticeStore.all()).hasSize(1);
    assertThat(told.kind()).isEqualTo(NoticeKind.AUTO_BLOCKED);
    assertThat(told.userId()).isEqualTo(user.id());
    assertThat(told.correlationId()).isEqualTo(fifth.correlationId());
    assertThat(told.facts())
        .containsEntry("rule", AutoBlock.TOO_MANY_REGISTRATIONS)
        .containsEntry("counted", "4");

    // Blocked already: the next attempt does not tell the user again.
    assertThatThrownBy(() -> attempt(users.get(user.id()), Requests.by("gina")))
        .isInstanceOf(LatchkeyException.class);
    assertThat(noticeStore.all()).hasSize(1);
  }

  @Test
  void attemptsOutsideTheWindowDoNotCount() {
    User user = users.add("dave", T0);
    for (int i = 0; i < 4; i++) {
      attempt(user, Requests.by("dave"));
    }
    clock.advance(Duration.ofHours(1).plusSeconds(1));

    for (int i = 0; i < 4; i++) {
      attempt(user, Requests.by("dave"));
    }

    assertThat(users.get(user.id()).status()).isEqualTo(UserStatus.ACTIVE);
  }

  @Test
  void refusedPushesBlockTheAccountAtTheMaximumWithinTheWindowWhenTurnedOn() {
    User user = users.add("erin", T0);
    refusals.add(new Activity(clock.instant(), "push request a denied", null));
    autoBlock.refused(user, Requests.by("erin"));
    clock.advance(Duration.ofMinutes(31));
    refusals.add(new Activity(clock.instant(), "push request b denied", null));
    autoBlock.refused(user, Requests.by("erin"));
    refusals.add(new Activity(clock.instant(), "push request c reported", null));
    autoBlock.refused(user, Requests.by("erin"));
    assertThat(users.get(user.id()).status())
        .as("a is outside the window")
        .isEqualTo(UserStatus.ACTIVE);

    refusals.add(new Activity(clock.instant(), "push request d denied", null));
    RequestContext third = Requests.by("erin");
    autoBlock.refused(user, third);

    User blocked = users.get(user.id());
    assertThat(blocked.status()).isEqualTo(UserStatus.BLOCKED);
    assertThat(blocked.blockedReason())
        .contains("3 denied or reported push requests within 30m")
        .contains("push request d denied")
        .contains(third.correlationId().value());
    assertThat(audit.ofType(AuditEventType.USER_BLOCKED).getFirst().reason())
        .isEqualTo(AutoBlock.TOO_MANY_PUSH_REFUSALS);
  }

  @Test
  void aMaximumOfZeroTurnsARuleOff() {
    rules = new AutoBlockRules(0, Duration.ofMinutes(30), 0, Duration.ofHours(1));
    User user = users.add("frank", T0);
    for (int i = 0; i < 50; i++) {
      attempt(user, Requests.by("frank"));
      refusals.add(new Activity(clock.instant(), "push request denied", null));
      autoBlock.refused(user, Requests.by("frank"));
    }

    assertThat(users.get(user.id()).status()).isEqualTo(UserStatus.ACTIVE);
  }
}
