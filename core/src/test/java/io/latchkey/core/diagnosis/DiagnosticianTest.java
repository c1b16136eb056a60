package io.latchkey.core.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.testing.InMemoryAuditLog;
import io.latchkey.core.testing.InMemoryUserRepository;
import io.latchkey.core.testing.MutableClock;
import io.latchkey.core.testing.Requests;
import io.latchkey.core.user.User;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The verdict in the reader's language: the same finding in English and Japanese, each naming the
 * user, the time and who acted, with what the audit records say quoted as recorded.
 */
class DiagnosticianTest {
  private static final Instant T0 = Instant.parse("2026-05-04T10:00:00Z");

  private final MutableClock clock = new MutableClock(T0);
  private final InMemoryAuditLog audit = new InMemoryAuditLog();
  private final InMemoryUserRepository users = new InMemoryUserRepository();
  private final Diagnostician diagnostician = new Diagnostician(audit, users, clock);

  @Test
  void aBlockByAnAdministratorIsExplainedInEnglishAndInJapanese() {
    User alice = users.add("alice", T0);
    RequestContext admin = Requests.by("ops");
    users.block(alice.id(), "laptop stolen", T0);
    audit.record(
        AuditEvent.of(AuditEventType.USER_BLOCKED, admin, T0)
            .user(alice.id(), "alice")
            .reason("admin")
            .detail("blocked by ops: laptop stolen")
            .build());
    clock.advance(Duration.ofMinutes(5));
    RequestContext attempt = Requests.by("alice");
    audit.record(
        AuditEvent.of(AuditEventType.VERIFICATION_REJECTED, attempt, clock.instant())
            .user(alice.id(), "alice")
            .failure("user_blocked")
            .detail("the user is blocked")
            .build());

    Diagnosis diagnosis = diagnostician.diagnose(attempt.correlationId());

    Finding finding = diagnosis.findings().getFirst();
    assertThat(finding.code()).isEqualTo("user_blocked");
    assertThat(finding.cause())
        .isEqualTo(
            "The user alice is blocked since "
                + T0
                + " by ops: laptop stolen. Every sign-in, registration and code is"
                + " refused until an administrator unblocks.");
    assertThat(finding.remedy())
        .isEqualTo(
            "The block is an administrator's decision, for the reason above; nothing the user"
                + " did set it off. Unblock when that reason no longer applies: latchkey admin"
                + " unblock alice --reason \"...\".");
    assertThat(finding.cause(Locale.JAPANESE))
        .isEqualTo(
            "ユーザー alice は "
                + T0
                + " から ops によりブロックされています: laptop stolen。"
                + "管理者がブロックを解除するまで、サインイン、登録、コードはすべて拒否されます。");
    assertThat(finding.remedy(Locale.JAPANESE)).contains("latchkey admin unblock alice");
    assertThat(diagnosis.summary(Locale.JAPANESE)).isEqualTo(finding.cause(Locale.JAPANESE));

    users.unblock(alice.id());
    assertThat(
            diagnostician
                .diagnose(attempt.correlationId())
                .findings()
                .getFirst()
                .cause(Locale.JAPANESE))
        .endsWith("。（その後、ブロックは解除されています。）");
  }

  @Test
  void anAutomaticBlockDuringARequestOfNobodyNamesTheSystem() {
    User bob = users.add("bob", T0);
    RequestContext system = Requests.by("");
    users.block(bob.id(), "too many", T0);
    audit.record(
        AuditEvent.of(AuditEventType.USER_BLOCKED, system, T0)
            .user(bob.id(), "bob")
            .reason("too_many_failures")
            .detail("Blocked automatically after 5 consecutive failed attempts.")
            .build());

    Finding finding = diagnostician.diagnose(system.correlationId()).findings().getFirst();

    assertThat(finding.cause())
        .startsWith(
            "The user bob is blocked since "
                + T0
                + " automatically (by policy, during a request of the system): Blocked");
    assertThat(finding.cause(Locale.JAPANESE))
        .startsWith("ユーザー bob は " + T0 + " から、システム の要求の際にポリシーにより自動的にブロックされています");
  }

  @Test
  void eventsNoRuleExplainsSaySoInBothLanguages() {
    RequestContext context = Requests.by("ops");
    audit.record(
        AuditEvent.of(AuditEventType.API_KEY_CREATED, context, T0).detail("key made").build());

    Diagnosis diagnosis = diagnostician.diagnose(context.correlationId());

    assertThat(diagnosis.explained()).isFalse();
    assertThat(diagnosis.summary(Locale.ENGLISH)).startsWith("No rule explains these events");
    assertThat(diagnosis.summary(Locale.JAPANESE)).startsWith("これらのイベントを説明できる規則はありません");
  }
}
