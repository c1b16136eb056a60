package io.latchkey.core.notice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.testing.CoreFixture;
import io.latchkey.core.testing.DirectTransactions;
import io.latchkey.core.testing.InMemoryAuditLog;
import io.latchkey.core.testing.InMemoryNoticeRepository;
import io.latchkey.core.testing.InMemoryUserRepository;
import io.latchkey.core.testing.MutableClock;
import io.latchkey.core.testing.Requests;
import io.latchkey.core.user.EmailAddress;
import io.latchkey.core.user.User;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NoticesTest {
  private static final EmailAddress ALICE = EmailAddress.of("alice@example.com");

  private final MutableClock clock = new MutableClock(CoreFixture.START);
  private final InMemoryUserRepository users = new InMemoryUserRepository();
  private final InMemoryNoticeRepository store = new InMemoryNoticeRepository();
  private final InMemoryAuditLog audit = new InMemoryAuditLog();
  private final NoticePolicy policy =
      new NoticePolicy(true, 3, Duration.ofMinutes(1), Duration.ofMinutes(5));
  private final Notices notices = new Notices(store, users, audit, clock, policy);
  private final User alice = withEmail(users.add("alice", clock.instant()), ALICE);
  private final RequestContext request = Requests.by("alice");

  private User withEmail(User user, EmailAddress email) {
    users.setEmail(user.id(), email);
    return users.get(user.id());
  }

  @Test
  void sendWritesAPendingNoticeWithTheRequestsEvidence() {
    Notice notice =
        notices.send(alice.id(), NoticeKind.METHOD_ADDED, request, Map.of("method", "TOTP"));

    assertThat(store.all()).containsExactly(notice);
    assertThat(notice.status()).isEqualTo(NoticeStatus.PENDING);
    assertThat(notice.recipient()).isEqualTo(ALICE);
    assertThat(notice.at()).isEqualTo(clock.instant());
    assertThat(notice.nextAttemptAt()).isEqualTo(clock.instant());
    assertThat(notice.ip()).isEqualTo(request.ip());
    assertThat(notice.userAgent()).isEqualTo(request.userAgent());
    assertThat(notice.correlationId()).isEqualTo(request.correlationId());
    assertThat(notice.facts()).containsExactly(Map.entry("method", "TOTP"));
    assertThat(audit.events()).isEmpty();
  }

  @Test
  void aUserWithoutAnAddressGetsTheNoticeOnThePageOnlyAuditedAsNotSent() {
    User bob = users.add("bob", clock.instant());

    Notice notice = notices.send(bob.id(), NoticeKind.USER_BLOCKED, request, Map.of());

    assertThat(notice.status()).isEqualTo(NoticeStatus.NOT_SENT);
    assertThat(notice.lastError()).isEqualTo("no_address");
    assertThat(notices.recent(bob.id(), 10)).containsExactly(notice);
    assertThat(notices.pending(10)).isEmpty();
    AuditEvent event = audit.single(AuditEventType.NOTICE_NOT_SENT);
    assertThat(event.success()).isFalse();
    assertThat(event.reason()).isEqualTo("no_address");
    assertThat(event.correlationId()).isEqualTo(request.correlationId());
    assertThat(event.userId()).isEqualTo(bob.id());
  }

  @Test
  void withMailOffEveryNoticeIsKeptForThePageAndAuditedAsNotSent() {
    Notices off =
        new Notices(
            store,
            users,
            audit,
            clock,
            new NoticePolicy(false, 3, Duration.ofMinutes(1), Duration.ofMinutes(5)));

    Notice notice = off.send(alice.id(), NoticeKind.MFA_RESET, request, Map.of("by", "admin"));

    assertThat(notice.status()).isEqualTo(NoticeStatus.NOT_SENT);
    assertThat(notice.lastError()).isEqualTo("mail_off");
    assertThat(off.pending(10)).isEmpty();
    assertThat(audit.single(AuditEventType.NOTICE_NOT_SENT).reason()).isEqualTo("mail_off");
  }

  @Test
  void aDueNoticeIsClaimedOnceAndMarkedSentWithAnAuditUnderItsCorrelationId() {
    Notice written = notices.send(alice.id(), NoticeKind.METHOD_ADDED, request, Map.of());

    List<Notices.Claimed> claimed = notices.pending(10);
    assertThat(claimed).singleElement().satisfies(c -> assertThat(c.notice().attempts()).isOne());
    assertThat(notices.pending(10)).isEmpty();
    assertThat(notices.markSent(claimed.get(0))).isTrue();
    assertThat(notices.markSent(claimed.get(0))).isFalse();

    Notice sent = notices.find(written.id()).orElseThrow();
    assertThat(sent.status()).isEqualTo(NoticeStatus.SENT);
    assertThat(sent.sentAt()).isEqualTo(clock.instant());
    AuditEvent event = audit.single(AuditEventType.NOTICE_SENT);
    assertThat(event.correlationId()).isEqualTo(request.correlationId());
    assertThat(event.actor()).isEqualTo(Notices.SENDER);
    assertThat(event.username()).isEqualTo("alice");
    assertThat(event.detail()).contains("alice@example.com").contains("method_added");
  }

  @Test
  void failedAttemptsBackOffDoublingAndTheLastOneMarksTheNoticeFailed() {
    Notice written = notices.send(alice.id(), NoticeKind.USER_BLOCKED, request, Map.of());

    assertThat(notices.markFailed(notices.pending(10).get(0), "connection refused")).isFalse();
    assertThat(notices.pending(10)).isEmpty();
    clock.advance(Duration.ofSeconds(59));
    assertThat(notices.pending(10)).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    assertThat(notices.markFailed(notices.pending(10).get(0), "connection refused")).isFalse();
    clock.advance(Duration.ofSeconds(119));
    assertThat(notices.pending(10)).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    Notices.Claimed last = notices.pending(10).get(0);
    assertThat(last.notice().attempts()).isEqualTo(3);
    assertThat(audit.ofType(AuditEventType.NOTICE_FAILED)).isEmpty();

    assertThat(notices.markFailed(last, "connection refused")).isTrue();

    Notice failed = notices.find(written.id()).orElseThrow();
    assertThat(failed.status()).isEqualTo(NoticeStatus.FAILED);
    assertThat(failed.lastError()).isEqualTo("connection refused");
    clock.advance(Duration.ofDays(1));
    assertThat(notices.pending(10)).isEmpty();
    AuditEvent event = audit.single(AuditEventType.NOTICE_FAILED);
    assertThat(event.success()).isFalse();
    assertThat(event.reason()).isEqualTo("delivery_failed");
    assertThat(event.detail()).contains("3 attempt(s)").contains("connection refused");
    assertThat(event.correlationId()).isEqualTo(request.correlationId());
    assertThat(notices.recent(alice.id(), 10)).containsExactly(failed);
  }

  @Test
  void theBackOffDoublesUpToSixHours() {
    assertThat(policy.delayAfter(1)).isEqualTo(Duration.ofMinutes(1));
    assertThat(policy.delayAfter(2)).isEqualTo(Duration.ofMinutes(2));
    assertThat(policy.delayAfter(3)).isEqualTo(Duration.ofMinutes(4));
    assertThat(policy.delayAfter(19)).isEqualTo(NoticePolicy.MAX_DELAY);
  }

  @Test
  void aClaimThatOutlivesItsTimeoutIsTakenOverAndTheFirstSenderCannotMarkIt() {
    notices.send(alice.id(), NoticeKind.METHOD_ADDED, request, Map.of());
    Notices.Claimed first = notices.pending(10).get(0);

    clock.advance(Duration.ofMinutes(5));
    Notices.Claimed second = notices.pending(10).get(0);

    assertThat(second.notice().attempts()).isEqualTo(2);
    assertThat(notices.markSent(first)).isFalse();
    assertThat(notices.markSent(second)).isTrue();
    assertThat(audit.ofType(AuditEventType.NOTICE_SENT)).hasSize(1);
  }

  @Test
  void recentIsNewestFirstAndBounded() {
    for (int i = 0; i < 5; i++) {
      notices.send(alice.id(), NoticeKind.METHOD_ADDED, request, Map.of("n", "" + i));
      clock.advance(Duration.ofSeconds(1));
    }
    assertThat(notices.recent(alice.id(), 3).stream().map(n -> n.facts().get("n")))
        .containsExactly("4", "3", "2");
    assertThat(notices.recent(alice.id(), 1000)).hasSize(5);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"code", "secret", "totpSecret", "password", "apiToken", "otp", "pin", "key", ""})
  void factsThatSuggestASecretOrAreMalformedAreRefused(String name) {
    Map<String, String> facts = Map.of(name, "x");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> notices.send(alice.id(), NoticeKind.METHOD_ADDED, request, facts));
    assertThat(store.all()).isEmpty();
  }

  @Test
  void factValuesLoseLineBreaksAndControlCharactersAndAreCut() {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("device", "phone\r\nBcc: mallory@evil.example\u202E");
    facts.put("by", "x".repeat(500));
    facts.put("methodsRemoved", "2");

    Notice notice = notices.send(alice.id(), NoticeKind.MFA_RESET, request, facts);

    assertThat(notice.facts().get("device"))
        .isEqualTo("phone  Bcc: mallory@evil.example")
        .doesNotContain("\r")
        .doesNotContain("\n");
    assertThat(notice.facts().get("by")).hasSize(Notices.MAX_FACT_LENGTH);
    assertThat(notice.facts().keySet()).containsExactly("device", "by", "methodsRemoved");
  }

  @Test
  void theAddressIsTakenWhenTheNoticeIsWritten() {
    Notice before = notices.send(alice.id(), NoticeKind.METHOD_ADDED, request, Map.of());
    users.setEmail(alice.id(), EmailAddress.of("new@example.com"));
    Notice after = notices.send(alice.id(), NoticeKind.METHOD_ADDED, request, Map.of());

    assertThat(before.recipient()).isEqualTo(ALICE);
    assertThat(after.recipient()).isEqualTo(EmailAddress.of("new@example.com"));
  }

  @Test
  void changingTheAddressTellsTheOldOneAndIsAuditedWithTheAdmin() {
    NoticeAddresses addresses =
        new NoticeAddresses(users, notices, new DirectTransactions(), audit, clock);
    RequestContext admin = Requests.by("root");

    User changed = addresses.change(alice, "Alice@Example.ORG", admin);

    assertThat(changed.email()).isEqualTo(EmailAddress.of("Alice@example.org"));
    Notice told = store.all().get(0);
    assertThat(told.kind()).isEqualTo(NoticeKind.EMAIL_CHANGED);
    assertThat(told.recipient()).isEqualTo(ALICE);
    assertThat(told.facts()).containsEntry("by", "root");
    AuditEvent event = audit.single(AuditEventType.USER_EMAIL_CHANGED);
    assertThat(event.actor()).isEqualTo("root");
    assertThat(event.detail()).contains("alice@example.com").contains("Alice@example.org");

    addresses.change(changed, "Alice@example.org", admin);
    assertThat(store.all()).hasSize(1);
    assertThat(audit.ofType(AuditEventType.USER_EMAIL_CHANGED)).hasSize(1);

    User removed = addresses.change(changed, null, admin);
    assertThat(removed.email()).isNull();
    assertThat(store.all().get(1).recipient()).isEqualTo(EmailAddress.of("Alice@example.org"));

    User firstAddress = addresses.change(removed, "a2@example.com", admin);
    assertThat(firstAddress.email().value()).isEqualTo("a2@example.com");
    assertThat(store.all().get(2).recipient()).isEqualTo(EmailAddress.of("a2@example.com"));
  }
}
