package io.latchkey.store;

import static io.latchkey.store.SqlValues.bool;
import static io.latchkey.store.SqlValues.clip;
import static io.latchkey.store.SqlValues.instant;
import static io.latchkey.store.SqlValues.time;
import static io.latchkey.store.SqlValues.uuid;

import io.latchkey.core.method.MethodId;
import io.latchkey.core.push.KeyAlgorithm;
import io.latchkey.core.push.Posture;
import io.latchkey.core.push.PushDevice;
import io.latchkey.core.push.PushDevice.DeviceState;
import io.latchkey.core.push.PushDeviceRepository;
import io.latchkey.core.user.UserId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Push devices in {@code push_devices}: public keys and self-reported posture, nothing secret.
 * Activation and revocation are each one conditional {@code UPDATE} judged by its row count; a
 * CHECK constraint keeps the method and the revocation time consistent with the state.
 */
public final class JdbcPushDeviceRepository implements PushDeviceRepository {
  private static final String COLUMNS =
      "id, user_id, method_id, flow_id, name, key_algorithm, public_key, storage_encrypted,"
          + " rooted, notifications_enabled, app_version, device_clock, posture_overridden, state,"
          + " activated_at, activated_ip";
  private static final int MAX_NAME = 200;
  private static final int MAX_IP = 100;

  private final JdbcClient jdbc;

  public JdbcPushDeviceRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Inserts a PENDING device, or an ACTIVE one with its method; never a REVOKED one. */
  @Override
  public void insert(PushDevice device) {
    if (device.state() == DeviceState.REVOKED) {
      throw new IllegalArgumentException("a new device is PENDING or ACTIVE, not REVOKED");
    }
    Posture posture = device.posture();
    jdbc.sql(
            "INSERT INTO push_devices (id, user_id, method_id, flow_id, name, key_algorithm,"
                + " public_key, storage_encrypted, rooted, notifications_enabled, app_version,"
                + " device_clock, posture_overridden, state, activated_at, activated_ip,"
                + " last_seen_at, revoked_at) VALUES (:id, :userId, :methodId, :flowId, :name,"
                + " :algorithm, :publicKey, :storageEncrypted, :rooted, :notifications,"
                + " :appVersion, :deviceClock, :overridden, :state, :activatedAt, :activatedIp,"
                + " NULL, NULL)")
        .param("id", device.id())
        .param("userId", device.userId().value())
        .param("methodId", uuid(device.methodId() == null ? null : device.methodId().value()))
        .param("flowId", device.flowId())
        .param("name", clip(nullToEmpty(device.name()), MAX_NAME))
        .param("algorithm", device.algorithm().name())
        .param("publicKey", device.publicKey())
        .param("storageEncrypted", bool(posture.storageEncrypted()))
        .param("rooted", bool(posture.rooted()))
        .param("notifications", bool(posture.notificationsEnabled()))
        .param("appVersion", posture.appVersion())
        .param("deviceClock", time(posture.deviceClock()))
        .param("overridden", posture.overridden())
        .param("state", device.state().name())
        .param("activatedAt", time(device.activatedAt()))
        .param("activatedIp", clip(nullToEmpty(device.activatedIp()), MAX_IP))
        .update();
  }

  @Override
  public Optional<PushDevice> findById(UUID id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM push_devices WHERE id = :id")
        .param("id", id)
        .query(JdbcPushDeviceRepository::device)
        .optional();
  }

  /** Oldest activation first. */
  @Override
  public List<PushDevice> listActive(UserId userId) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM push_devices WHERE user_id = :userId AND state = 'ACTIVE'"
                + " ORDER BY activated_at, id")
        .param("userId", userId.value())
        .query(JdbcPushDeviceRepository::device)
        .list();
  }

  @Override
  public boolean activate(UUID id, MethodId methodId) {
    return jdbc.sql(
                "UPDATE push_devices SET state = 'ACTIVE', method_id = :methodId"
                    + " WHERE id = :id AND state = 'PENDING'")
            .param("methodId", methodId.value())
            .param("id", id)
            .update()
        == 1;
  }

  @Override
  public boolean revoke(UUID id, Instant at) {
    return jdbc.sql(
                "UPDATE push_devices SET state = 'REVOKED', revoked_at = :at"
                    + " WHERE id = :id AND state <> 'REVOKED'")
            .param("at", time(at))
            .param("id", id)
            .update()
        == 1;
  }

  /** Only moves forward: a late, older touch from another node does not turn the time back. */
  @Override
  public void touch(UUID id, Instant at) {
    jdbc.sql(
            "UPDATE push_devices SET last_seen_at = :at"
                + " WHERE id = :id AND (last_seen_at IS NULL OR last_seen_at < :at)")
        .param("at", time(at))
        .param("id", id)
        .update();
  }

  /** The posture columns are replaced too: they describe the phone that now holds the key. */
  @Override
  public boolean rebind(UUID id, KeyAlgorithm algorithm, byte[] publicKey, Posture posture) {
    return jdbc.sql(
                "UPDATE push_devices SET key_algorithm = :algorithm, public_key = :publicKey,"
                    + " storage_encrypted = :storageEncrypted, rooted = :rooted,"
                    + " notifications_enabled = :notifications, app_version = :appVersion,"
                    + " device_clock = :deviceClock, posture_overridden = :overridden"
                    + " WHERE id = :id AND state = 'ACTIVE'")
            .param("algorithm", algorithm.name())
            .param("publicKey", publicKey)
            .param("storageEncrypted", bool(posture.storageEncrypted()))
            .param("rooted", bool(posture.rooted()))
            .param("notifications", bool(posture.notificationsEnabled()))
            .param("appVersion", posture.appVersion())
            .param("deviceClock", time(posture.deviceClock()))
            .param("overridden", posture.overridden())
            .param("id", id)
            .update()
        == 1;
  }

  private static PushDevice device(ResultSet rs, int row) throws SQLException {
    UUID methodId = uuid(rs, "method_id");
    return new PushDevice(
        uuid(rs, "id"),
        new UserId(uuid(rs, "user_id")),
        methodId == null ? null : new MethodId(methodId),
        uuid(rs, "flow_id"),
        rs.getString("name"),
        KeyAlgorithm.valueOf(rs.getString("key_algorithm")),
        rs.getBytes("public_key"),
        new Posture(
            bool(rs, "storage_encrypted"),
            bool(rs, "rooted"),
            bool(rs, "notifications_enabled"),
            rs.getString("app_version"),
            instant(rs, "device_clock"),
            rs.getBoolean("posture_overridden")),
        DeviceState.valueOf(rs.getString("state")),
        instant(rs, "activated_at"),
        rs.getString("activated_ip"));
  }

  private static String nullToEmpty(String text) {
    return text == null ? "" : text;
  }
}
