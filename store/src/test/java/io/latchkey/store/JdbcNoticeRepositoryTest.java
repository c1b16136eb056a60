package io.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.notice.Notice;
import io.latchkey.core.notice.NoticeKind;
import io.latchkey.core.notice.NoticeStatus;
import io.latchkey.core.user.EmailAddress;
import io.latchkey.core.user.User;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdbcNoticeRepositoryTest extends StoreTest {
  private static final EmailAddress ALICE = EmailAddress.of("alice@example.com");

  private JdbcNoticeRepository notices;
  private User alice;

  @BeforeEach
  void repository() {
    notices = new JdbcNoticeRepository(jdbc);
    alice = insertUser("alice");
  }

  private Notice pending(Instant at, Map<String, String> facts) {
    return new Notice(
        UUID.randomUUID(),
        alice.id(),
        NoticeKind.METHOD_ADDED,
        at,
        "198.51.100.4",
        "Mozilla/5.0 (test)",
        CorrelationId.random(RANDOM),
        facts,
        ALICE,
        NoticeStatus.PENDING,
        0,
        at,
        null,
        null);
  }

  @Test
  void aStoredNoticeReadsBackWithItsFactsInOrderWhateverTheyContain() {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("method", "TOTP");
    facts.put("device", "Alice's phone & tablet = 100% ok %26 %3D");
    facts.put("by", "管理者");
    facts.put("empty", "");
    Notice notice = pending(T0, facts);
    notices.insert(notice);

    Notice read = notices.findById(notice.id()).orElseThrow();
    assertThat(read).isEqualTo(notice);
    assertThat(List.copyOf(read.facts().keySet()))
        .containsExactly("method", "device", "by", "empty");
  }

  @Test
  void recentIsNewestFirstAndOnlyTheUsersOwn() {
    Notice first = pending(T0, Map.of());
    Notice second = pending(T0.plusSeconds(60), Map.of());
    Notice sameInstant = pending(T0.plusSeconds(60), Map.of());
    notices.insert(first);
    notices.insert(second);
    notices.insert(sameInstant);
    User bob = insertUser("bob");
    notices.insert(
        new Notice(
            UUID.randomUUID(),
            bob.id(),
            NoticeKind.USER_BLOCKED,
            T0.plusSeconds(120),
            "",
            "",
            CorrelationId.random(RANDOM),
            Map.of(),
            null,
            NoticeStatus.NOT_SENT,
            0,
            null,
            null,
            "no_address"));

    assertThat(notices.recent(alice.id(), 10).stream().map(Notice::id))
        .containsExactly(sameInstant.id(), second.id(), first.id());
    assertThat(notices.recent(alice.id(), 2)).hasSize(2);
    assertThat(notices.recent(bob.id(), 10))
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.recipient()).isNull();
              assertThat(n.status()).isEqualTo(NoticeStatus.NOT_SENT);
            });
  }

  @Test
  void onlyDueNoticesAreOfferedAndAClaimCountsAnAttempt() {
    Notice now = pending(T0, Map.of());
    Notice later = pending(T0, Map.of());
    notices.insert(now);
    notices.insert(
        new Notice(
            later.id(),
            later.userId(),
            later.kind(),
            later.at(),
            later.ip(),
            later.userAgent(),
            later.correlationId(),
            later.facts(),
            later.recipient(),
            NoticeStatus.PENDING,
            0,
            T0.plusSeconds(300),
            null,
            null));

    assertThat(notices.due(T0, 10)).containsExactly(now.id());
    Notice claimed = notices.claim(now.id(), "token-1", T0, T0.plusSeconds(60)).orElseThrow();
    assertThat(claimed.status()).isEqualTo(NoticeStatus.SENDING);
    assertThat(claimed.attempts()).isEqualTo(1);
    assertThat(notices.due(T0, 10)).isEmpty();
    assertThat(notices.claim(now.id(), "token-2", T0, T0.plusSeconds(60))).isEmpty();
    assertThat(notices.claim(later.id(), "token-3", T0, T0.plusSeconds(60))).isEmpty();
    assertThat(notices.due(T0.plusSeconds(59), 10)).isEmpty();
    // At T0+300 the later one is due, and so is the first again: its claim expired at T0+60.
    assertThat(notices.due(T0.plusSeconds(300), 10)).containsExactly(now.id(), later.id());
  }

  @Test
  void onlyTheClaimsOwnerMarksItAndAnExpiredClaimCanBeTakenOver() {
    Notice notice = pending(T0, Map.of());
    notices.insert(notice);
    notices.claim(notice.id(), "dead-node", T0, T0.plusSeconds(60)).orElseThrow();

    assertThat(notices.claim(notice.id(), "other", T0.plusSeconds(59), T0.plusSeconds(120)))
        .isEmpty();
    Notice retaken =
        notices.claim(notice.id(), "other", T0.plusSeconds(60), T0.plusSeconds(120)).orElseThrow();
    assertThat(retaken.attempts()).isEqualTo(2);

    assertThat(notices.markSent(notice.id(), "dead-node", T0.plusSeconds(61))).isFalse();
    assertThat(notices.markSent(notice.id(), "other", T0.plusSeconds(61))).isTrue();
    Notice sent = notices.findById(notice.id()).orElseThrow();
    assertThat(sent.status()).isEqualTo(NoticeStatus.SENT);
    assertThat(sent.sentAt()).isEqualTo(T0.plusSeconds(61));
    assertThat(sent.nextAttemptAt()).isNull();
    assertThat(notices.markSent(notice.id(), "other", T0.plusSeconds(62))).isFalse();
    assertThat(notices.due(T0.plusSeconds(10_000), 10)).isEmpty();
  }

  @Test
  void aFailedAttemptWaitsForItsNextTimeAndTheLastOneEndsIt() {
    Notice notice = pending(T0, Map.of());
    notices.insert(notice);
    notices.claim(notice.id(), "t1", T0, T0.plusSeconds(60)).orElseThrow();
    assertThat(notices.reschedule(notice.id(), "t1", T0.plusSeconds(120), "connection refused"))
        .isTrue();
    Notice waiting = notices.findById(notice.id()).orElseThrow();
    assertThat(waiting.status()).isEqualTo(NoticeStatus.PENDING);
    assertThat(waiting.lastError()).isEqualTo("connection refused");
    assertThat(notices.due(T0.plusSeconds(119), 10)).isEmpty();
    assertThat(notices.due(T0.plusSeconds(120), 10)).containsExactly(notice.id());

    notices.claim(notice.id(), "t2", T0.plusSeconds(120), T0.plusSeconds(180)).orElseThrow();
    assertThat(notices.markFailed(notice.id(), "t1", "stale")).isFalse();
    assertThat(notices.markFailed(notice.id(), "t2", "connection refused " + "x".repeat(2000)))
        .isTrue();
    Notice failed = notices.findById(notice.id()).orElseThrow();
    assertThat(failed.status()).isEqualTo(NoticeStatus.FAILED);
    assertThat(failed.attempts()).isEqualTo(2);
    assertThat(failed.lastError()).hasSize(1000);
    assertThat(notices.due(T0.plusSeconds(100_000), 10)).isEmpty();
  }

  @Test
  void racingSendersClaimEachNoticeOnce() throws Exception {
    for (int i = 0; i < 5; i++) {
      Notice notice = pending(T0, Map.of());
      notices.insert(notice);
      List<Optional<Notice>> claims =
          race(
              16,
              () ->
                  notices.claim(notice.id(), UUID.randomUUID().toString(), T0, T0.plusSeconds(60)));
      assertThat(claims.stream().filter(Optional::isPresent)).hasSize(1);
      assertThat(notices.findById(notice.id()).orElseThrow().attempts()).isEqualTo(1);
    }
  }

  @Test
  void theFactsEncodingRoundTripsEveryEscape() {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("a", "%");
    facts.put("b", "%25%26%3D&=");
    facts.put("c", "=&%");
    assertThat(JdbcNoticeRepository.decode(JdbcNoticeRepository.encode(facts))).isEqualTo(facts);
    assertThat(JdbcNoticeRepository.decode("")).isEmpty();
  }
}
