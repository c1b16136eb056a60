package io.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.alert.Alert;
import io.latchkey.core.audit.CorrelationId;
import io.latchkey.core.user.User;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdbcAlertRepositoryTest extends StoreTest {
  private JdbcAlertRepository alerts;
  private User alice;

  @BeforeEach
  void repository() {
    alerts = new JdbcAlertRepository(jdbc);
    alice = insertUser("alice");
  }

  @Test
  void anAlertReadsBackWithEveryField() {
    Alert alert =
        new Alert(
            UUID.randomUUID(),
            T0,
            "push_fraud_reported",
            alice.id(),
            "alice",
            "alice reported a sign-in request from 192.0.2.44 as fraud",
            CorrelationId.random(RANDOM),
            null);
    Alert bare =
        new Alert(UUID.randomUUID(), T0.minusSeconds(1), "system", null, null, null, null, null);

    alerts.raise(alert);
    alerts.raise(bare);

    assertThat(alerts.recent(false, 10)).containsExactly(alert, bare);
  }

  @Test
  void findReadsOneAlertAcknowledgedOrNot() {
    Alert alert = alert(T0);
    alerts.raise(alert);

    assertThat(alerts.find(alert.id())).contains(alert);
    assertThat(alerts.acknowledge(alert.id(), T0.plusSeconds(5))).isTrue();
    assertThat(alerts.find(alert.id()).orElseThrow().acknowledgedAt()).isEqualTo(T0.plusSeconds(5));
    assertThat(alerts.find(UUID.randomUUID())).isEmpty();
  }

  @Test
  void recentListsNewestFirstEvenWithinOneInstant() {
    Alert oldest = alert(T0);
    Alert sameInstantFirst = alert(T0.plusSeconds(60));
    Alert sameInstantSecond = alert(T0.plusSeconds(60));
    Alert middle = alert(T0.plusSeconds(30));
    for (Alert each : List.of(oldest, sameInstantFirst, sameInstantSecond, middle)) {
      alerts.raise(each);
    }

    assertThat(alerts.recent(false, 10))
        .extracting(Alert::id)
        .containsExactly(sameInstantSecond.id(), sameInstantFirst.id(), middle.id(), oldest.id());
    assertThat(alerts.recent(false, 2))
        .extracting(Alert::id)
        .containsExactly(sameInstantSecond.id(), sameInstantFirst.id());
  }

  @Test
  void acknowledgedAlertsLeaveTheOpenList() {
    Alert first = alert(T0);
    Alert second = alert(T0.plusSeconds(10));
    alerts.raise(first);
    alerts.raise(second);

    assertThat(alerts.acknowledge(second.id(), T0.plusSeconds(60))).isTrue();
    assertThat(alerts.acknowledge(second.id(), T0.plusSeconds(70))).isFalse();
    assertThat(alerts.acknowledge(UUID.randomUUID(), T0.plusSeconds(70))).isFalse();

    assertThat(alerts.recent(true, 10)).extracting(Alert::id).containsExactly(first.id());
    assertThat(alerts.recent(false, 10))
        .extracting(Alert::acknowledgedAt)
        .containsExactly(T0.plusSeconds(60), null);
  }

  @Test
  void anAlertOutlivesItsUser() {
    Alert alert = alert(T0);
    alerts.raise(alert);

    jdbc.sql("DELETE FROM users WHERE id = :id").param("id", alice.id().value()).update();

    assertThat(alerts.recent(false, 10)).containsExactly(alert);
  }

  @Test
  void aVeryLongDetailIsShortenedNotRefused() {
    alerts.raise(
        new Alert(
            UUID.randomUUID(),
            T0,
            "push_blocked",
            alice.id(),
            "alice",
            "x".repeat(5000),
            null,
            null));

    assertThat(alerts.recent(false, 1))
        .singleElement()
        .satisfies(a -> assertThat(a.detail()).hasSize(2000));
  }

  private Alert alert(Instant raisedAt) {
    return new Alert(
        UUID.randomUUID(),
        raisedAt,
        "push_blocked",
        alice.id(),
        "alice",
        "pushes paused after 3 denials",
        CorrelationId.random(RANDOM),
        null);
  }
}
