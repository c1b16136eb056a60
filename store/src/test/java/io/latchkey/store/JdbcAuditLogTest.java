package io.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditQuery;
import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.user.UserId;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdbcAuditLogTest extends StoreTest {
  private JdbcAuditLog audit;

  @BeforeEach
  void log() {
    audit = new JdbcAuditLog(jdbc);
  }

  @Test
  void recordedEventReadsBackUnchanged() {
    CorrelationId request = CorrelationId.random(RANDOM);
    UUID flow = UUID.randomUUID();
    UserId user = UserId.random();
    AuditEvent event =
        AuditEvent.of(AuditEventType.REGISTRATION_TIMED_OUT, context(request), T0)
            .flow(flow)
            .user(user, "alice")
            .failure("enrollment_timed_out")
            .detail("No code arrived before the deadline. The pending secret was erased.")
            .build();
    AuditEvent bare =
        new AuditEvent(
            T0.plusSeconds(1),
            AuditEventType.API_KEY_REJECTED,
            false,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null);

    audit.record(event);
    audit.record(bare);

    assertThat(audit.search(all())).containsExactly(event, bare);
  }

  @Test
  void auditSearchByCorrelationIdReturnsTheWholeFlow() {
    UUID flow = UUID.randomUUID();
    CorrelationId started = CorrelationId.random(RANDOM);
    CorrelationId rejected = CorrelationId.random(RANDOM);
    CorrelationId completed = CorrelationId.random(RANDOM);
    CorrelationId elsewhere = CorrelationId.random(RANDOM);
    AuditEvent signIn = event(AuditEventType.SIGN_IN_SUCCEEDED, started, null, T0);
    AuditEvent start = event(AuditEventType.REGISTRATION_STARTED, started, flow, T0.plusSeconds(1));
    AuditEvent wrong =
        event(AuditEventType.REGISTRATION_CODE_REJECTED, rejected, flow, T0.plusSeconds(20));
    AuditEvent unrelated =
        event(
            AuditEventType.REGISTRATION_STARTED, elsewhere, UUID.randomUUID(), T0.plusSeconds(21));
    AuditEvent done =
        event(AuditEventType.REGISTRATION_COMPLETED, completed, flow, T0.plusSeconds(40));
    AuditEvent sameRequestLater =
        event(AuditEventType.VERIFICATION_ACCEPTED, rejected, null, T0.plusSeconds(41));
    for (AuditEvent each :
        new AuditEvent[] {done, unrelated, start, sameRequestLater, signIn, wrong}) {
      audit.record(each);
    }

    assertThat(audit.search(AuditQuery.byCorrelationId(started)))
        .containsExactly(signIn, start, wrong, done);
    assertThat(audit.search(AuditQuery.byCorrelationId(rejected)))
        .containsExactly(start, wrong, done, sameRequestLater);
    assertThat(audit.search(AuditQuery.byCorrelationId(CorrelationId.random(RANDOM)))).isEmpty();
  }

  @Test
  void searchCombinesUserTypeOutcomeAndTimeFilters() {
    UserId alice = UserId.random();
    UserId bob = UserId.random();
    AuditEvent aliceFailed = failedVerification(alice, T0);
    AuditEvent aliceLaterFailed = failedVerification(alice, T0.plusSeconds(60));
    AuditEvent bobFailed = failedVerification(bob, T0.plusSeconds(10));
    AuditEvent aliceAccepted =
        AuditEvent.of(
                AuditEventType.VERIFICATION_ACCEPTED,
                context(CorrelationId.random(RANDOM)),
                T0.plusSeconds(30))
            .user(alice, "alice")
            .build();
    for (AuditEvent each :
        new AuditEvent[] {aliceFailed, aliceLaterFailed, bobFailed, aliceAccepted}) {
      audit.record(each);
    }

    assertThat(audit.search(new AuditQuery(null, alice, null, null, null, null, 100)))
        .containsExactly(aliceFailed, aliceAccepted, aliceLaterFailed);
    assertThat(
            audit.search(
                new AuditQuery(
                    null, null, AuditEventType.VERIFICATION_ACCEPTED, null, null, null, 100)))
        .containsExactly(aliceAccepted);
    assertThat(audit.search(new AuditQuery(null, alice, null, false, null, null, 100)))
        .containsExactly(aliceFailed, aliceLaterFailed);
    assertThat(
            audit.search(
                new AuditQuery(
                    null, null, null, null, T0.plusSeconds(10), T0.plusSeconds(60), 100)))
        .as("from is inclusive, to exclusive")
        .containsExactly(bobFailed, aliceAccepted);
  }

  @Test
  void searchIsOldestFirstAndStopsAtTheLimit() {
    CorrelationId request = CorrelationId.random(RANDOM);
    AuditEvent first = event(AuditEventType.SIGN_IN_FAILED, request, null, T0);
    AuditEvent sameInstant = event(AuditEventType.SIGN_IN_SUCCEEDED, request, null, T0);
    AuditEvent last = event(AuditEventType.SIGN_OUT, request, null, T0.plusSeconds(1));
    audit.record(last);
    audit.record(first);
    audit.record(sameInstant);

    assertThat(audit.search(new AuditQuery(null, null, null, null, null, null, 2)))
        .as("ties in time keep the order of recording")
        .containsExactly(first, sameInstant);
  }

  @Test
  void newestFirstGivesTheNewestEventsUpToTheLimit() {
    CorrelationId request = CorrelationId.random(RANDOM);
    AuditEvent first = event(AuditEventType.SIGN_IN_FAILED, request, null, T0);
    AuditEvent sameInstant = event(AuditEventType.SIGN_IN_SUCCEEDED, request, null, T0);
    AuditEvent last = event(AuditEventType.SIGN_OUT, request, null, T0.plusSeconds(1));
    audit.record(first);
    audit.record(last);
    audit.record(sameInstant);

    assertThat(audit.search(new AuditQuery(null, null, null, null, null, null, 2, true)))
        .as("the newest, and among ties the one recorded last")
        .containsExactly(last, sameInstant);
    assertThat(all().newestFirstQuery().newestFirst()).isTrue();
  }

  @Test
  void crLfInAUsernameCannotForgeALineEvenAfterStorage() {
    AuditEvent event =
        AuditEvent.of(AuditEventType.SIGN_IN_FAILED, context(CorrelationId.random(RANDOM)), T0)
            .user(null, "mallory\r\n2026-03-01 sign_in.succeeded admin")
            .failure("unknown_user")
            .build();

    audit.record(event);

    assertThat(audit.search(all()).get(0).username()).doesNotContain("\r", "\n");
  }

  private static AuditQuery all() {
    return new AuditQuery(null, null, null, null, null, null, 0);
  }

  private static RequestContext context(CorrelationId id) {
    return new RequestContext(id, "203.0.113.9", "Mozilla/5.0 (test)", "alice");
  }

  private static AuditEvent event(
      AuditEventType type, CorrelationId request, UUID flow, Instant at) {
    return AuditEvent.of(type, context(request), at).flow(flow).build();
  }

  private static AuditEvent failedVerification(UserId user, Instant at) {
    return AuditEvent.of(
            AuditEventType.VERIFICATION_REJECTED, context(CorrelationId.random(RANDOM)), at)
        .user(user, "someone")
        .failure("invalid_code")
        .build();
  }
}
