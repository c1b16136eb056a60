package io.latchkey.core.push;

import static io.latchkey.core.testing.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.cloudbackup.RecoveryNotice;
import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.method.MethodId;
import io.latchkey.core.testing.CoreFixture;
import io.latchkey.core.testing.DirectTransactions;
import io.latchkey.core.testing.Requests;
import io.latchkey.core.user.User;
import io.latchkey.core.user.UserId;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DeviceRebindingTest {
  private static final String PATH = "/api/v1/user/devices/ID/rebind";
  private static final Posture NEW_PHONE = new Posture(true, false, true, "0.2", null, false);

  private final CoreFixture core = new CoreFixture(10);
  private final Devices devices = new Devices();
  private final List<Map<String, String>> notices = new ArrayList<>();
  private PushPolicy policy = PushPolicy.defaults();
  private final RecoveryNotice notice = (user, context, facts) -> notices.add(facts);
  private final DeviceRebinding rebinding =
      new DeviceRebinding(
          devices, new DirectTransactions(), core.audit, core.clock, () -> policy, notice);
  private final RequestContext context = Requests.by("alice");
  private final User alice = core.addUser("alice");

  @Test
  void theNewKeyReplacesTheOldOneAndTheUserIsTold() {
    PushDevice device = devices.active(alice.id());
    KeyPair keys = KeyAlgorithm.ED25519.generate();

    DeviceRebinding.Rebound rebound = rebinding.rebind(alice, signed(device, keys, 0), context);

    assertThat(rebound.device().publicKey()).isEqualTo(keys.getPublic().getEncoded());
    assertThat(rebound.device().publicKey()).isNotEqualTo(device.publicKey());
    assertThat(core.audit.single(AuditEventType.PUSH_DEVICE_REBOUND).userId())
        .isEqualTo(alice.id());
    assertThat(notices).singleElement().satisfies(f -> assertThat(f).containsKey("device"));
  }

  @Test
  void aRequestNotSignedByTheNewKeyOrTooOldIsRefused() {
    PushDevice device = devices.active(alice.id());
    KeyPair keys = KeyAlgorithm.ED25519.generate();
    KeyPair other = KeyAlgorithm.ED25519.generate();
    DeviceRebinding.Request forged =
        new DeviceRebinding.Request(
            device.id(),
            KeyAlgorithm.ED25519,
            keys.getPublic().getEncoded(),
            NEW_PHONE,
            signed(device, other, 0).proof());
    assertRefused(() -> rebinding.rebind(alice, forged, context), ErrorCode.UNAUTHORIZED);
    assertRefused(
        () -> rebinding.rebind(alice, signed(device, keys, -301), context), ErrorCode.UNAUTHORIZED);
    assertThat(devices.findById(device.id()).orElseThrow().publicKey())
        .isEqualTo(device.publicKey());
    assertThat(core.audit.ofType(AuditEventType.PUSH_DEVICE_REBIND_REJECTED)).hasSize(2);
    assertThat(notices).isEmpty();
  }

  @Test
  void anotherUsersDeviceOrOneThatIsNotActiveCannotBeRebound() {
    User bob = core.addUser("bob");
    PushDevice bobs = devices.active(bob.id());
    KeyPair keys = KeyAlgorithm.ED25519.generate();
    assertRefused(
        () -> rebinding.rebind(alice, signed(bobs, keys, 0), context), ErrorCode.NOT_FOUND);
    PushDevice mine = devices.active(alice.id());
    devices.revoke(mine.id(), core.clock.instant());
    assertRefused(
        () -> rebinding.rebind(alice, signed(mine, keys, 0), context), ErrorCode.CONFLICT);
  }

  @Test
  void aPostureRuleSetToRefuseRefusesTheNewPhone() {
    policy = PushPolicy.defaults().withPosture(PostureRule.NOT_ROOTED, RuleAction.REFUSE);
    PushDevice device = devices.active(alice.id());
    KeyPair keys = KeyAlgorithm.ED25519.generate();
    Posture rooted = new Posture(true, true, true, "0.2", null, false);
    DeviceRebinding.Request good = signed(device, keys, 0);
    DeviceRebinding.Request request =
        new DeviceRebinding.Request(
            good.deviceId(), good.algorithm(), good.publicKey(), rooted, good.proof());
    var refusal =
        assertRefused(
            () -> rebinding.rebind(alice, request, context), ErrorCode.DEVICE_NOT_COMPLIANT);
    assertThat(refusal.explanations()).containsExactly("posture.not_rooted.refused");
  }

  private DeviceRebinding.Request signed(PushDevice device, KeyPair keys, long skewSeconds) {
    long at = core.clock.instant().getEpochSecond() + skewSeconds;
    byte[] body = ("{\"publicKey\":\"" + device.id() + "\"}").getBytes();
    byte[] signature =
        KeyAlgorithm.ED25519.sign(
            keys.getPrivate(), DeviceSignatures.request("POST", PATH, at, body));
    return new DeviceRebinding.Request(
        device.id(),
        KeyAlgorithm.ED25519,
        keys.getPublic().getEncoded(),
        NEW_PHONE,
        new SignedRequest("POST", PATH, at, body, signature));
  }

  private static final class Devices implements PushDeviceRepository {
    private final Map<UUID, PushDevice> rows = new LinkedHashMap<>();

    PushDevice active(UserId user) {
      PushDevice device =
          new PushDevice(
              UUID.randomUUID(),
              user,
              MethodId.random(),
              UUID.randomUUID(),
              "old phone",
              KeyAlgorithm.ED25519,
              KeyAlgorithm.ED25519.generate().getPublic().getEncoded(),
              NEW_PHONE,
              PushDevice.DeviceState.ACTIVE,
              CoreFixture.START,
              "192.0.2.1");
      insert(device);
      return device;
    }

    @Override
    public void insert(PushDevice device) {
      rows.put(device.id(), device);
    }

    @Override
    public Optional<PushDevice> findById(UUID id) {
      return Optional.ofNullable(rows.get(id));
    }

    @Override
    public List<PushDevice> listActive(UserId userId) {
      return rows.values().stream().filter(d -> d.userId().equals(userId)).toList();
    }

    @Override
    public boolean activate(UUID id, MethodId methodId) {
      return false;
    }

    @Override
    public boolean revoke(UUID id, Instant at) {
      PushDevice d = rows.get(id);
      rows.put(
          id,
          new PushDevice(
              d.id(),
              d.userId(),
              d.methodId(),
              d.flowId(),
              d.name(),
              d.algorithm(),
              d.publicKey(),
              d.posture(),
              PushDevice.DeviceState.REVOKED,
              d.activatedAt(),
              d.activatedIp()));
      return true;
    }

    @Override
    public void touch(UUID id, Instant at) {}

    @Override
    public boolean rebind(UUID id, KeyAlgorithm algorithm, byte[] publicKey, Posture posture) {
      PushDevice d = rows.get(id);
      if (d == null || d.state() != PushDevice.DeviceState.ACTIVE) {
        return false;
      }
      rows.put(
          id,
          new PushDevice(
              d.id(),
              d.userId(),
              d.methodId(),
              d.flowId(),
              d.name(),
              algorithm,
              publicKey,
              posture,
              d.state(),
              d.activatedAt(),
              d.activatedIp()));
      return true;
    }
  }
}
