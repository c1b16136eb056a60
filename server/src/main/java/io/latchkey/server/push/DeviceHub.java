package io.latchkey.server.push;

import io.latchkey.core.audit.AuditEvent;
import io.latchkey.core.audit.AuditEventType;
import io.latchkey.core.audit.AuditLog;
import io.latchkey.core.audit.RequestContext;
import io.latchkey.core.push.Challenge;
import io.latchkey.core.push.ChallengeService;
import io.latchkey.core.push.PushDevice;
import io.latchkey.core.push.PushDeviceRepository;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The devices connected to this node, each by a server-sent-event stream, and delivery of
 * challenges to them ({@link ChallengeBroadcast} tells every node about a new challenge). On
 * connect a device first gets every pending challenge it may answer (those created while it was
 * offline), then each new one as it is published. A challenge is sent at most once per connection.
 * Dead connections are found by a keep-alive comment every 15 s.
 */
@Component
public class DeviceHub implements org.springframework.context.SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(DeviceHub.class);

  private final Map<UUID, Set<Connection>> byUser = new ConcurrentHashMap<>();
  private final ObjectProvider<ChallengeService> challenges;
  private final PushDeviceRepository devices;
  private final AuditLog audit;
  private final Clock clock;
  private final JsonMapper json = JsonMapper.builder().build();

  public DeviceHub(
      ObjectProvider<ChallengeService> challenges,
      PushDeviceRepository devices,
      AuditLog audit,
      Clock clock,
      MeterRegistry meters) {
    this.challenges = challenges;
    this.devices = devices;
    this.audit = audit;
    this.clock = clock;
    Gauge.builder("latchkey.devices.connected", this, DeviceHub::connected)
        .description("Push devices with an open stream to this node")
        .register(meters);
  }

  /** Opens a stream for an authenticated device and sends what is pending. */
  public SseEmitter open(PushDevice device, RequestContext context) {
    SseEmitter emitter = new SseEmitter(0L);
    Connection connection =
        new Connection(device.id(), device.userId().value(), device.publicKey(), emitter, context);
    Set<Connection> mine =
        byUser.computeIfAbsent(connection.userId, k -> new CopyOnWriteArraySet<>());
    mine.add(connection);
    emitter.onCompletion(() -> remove(connection));
    emitter.onTimeout(() -> remove(connection));
    emitter.onError(e -> remove(connection));
    audit.record(
        AuditEvent.of(AuditEventType.PUSH_DEVICE_CONNECTED, context, clock.instant())
            .user(device.userId(), "")
            .flow(device.flowId())
            .detail(
                "device \""
                    + device.name()
                    + "\" ("
                    + device.id()
                    + ") opened its push connection from "
                    + context.ip())
            .build());
    connection.send(
        SseEmitter.event()
            .name("ready")
            .data(json.writeValueAsString(Map.of("deviceId", device.id().toString()))));
    for (Challenge challenge : challenges.getObject().pendingFor(device)) {
      deliver(connection, device, challenge);
    }
    return emitter;
  }

  /** Delivers a challenge to the devices connected to this node that may answer it. */
  public void publish(Challenge challenge) {
    Set<Connection> mine = byUser.get(challenge.userId().value());
    if (mine == null) {
      return;
    }
    for (Connection connection : mine) {
      // The device's state now (a pending device becomes active when its registration completes).
      Optional<PushDevice> device = devices.findById(connection.deviceId);
      if (device.isPresent() && connection.reboundAway(device.get())) {
        continue;
      }
      if (device.isPresent() && ChallengeService.deliverableTo(challenge, device.get())) {
        deliver(connection, device.get(), challenge);
      }
    }
  }

  /**
   * Ends this node's streams of {@code device} that were opened with a key it no longer has (it was
   * just re-bound to a new phone). Other nodes end theirs when the next challenge for the user goes
   * out ({@link #publish}).
   */
  public void endStreamsWithOldKey(PushDevice device) {
    Set<Connection> mine = byUser.get(device.userId().value());
    if (mine == null) {
      return;
    }
    for (Connection connection : mine) {
      if (connection.deviceId.equals(device.id())) {
        connection.reboundAway(device);
      }
    }
  }

  private volatile boolean running;

  @Override
  public void start() {
    running = true;
  }

  /**
   * Before the web server's graceful shutdown: ends every stream, so the node stops at once instead
   * of waiting for streams that never end, and devices reconnect (to another node, if any).
   */
  @Override
  public void stop() {
    running = false;
    for (Set<Connection> connections : byUser.values()) {
      for (Connection connection : connections) {
        connection.close();
      }
    }
    byUser.clear();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Stops first: a higher phase stops earlier than the web server (SmartLifecycle). */
  @Override
  public int getPhase() {
    return Integer.MAX_VALUE;
  }

  /**
   * Sends every connected device what is pending for it (each challenge still at most once per
   * connection): after the cluster feed reconnects, so nothing announced meanwhile is missed.
   */
  public void resync() {
    for (Set<Connection> connections : byUser.values()) {
      for (Connection connection : connections) {
        devices
            .findById(connection.deviceId)
            .filter(device -> !connection.reboundAway(device))
            .ifPresent(
                device -> {
                  for (Challenge challenge : challenges.getObject().pendingFor(device)) {
                    deliver(connection, device, challenge);
                  }
                });
      }
    }
  }

  /** Whether any device of {@code userId} is connected here (to skip lookups for others). */
  public boolean hasConnections(UUID userId) {
    Set<Connection> mine = byUser.get(userId);
    return mine != null && !mine.isEmpty();
  }

  /** Devices connected to this node now. */
  public int connected() {
    return byUser.values().stream().mapToInt(Set::size).sum();
  }

  @Scheduled(fixedDelayString = "${latchkey.push.keep-alive:15s}", initialDelayString = "15s")
  public void keepAlive() {
    for (Set<Connection> connections : byUser.values()) {
      for (Connection connection : connections) {
        connection.send(SseEmitter.event().comment("keep-alive"));
      }
    }
  }

  private void deliver(Connection connection, PushDevice device, Challenge challenge) {
    if (!connection.sent.add(challenge.id())) {
      return;
    }
    Map<String, Object> data = DeviceController.view(challenge);
    if (connection.send(
        SseEmitter.event()
            .name("challenge")
            .id(challenge.id().toString())
            .data(json.writeValueAsString(data)))) {
      challenges.getObject().delivered(challenge, device, connection.context);
    }
  }

  private void remove(Connection connection) {
    Set<Connection> mine = byUser.get(connection.userId);
    if (mine != null) {
      mine.remove(connection);
      if (mine.isEmpty()) {
        byUser.remove(connection.userId, mine);
      }
    }
  }

  /** One open stream. Sends are serialised: an emitter is not safe for concurrent use. */
  private final class Connection {
    final UUID deviceId;
    final UUID userId;
    final byte[] publicKey;
    final SseEmitter emitter;
    final RequestContext context;
    final Set<UUID> sent = ConcurrentHashMap.newKeySet();

    Connection(
        UUID deviceId, UUID userId, byte[] publicKey, SseEmitter emitter, RequestContext context) {
      this.deviceId = deviceId;
      this.userId = userId;
      this.publicKey = publicKey;
      this.emitter = emitter;
      this.context = context;
    }

    /**
     * True, and the stream is ended, when the device was re-bound to another key (a restore on a
     * new phone) after this stream was opened with the old one: the old phone gets nothing more,
     * and its reconnection is refused.
     */
    boolean reboundAway(PushDevice now) {
      if (java.security.MessageDigest.isEqual(publicKey, now.publicKey())) {
        return false;
      }
      remove(this);
      close();
      return true;
    }

    synchronized void close() {
      try {
        emitter.complete();
      } catch (IllegalStateException alreadyDone) {
        // The stream had already ended.
      }
    }

    synchronized boolean send(SseEmitter.SseEventBuilder event) {
      try {
        emitter.send(event);
        return true;
      } catch (IOException | IllegalStateException e) {
        log.debug("push connection of device {} closed: {}", deviceId, e.toString());
        remove(this);
        try {
          emitter.completeWithError(e);
        } catch (IllegalStateException alreadyDone) {
          // The container already ended the request (the device went away): nothing to finish.
        }
        return false;
      }
    }
  }

  /** For tests and the doctor: which devices are connected here. */
  List<UUID> connectedDevices() {
    return byUser.values().stream().flatMap(Set::stream).map(c -> c.deviceId).toList();
  }
}
