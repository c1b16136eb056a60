package io.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.core.method.Method;
import io.latchkey.core.push.KeyAlgorithm;
import io.latchkey.core.push.Posture;
import io.latchkey.core.push.PushDevice;
import io.latchkey.core.push.PushDevice.DeviceState;
import io.latchkey.core.user.User;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;

class JdbcPushDeviceRepositoryTest extends StoreTest {
  private JdbcPushDeviceRepository devices;
  private User alice;

  @BeforeEach
  void repository() {
    devices = new JdbcPushDeviceRepository(jdbc);
    alice = insertUser("alice");
  }

  @Test
  void everyFieldReadsBackIncludingThePublicKeyAndPosture() {
    byte[] publicKey = KeyAlgorithm.EC_P256.generate().getPublic().getEncoded();
    PushDevice device =
        new PushDevice(
            UUID.randomUUID(),
            alice.id(),
            null,
            UUID.randomUUID(),
            "alice's phone",
            KeyAlgorithm.EC_P256,
            publicKey,
            new Posture(true, false, true, "1.2.3", T0.plusSeconds(7), true),
            DeviceState.PENDING,
            T0,
            "2001:db8::7");

    devices.insert(device);

    assertThat(devices.findById(device.id()))
        .hasValueSatisfying(
            found -> {
              assertThat(found).usingRecursiveComparison().isEqualTo(device);
              assertThat(found.publicKey()).isEqualTo(publicKey);
            });
    assertThat(devices.findById(UUID.randomUUID())).isEmpty();
  }

  @Test
  void unknownPostureValuesStayUnknown() {
    PushDevice device = pushDevice(alice, new Posture(null, null, null, null, null, false), T0);

    devices.insert(device);

    Posture posture = devices.findById(device.id()).orElseThrow().posture();
    assertThat(posture.storageEncrypted()).isNull();
    assertThat(posture.rooted()).isNull();
    assertThat(posture.notificationsEnabled()).isNull();
    assertThat(posture.appVersion()).isEmpty();
    assertThat(posture.deviceClock()).isNull();
    assertThat(posture.overridden()).isFalse();
    assertThat(devices.findById(device.id()).orElseThrow())
        .usingRecursiveComparison()
        .isEqualTo(device);
  }

  @Test
  void activateHappensOnceAndOnlyFromPending() throws Exception {
    PushDevice device = pushDevice(alice, detected(), T0);
    devices.insert(device);
    Method method = insertPushMethod(alice);

    List<Boolean> results = race(20, () -> devices.activate(device.id(), method.id()));

    assertThat(results).containsOnlyOnce(true);
    PushDevice active = devices.findById(device.id()).orElseThrow();
    assertThat(active.state()).isEqualTo(DeviceState.ACTIVE);
    assertThat(active.methodId()).isEqualTo(method.id());
    assertThat(devices.activate(device.id(), insertPushMethod(alice).id())).isFalse();
    assertThat(devices.activate(UUID.randomUUID(), method.id())).isFalse();
  }

  @Test
  void listActiveListsOnlyTheUsersActiveDevicesOldestFirst() {
    User bob = insertUser("bob");
    PushDevice newer = pushDevice(alice, detected(), T0.plusSeconds(60));
    PushDevice older = pushDevice(alice, detected(), T0);
    PushDevice pending = pushDevice(alice, detected(), T0);
    PushDevice revoked = pushDevice(alice, detected(), T0);
    PushDevice bobs = pushDevice(bob, detected(), T0);
    for (PushDevice each : List.of(newer, older, pending, revoked, bobs)) {
      devices.insert(each);
    }
    devices.activate(newer.id(), insertPushMethod(alice).id());
    devices.activate(older.id(), insertPushMethod(alice).id());
    devices.activate(revoked.id(), insertPushMethod(alice).id());
    devices.activate(bobs.id(), insertPushMethod(bob).id());
    devices.revoke(revoked.id(), T0.plusSeconds(90));

    assertThat(devices.listActive(alice.id()))
        .extracting(PushDevice::id)
        .containsExactly(older.id(), newer.id());
  }

  @Test
  void revokeHappensOnceFromPendingOrActive() {
    PushDevice pending = pushDevice(alice, detected(), T0);
    PushDevice active = pushDevice(alice, detected(), T0);
    devices.insert(pending);
    devices.insert(active);
    devices.activate(active.id(), insertPushMethod(alice).id());

    assertThat(devices.revoke(pending.id(), T0.plusSeconds(5))).isTrue();
    assertThat(devices.revoke(active.id(), T0.plusSeconds(5))).isTrue();
    assertThat(devices.revoke(active.id(), T0.plusSeconds(6))).isFalse();
    assertThat(devices.activate(pending.id(), insertPushMethod(alice).id()))
        .as("a revoked device is never activated")
        .isFalse();

    assertThat(devices.findById(active.id()).orElseThrow().state()).isEqualTo(DeviceState.REVOKED);
    assertThat(revokedAt(active)).isEqualTo(T0.plusSeconds(5));
    assertThat(devices.listActive(alice.id())).isEmpty();
  }

  @Test
  void touchOnlyMovesTheLastSeenTimeForward() {
    PushDevice device = pushDevice(alice, detected(), T0);
    devices.insert(device);

    devices.touch(device.id(), T0.plusSeconds(10));
    assertThat(lastSeenAt(device)).isEqualTo(T0.plusSeconds(10));
    devices.touch(device.id(), T0.plusSeconds(5));
    assertThat(lastSeenAt(device)).isEqualTo(T0.plusSeconds(10));
    devices.touch(device.id(), T0.plusSeconds(30));
    assertThat(lastSeenAt(device)).isEqualTo(T0.plusSeconds(30));
  }

  @Test
  void insertRefusesARevokedDevice() {
    PushDevice device = pushDevice(alice, detected(), T0);
    PushDevice revoked =
        new PushDevice(
            device.id(),
            device.userId(),
            null,
            device.flowId(),
            device.name(),
            device.algorithm(),
            device.publicKey(),
            device.posture(),
            DeviceState.REVOKED,
            device.activatedAt(),
            device.activatedIp());

    assertThatThrownBy(() -> devices.insert(revoked)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theDatabaseRefusesAnActiveDeviceWithoutAMethod() {
    PushDevice device = pushDevice(alice, detected(), T0);
    devices.insert(device);

    assertThatThrownBy(
            () ->
                jdbc.sql("UPDATE push_devices SET state = 'ACTIVE' WHERE id = :id")
                    .param("id", device.id())
                    .update())
        .isInstanceOf(DataIntegrityViolationException.class);
  }

  @Test
  void removingTheMethodOrTheUserRemovesTheDevice() {
    User bob = insertUser("bob");
    PushDevice alices = pushDevice(alice, detected(), T0);
    PushDevice bobs = pushDevice(bob, detected(), T0);
    devices.insert(alices);
    devices.insert(bobs);
    devices.activate(alices.id(), insertPushMethod(alice).id());

    new JdbcMethodRepository(jdbc).deleteAllForUser(alice.id());
    jdbc.sql("DELETE FROM users WHERE id = :id").param("id", bob.id().value()).update();

    assertThat(devices.findById(alices.id())).isEmpty();
    assertThat(devices.findById(bobs.id())).isEmpty();
  }

  private Instant lastSeenAt(PushDevice device) {
    return timestamp("last_seen_at", device);
  }

  private Instant revokedAt(PushDevice device) {
    return timestamp("revoked_at", device);
  }

  private Instant timestamp(String column, PushDevice device) {
    return jdbc.sql("SELECT " + column + " FROM push_devices WHERE id = :id")
        .param("id", device.id())
        .query((rs, row) -> SqlValues.instant(rs, column))
        .single();
  }

  @Test
  void rebindingReplacesTheKeyAndPostureOfAnActiveDeviceOnly() {
    PushDevice active = insertActiveDevice(alice, T0);
    byte[] newKey = KeyAlgorithm.EC_P256.generate().getPublic().getEncoded();
    Posture newPhone = new Posture(true, false, false, "0.2.0", T0.plusSeconds(60), true);

    assertThat(devices.rebind(active.id(), KeyAlgorithm.EC_P256, newKey, newPhone)).isTrue();

    PushDevice rebound = devices.findById(active.id()).orElseThrow();
    assertThat(rebound.publicKey()).isEqualTo(newKey);
    assertThat(rebound.algorithm()).isEqualTo(KeyAlgorithm.EC_P256);
    assertThat(rebound.posture()).isEqualTo(newPhone);
    assertThat(rebound.state()).isEqualTo(DeviceState.ACTIVE);
    assertThat(rebound.methodId()).isEqualTo(active.methodId());

    PushDevice pending = pushDevice(alice, detected(), T0);
    devices.insert(pending);
    assertThat(devices.rebind(pending.id(), KeyAlgorithm.ED25519, newKey, newPhone)).isFalse();
    devices.revoke(active.id(), T0.plusSeconds(5));
    assertThat(devices.rebind(active.id(), KeyAlgorithm.ED25519, newKey, newPhone)).isFalse();
    assertThat(devices.findById(pending.id()).orElseThrow().publicKey())
        .isEqualTo(pending.publicKey());
  }
}
